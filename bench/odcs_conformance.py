"""How far Charter agrees with the ODCS standard, measured on material no one here wrote.

Usage: python bench/odcs_conformance.py [CORPUS] [--results DIR]

CORPUS (default: `../shared/corpus` beside the repository; without it nothing
is measured) is a folder laid out like it (see its SOURCES.md):
`odcs/**.yaml` contracts, `odcs-data/<case>/case.json` with a contract, a data
file and the upstream verdict, and `schemas/bitol-v<version>.json`, the official
ODCS JSON Schemas. Nothing of it is copied into the project: contracts are
copied into a scratch project under a temporary folder and measured there.

- **check**: `charter check --select CON001,CON002` on the scratch project
  against the official schema of each contract's apiVersion (jsonschema). A
  v3.0.x contract is measured as written (Charter refuses it, CON002) and as a
  copy declared v3.1.0, which the v3.1.0 schema judges.
- **cannot validate**: contracts `charter check` reports as not validatable
  (CON015), and those it passes whose schema objects `charter validate` cannot
  compile (it would exit 2): each of the latter is a gap.
- **validate**: `charter validate DATA --contract C` on each case, exit 0 for
  an expected pass, 1 for an expected fail; exit 2 disagrees either way.

Writes bench/results/odcs_conformance.md with every disagreement listed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
import yaml
from harness.machine import REPO, machine_facts
from harness.report import add_results_option, table, write_result

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
SCHEMA_CODES = ("CON001", "CON002")
CHECK_CODES = "CON001,CON002,CON015"


def _plain(value):
    """YAML values as JSON would hold them: dates become their ISO text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


_VALIDATORS: dict[Path, object] = {}


def _official(data, schemas: Path, source: str = "bitol") -> tuple[bool | None, str]:
    """The official schema's verdict, None when no official schema exists for the version.

    `source="dc128"`: the same version's schema as datacontract-cli 1.2.8 ships it,
    which Charter vendors; a disagreement it explains is the official schema's own.
    """
    version = str(data.get("apiVersion", "")) if isinstance(data, dict) else ""
    path = schemas / f"{source}-{version}.json"
    if not path.is_file():
        return None, f"no official schema for apiVersion {version!r}"
    if path not in _VALIDATORS:
        schema = json.loads(path.read_text())
        _VALIDATORS[path] = jsonschema.validators.validator_for(schema)(schema)
    validator = _VALIDATORS[path]
    errors = sorted(validator.iter_errors(_plain(data)), key=lambda e: list(e.path))
    return (not errors), (errors[0].message[:120] if errors else "")


def _contracts(corpus: Path) -> list[Path]:
    found = sorted((corpus / "odcs").rglob("*.yaml")) + sorted((corpus / "odcs").rglob("*.yml"))
    for case in sorted((corpus / "odcs-data").glob("*/case.json")):
        found.append(case.parent / json.loads(case.read_text())["contract"])
    return list(dict.fromkeys(found))


def _scratch(corpus: Path, root: Path) -> dict[str, tuple[str, object]]:
    """Copy every contract into root's governance/contracts; name -> (corpus path, data)."""
    folder = root / "governance" / "contracts"
    folder.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "scratch"\n\n[tool.charter]\n')
    copies: dict[str, tuple[str, object]] = {}
    for index, path in enumerate(_contracts(corpus)):
        text = path.read_text()
        relative = str(path.relative_to(corpus))
        name = f"c{index:03d}.odcs.yaml"
        (folder / name).write_text(text)
        data = yaml.safe_load(text)
        copies[name] = (relative, data)
        version = str(data.get("apiVersion", "")) if isinstance(data, dict) else ""
        if version.startswith("v3.0"):
            data = dict(data, apiVersion="v3.1.0")
            name = f"c{index:03d}-as-v3.1.0.odcs.yaml"
            (folder / name).write_text(yaml.safe_dump(data, sort_keys=False))
            copies[name] = (f"{relative} (as v3.1.0)", data)
    return copies


def _charter(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "charter", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def measure_check(corpus: Path, root: Path) -> dict:
    copies = _scratch(corpus, root)
    result = _charter("check", "--select", CHECK_CODES, "--no-cache", "--format", "json", cwd=root)
    findings: dict[str, list[str]] = {}
    unvalidatable: list[list[str]] = []
    for finding in json.loads(result.stdout or '{"findings": []}')["findings"]:
        name = Path(finding["path"]).name
        if finding["code"] in SCHEMA_CODES:
            findings.setdefault(name, []).append(f"{finding['code']} {finding['message'][:100]}")
        else:
            relative = copies[name][0]
            unvalidatable.append([relative, f"{finding['line']}", finding["message"][:160]])
    disagreements, refused = [], []
    agreed = judged = 0
    for name, (relative, data) in copies.items():
        official, reason = _official(data, corpus / "schemas")
        charter_ok = name not in findings
        if official is None:
            if charter_ok:
                disagreements.append([relative, reason, "none", "accepted"])
            else:
                refused.append([relative, reason, "refused (CON002)"])
            continue
        if official and not charter_ok and all(f.startswith("CON002") for f in findings[name]):
            refused.append([relative, "valid", "refused (CON002): Charter reads v3.1.0 and later"])
            continue
        judged += 1
        if official == charter_ok:
            agreed += 1
        else:
            said = "accepted" if charter_ok else "; ".join(findings[name][:2])
            vendored = _official(data, corpus / "schemas", "dc128")[0]
            shipped = {True: "valid", False: "invalid", None: "none"}[vendored]
            disagreements.append([relative, "valid" if official else reason, shipped, said])
    flagged = {row[0] for row in unvalidatable}
    cannot = _cannot_validate(root, copies, findings, flagged)
    return {
        "agreed": agreed,
        "judged": judged,
        "total": len(copies),
        "disagreements": disagreements,
        "refused": refused,
        "unvalidatable": unvalidatable,
        "cannot": cannot,
    }


def _cannot_validate(root: Path, copies, findings, flagged) -> list[list[str]]:
    """Contracts `charter check` passes that `charter validate` cannot compile: the gap."""
    from charter.formats import contract as contract_format  # noqa: PLC0415
    from charter.validation import ContractError  # noqa: PLC0415
    from charter.validation.validator import compile_contract  # noqa: PLC0415

    rows = []
    for name, (relative, _data) in copies.items():
        if name in findings or relative in flagged:
            continue
        contract = contract_format.load(root / "governance" / "contracts" / name)
        for schema_object in contract.schemas:
            try:
                compile_contract(contract, schema_object.name)
            except ContractError as error:
                message = str(error).split(": ", 1)[-1]
                rows.append([relative, schema_object.name, message[:140]])
    return rows


def measure_validate(corpus: Path) -> tuple[list[list[str]], int, int]:
    rows = []
    agreed = 0
    cases = sorted((corpus / "odcs-data").glob("*/case.json"))
    for case_file in cases:
        case = json.loads(case_file.read_text())
        folder = case_file.parent
        result = _charter(
            "validate",
            str(folder / case["data"]),
            "--contract",
            str(folder / case["contract"]),
            cwd=folder,
        )
        verdict = {0: "pass", 1: "fail"}.get(result.returncode, "error")
        ok = verdict == case["expected"]
        agreed += ok
        detail = (result.stderr or result.stdout).strip().splitlines()
        summary = next((line for line in detail if line.strip()), "")[:140]
        basis = case.get("expected_basis", "")
        mark = "yes" if ok else "**no**"
        rows.append([case["id"], basis, case["expected"], verdict, mark, summary])
    return rows, agreed, len(cases)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "corpus",
        type=Path,
        nargs="?",
        default=DEFAULT_CORPUS,
        help=f"the corpus folder (default: {DEFAULT_CORPUS})",
    )
    add_results_option(parser)
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if not (corpus / "odcs-data").is_dir():
        print(f"no ODCS corpus at {corpus}: nothing measured (pass its folder)")
        return 0
    root = Path(tempfile.mkdtemp(prefix="charter-odcs-"))
    try:
        check = measure_check(corpus, root / "project")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows, validate_agreed, cases = measure_validate(corpus)
    upstream = [row for row in rows if row[1] == "upstream-test"]
    upstream_agreed = sum(row[4] == "yes" for row in upstream)
    summary = [
        [
            "`charter check` (CON001/CON002) vs the official schema",
            f"{check['agreed']}/{check['judged']}",
        ],
        ["v3.0.x contracts as written, refused by design (CON002)", str(len(check["refused"]))],
        ["contracts `check` flags as not validatable (CON015)", str(len(check["unvalidatable"]))],
        ["contracts `check` passes that `validate` cannot compile", str(len(check["cannot"]))],
        ["`charter validate` vs the upstream verdict, all cases", f"{validate_agreed}/{cases}"],
        ["`charter validate`, upstream-tested cases", f"{upstream_agreed}/{len(upstream)}"],
    ]
    sections = [
        f"Corpus: `{corpus}` (its SOURCES.md names every origin); {check['total']} contracts "
        "measured (v3.0.x ones also as copies declared v3.1.0).",
        "### Summary",
        table(["measure", "result"], summary),
        "### `charter check` disagreements with the official schema",
        "The third column is the verdict of the same version's schema as datacontract-cli "
        "1.2.8 ships it (byte-identical to the one Charter vendors): where it agrees with "
        "Charter, the official file is the one in error.",
        table(
            ["contract", "official schema", "datacontract-cli 1.2.8 schema", "charter"],
            check["disagreements"],
        )
        if check["disagreements"]
        else "None.",
        "### Flagged by `charter check` as not validatable (CON015)",
        table(["contract", "line", "message"], check["unvalidatable"])
        if check["unvalidatable"]
        else "None.",
        "### Passes `check`, cannot be validated",
        table(["contract", "schema object", "why"], check["cannot"])
        if check["cannot"]
        else "None.",
        "### `charter validate` per case",
        table(["case", "basis", "expected", "charter", "agrees", "first line"], rows),
    ]
    path = write_result(
        "odcs_conformance",
        "ODCS conformance on the corpus",
        sections,
        machine_facts(),
        args.results,
    )
    print(
        f"check {check['agreed']}/{check['judged']} (refused v3.0.x {len(check['refused'])}); "
        f"CON015 {len(check['unvalidatable'])}; gap {len(check['cannot'])}; "
        f"validate {validate_agreed}/{cases} (upstream-tested {upstream_agreed}/{len(upstream)}); "
        f"wrote {path}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
