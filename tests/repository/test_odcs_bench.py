"""bench/odcs_conformance.py measures a corpus laid out like ../shared/corpus (here its own)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from charter.formats.schema import schema_text

REPO = Path(__file__).resolve().parents[2]

CONTRACT = """apiVersion: v3.1.0
kind: DataContract
id: birds
version: 1.0.0
status: active
schema:
  - name: birds
    properties:
      - name: wing
        logicalType: number
        logicalTypeOptions: {minimum: 0}
"""


def corpus(root: Path) -> Path:
    (root / "odcs").mkdir(parents=True)
    (root / "odcs" / "good.yaml").write_text(CONTRACT)
    (root / "odcs" / "bad.yaml").write_text(CONTRACT + "colour: red\n")
    (root / "schemas").mkdir()
    for prefix in ("bitol", "dc128"):
        (root / "schemas" / f"{prefix}-v3.1.0.json").write_text(
            schema_text("odcs-3.1.0.schema.json")
        )
    for name, wing, expected in (("ok", "1.5", "pass"), ("negative", "-1", "fail")):
        case = root / "odcs-data" / name
        case.mkdir(parents=True)
        (case / "contract.yaml").write_text(CONTRACT)
        (case / "birds.csv").write_text(f"wing\n{wing}\n")
        (case / "case.json").write_text(
            json.dumps(
                {
                    "id": name,
                    "contract": "contract.yaml",
                    "data": "birds.csv",
                    "expected": expected,
                    "expected_basis": "upstream-test",
                }
            )
        )
    return root


def test_conformance_bench_records_check_and_validate_agreement(tmp_path: Path) -> None:
    script = REPO / "bench" / "odcs_conformance.py"
    completed = subprocess.run(
        [sys.executable, str(script), str(corpus(tmp_path / "c")), "--results", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result = (tmp_path / "odcs_conformance.md").read_text()
    assert "| `charter check` (CON001/CON002) vs the official schema | 4/4 |" in result
    assert "| `charter validate`, upstream-tested cases | 2/2 |" in result
    assert "| contracts `check` passes that `validate` cannot compile | 0 |" in result
