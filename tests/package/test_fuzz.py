"""The fuzz tier: hundreds of seeded hostile artifacts and data files, none ends badly.

Each case runs `charter check` (on a mutant of the rendered example project) or
`charter validate` (on a hostile data file) in a worker process capped in time
per case and in address space, and must exit 0, 1 or 2 with no traceback and no
hang; a check that finds something prints a located `path:line:col: CODE`
finding, naming the file when the case made it a special file. The seeds are
fixed, so a failure reproduces: `FUZZ_SEED=n` tries another sample.
The counts are printed (`pytest -s`) and recorded in docs/guide/reliability.md.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

from fuzzing import REDOS_SECONDS, artifact_cases, data_cases, problems, redos_cases, run_cases
from templating import clean_env, git

SEED = int(os.environ.get("FUZZ_SEED", "20261201"))
ARTIFACT_MUTANTS = 400
DATA_FILES = 80
CONTRACT = Path(__file__).parent / "data" / "patients.odcs.yaml"


def _env(tmp: Path) -> dict[str, str]:
    return {**clean_env(), "XDG_CACHE_HOME": str(tmp / "cache"), "CHARTER_TEMPLATE_CHECK_TTL": "-1"}


def _report(kind: str, cases, results) -> None:
    exits = Counter(str(r.get("exit")) for r in results)
    peak = max(r.get("peak_rss_mb", 0) for r in results)
    slowest = max(r.get("seconds", 0) for r in results)
    print(
        f"\nfuzz {kind}: {len(cases)} cases, exits {dict(sorted(exits.items()))}, "
        f"hangs {sum(1 for r in results if r.get('hang'))}, "
        f"tracebacks {sum(1 for r in results if 'Traceback' in r.get('stderr', ''))}, "
        f"peak worker RSS {peak} MB, slowest case {slowest} s"
    )


def _failures(cases, results) -> list[str]:
    return [
        f"{case.name}: {'; '.join(found)}\n  {result.get('stderr', '')[-600:]}"
        for case, result in zip(cases, results, strict=True)
        if (found := problems(case, result))
    ]


def test_artifact_mutants_end_in_findings_not_crashes(render, tmp_path: Path) -> None:
    project = shutil.copytree(render(), tmp_path / "project", symlinks=True)
    git("init", "--quiet", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", "rendered", cwd=project)
    cases = artifact_cases(project, SEED, ARTIFACT_MUTANTS)
    assert len(cases) >= 300
    results = run_cases(cases, project, tmp_path / "work", _env(tmp_path))
    _report("artifacts", cases, results)
    failures = _failures(cases, results)
    assert not failures, "\n".join(failures)
    assert sum(1 for r in results if r["exit"] == 1) >= len(cases) // 2, "too few mutants found"


def test_each_pattern_site_survives_its_worst_case(render, tmp_path: Path) -> None:
    """The ReDoS generator: every regular expression over user text, fed its worst input."""
    project = shutil.copytree(render(), tmp_path / "project", symlinks=True)
    git("init", "--quiet", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", "rendered", cwd=project)
    cases = redos_cases(project)
    assert len(cases) >= 15
    results = run_cases(cases, project, tmp_path / "work", _env(tmp_path))
    _report("redos", cases, results)
    failures = _failures(cases, results)
    assert not failures, "\n".join(failures)
    assert max(r["seconds"] for r in results) < REDOS_SECONDS
    if os.environ.get("FUZZ_VERBOSE"):
        for case, result in zip(cases, results, strict=True):
            print(case.name, result["exit"], result["seconds"], result["stdout"][:300])


def test_hostile_data_files_end_in_messages_not_crashes(tmp_path: Path) -> None:
    root = tmp_path / "data-project"
    (root / "data").mkdir(parents=True)
    shutil.copy(CONTRACT, root / "contract.odcs.yaml")
    (root / "pyproject.toml").write_text('[project]\nname = "fuzz"\nversion = "0"\n', "utf-8")
    cases = data_cases(SEED, DATA_FILES)
    assert len(cases) >= 50
    results = run_cases(cases, root, tmp_path / "work", _env(tmp_path), memory_gb=4)
    _report("data", cases, results)
    failures = _failures(cases, results)
    assert not failures, "\n".join(failures)
    assert {r["exit"] for r in results} >= {1, 2}
    if os.environ.get("FUZZ_VERBOSE"):
        for case, result in zip(cases, results, strict=True):
            print(case.name, result["exit"], result["stderr"].strip()[:200])
