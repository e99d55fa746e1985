"""Check every project with its own pinned charter and gather one row per project."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.constants import STAGES
from charter.fleet import environments, releases
from charter.fleet.allowlist import AllowList, own_requirement
from charter.fleet.progress import Tick
from charter.fleet.projects import ProjectFacts, read_facts

TIMEOUT = 600
DRAFT = "draft"
"""Below the first stage: an artifact with errors that bind at review."""


@dataclass
class ProjectReport:
    facts: ProjectFacts
    latest: str | None = None
    behind: bool | None = None
    charter_version: str | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    ready: str | None = None
    cards: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0

    def by_code(self) -> dict[str, dict[str, Any]]:
        counts = Counter(f["code"] for f in self.findings)
        first = {f["code"]: f for f in reversed(self.findings)}
        return {
            code: {
                "count": counts[code],
                "severity": first[code]["severity"],
                "stage": first[code].get("stage"),
            }
            for code in sorted(counts)
        }

    def by_stage(self) -> dict[str, dict[str, int]]:
        table = {stage: {"errors": 0, "warnings": 0} for stage in STAGES}
        for f in self.findings:
            row = table.setdefault(f.get("stage") or "unknown", {"errors": 0, "warnings": 0})
            row["errors" if f["severity"] == "error" else "warnings"] += 1
        return table

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.facts.name,
            "path": str(self.facts.root),
            "template": {
                "source": self.facts.template_source,
                "version": self.facts.template_version,
                "latest": self.latest,
                "behind": self.behind,
            },
            "charter": {
                "pin": self.facts.pin.requirement,
                "version": self.charter_version,
                "plugins": [p.requirement for p in self.facts.plugins],
            },
            "ready_for": self.ready,
            "findings": {"by_code": self.by_code(), "by_stage": self.by_stage()},
            "cards": self.cards,
            "newest_run": self.facts.newest_run,
            "error": self.error,
            "seconds": round(self.seconds, 2),
        }


@dataclass
class FleetReport:
    projects: list[ProjectReport]
    environments: list[environments.Environment]
    seconds: float
    allowed: tuple[str, ...] = ()
    """The sources fleet was allowed to install charter from."""

    def as_dict(self) -> dict[str, Any]:
        built = [e for e in self.environments if e.built]
        return {
            "apiVersion": "charter/fleet/v1",
            "projects": [p.as_dict() for p in self.projects],
            "releases": sorted({p.facts.template_version or "none" for p in self.projects}),
            "environments": {
                "pins": len(self.environments),
                "built": len(built),
                "reused": len(self.environments) - len(built),
                "build_seconds": round(sum(e.seconds for e in built), 2),
                "unpinned_projects": sum(p.facts.pin.requirement is None for p in self.projects),
            },
            "allowed_sources": list(self.allowed),
            "seconds": round(self.seconds, 2),
        }


def survey(
    roots: list[Path], tick: Tick, *, rebuild: bool = False, allow: AllowList | None = None
) -> FleetReport:
    """One row per project; a pin from a source `allow` does not list is never installed."""
    allow = allow or AllowList.of()
    started = time.perf_counter()
    envs: dict[tuple[str | None, tuple[str, ...]], environments.Environment | str] = {}
    stages: dict[Path, dict[str, str]] = {}
    latest: dict[str, tuple[str | None, str | None]] = {}
    reports = []
    for root in roots:
        begun = time.perf_counter()
        facts = read_facts(root)
        report = ProjectReport(facts)
        if facts.template_source is not None:
            if facts.template_source not in latest:
                latest[facts.template_source] = releases.latest_release(facts.template_source)
            report.latest = latest[facts.template_source][0]
            current = releases.parse_version(facts.template_version)
            newest = releases.parse_version(report.latest)
            if current is not None and newest is not None:
                report.behind = current < newest
        requirement = facts.pin.requirement
        plugins = tuple(p.requirement for p in facts.plugins)
        if requirement is None and plugins:
            # unpinned: the running charter, installed again next to the plugins
            requirement = own_requirement()
        refused = None if requirement is None else allow.refusal(requirement)
        refused = refused or next(
            filter(None, (allow.refusal(p.requirement, p.name, p.index) for p in facts.plugins)),
            None,
        )
        indexes = tuple(sorted({p.index for p in facts.plugins if p.index is not None}))
        key = (requirement, (*plugins, *indexes) if requirement is not None else ())
        if refused is not None:
            report.error = refused
        elif key not in envs:
            try:
                envs[key] = environments.environment(
                    requirement, plugins, indexes=indexes, rebuild=rebuild
                )
            except environments.BuildError as error:
                envs[key] = str(error)
        env = envs.get(key) if refused is None else None
        if isinstance(env, str):
            report.error = env
        elif env is not None:
            if env.charter not in stages:
                stages[env.charter] = _rule_stages(env)
            _check(report, env, stages[env.charter])
        report.seconds = time.perf_counter() - begun
        reports.append(report)
        tick(f"{facts.name} ({report.seconds:.1f} s)")
    built = [e for e in envs.values() if not isinstance(e, str) and e.requirement is not None]
    return FleetReport(reports, built, time.perf_counter() - started, allow.sources)


def _env() -> dict[str, str]:
    """PRJ010/PRJ011 would each clone the template again: the report asks once itself."""
    return {**os.environ, "CHARTER_TEMPLATE_CHECK_TTL": "-1"}


STAGES_OF_RULES = """
import json
from charter.rules import all_rules
print(json.dumps({code: rule.stage for code, rule in all_rules().items()}))
"""
"""Releases before `charter rule` (v0.1.0) had no command listing the rules: their library
registry has each rule's stage since the first release."""


def _rule_stages(env: environments.Environment) -> dict[str, str]:
    """Each rule's stage, as the environment's charter (and its plugins) register them."""
    listed = _json_out(str(env.charter), "rule", "--all", "--output-format", "json")
    if isinstance(listed, list):
        try:
            return {r["code"]: r["stage"] for r in listed}
        except (KeyError, TypeError):
            pass
    registry = _json_out(str(env.python), "-c", STAGES_OF_RULES)
    return registry if isinstance(registry, dict) else {}


def _json_out(*command: str) -> Any:
    """What `command` prints as JSON, None when it fails or prints something else."""
    try:
        result = subprocess.run(
            [*command], capture_output=True, text=True, timeout=TIMEOUT, env=_env(),
            stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        return json.loads(result.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None


def _check(report: ProjectReport, env: environments.Environment, stages: dict[str, str]) -> None:
    root = report.facts.root
    charter = env.charter
    try:
        result = subprocess.run(
            [str(charter), "check", "--format", "json", "--stage", STAGES[-1]],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=_env(),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        report.error = f"charter check took longer than {TIMEOUT} s"
        return
    if result.returncode not in (0, 1):
        reason = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
        report.error = f"charter check exited {result.returncode}: {reason}"
        return
    try:
        document = json.loads(result.stdout)
    except ValueError:
        report.error = "charter check printed no JSON"
        return
    # charter before the fleet report printed a bare list of findings
    rows = document["findings"] if isinstance(document, dict) else document
    # ... and no version in it: the environment's metadata has it
    version = document.get("charter_version") if isinstance(document, dict) else None
    report.charter_version = version or env.charter_version()
    report.findings = [{**row, "stage": stages.get(row["code"])} for row in rows]
    report.ready = _ready(report.findings)
    models = Path(_setting(root, "models", "governance/models"))
    for card in sorted((root / models).glob("*/card.md")):
        relative = card.relative_to(root).as_posix()
        report.cards[card.parent.name] = _ready(
            [f for f in report.findings if f["path"] == relative]
        )


def _ready(findings: list[dict[str, Any]]) -> str:
    """The last stage whose binding rules report no error (`draft` when review's do)."""
    reached = DRAFT
    for stage in STAGES:
        binding = STAGES[: STAGES.index(stage) + 1]
        if any(
            f["severity"] == "error" and (f.get("stage") or "review") in binding for f in findings
        ):
            break
        reached = stage
    return reached


def _setting(root: Path, key: str, default: str) -> str:
    import tomllib  # noqa: PLC0415

    try:
        data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return default
    return str(data.get("tool", {}).get("charter", {}).get(key, default))
