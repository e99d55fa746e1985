"""The benchmark scripts run end to end and write the result files the docs include.

They time nothing here: each runs once, into a temporary results folder, and
the tests read what it wrote. The recorded results in bench/results/ stay as
they were measured.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"


def _run_bench(script: str, results: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / script), "--runs", "1", "--results", str(results)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _seconds(cell: str) -> float:
    match = re.fullmatch(r"\s*(\d+\.\d\d) s\s*", cell)
    assert match, f"not a duration: {cell!r}"
    return float(match.group(1))


def _row(result: str, first_cells: str) -> list[str]:
    for line in result.splitlines():
        if line.startswith(f"| {first_cells} |"):
            return [cell.strip() for cell in line.strip("|").split("|")]
    raise AssertionError(f"no row starting with {first_cells!r} in:\n{result}")


def test_copy_speed_records_charter_beside_the_one_file_floor(tmp_path: Path) -> None:
    completed = _run_bench("copy_speed.py", tmp_path)
    assert completed.returncode == 0, completed.stderr
    result = (tmp_path / "copy_speed.md").read_text(encoding="utf-8")
    assert result.startswith("## Copy speed\n")
    charter = _row(result, "Charter | `copier copy` (CLI)")
    floor = _row(result, "one-file template | `copier copy` (CLI)")
    assert 0 < _seconds(charter[2]) < 60
    assert 0 < _seconds(floor[2]) < 60
    assert re.search(r"\*\*Charter copy: \d+\.\d\d s median", result)
    assert "| cores (nproc) |" in result
    assert "| copier |" in result


def test_bench_scripts_refuse_a_run_count_below_one(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCH / "copy_speed.py"), "--runs", "0", "--results", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "--runs must be at least 1" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not (tmp_path / "copy_speed.md").exists()


@pytest.mark.generated
def test_zero_to_green_passes_every_gate_and_times_each_step(tmp_path: Path) -> None:
    completed = _run_bench("zero_to_green.py", tmp_path)
    result = (tmp_path / "zero_to_green.md").read_text(encoding="utf-8")
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    assert "every gate passed in every run" in result
    for step in (
        "`uv sync --locked`",
        "`git add -A`",
        "`uv run pre-commit run --all-files`",
        "`uv run pytest`",
    ):
        assert _seconds(_row(result, step)[1]) >= 0
    assert _seconds(_row(result, "**total**")[1]) > 0


@pytest.mark.update
def test_update_speed_times_the_update_beside_recopy(tmp_path: Path) -> None:
    completed = _run_bench("update_speed.py", tmp_path)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    result = (tmp_path / "update_speed.md").read_text(encoding="utf-8")
    assert result.startswith("## Update speed\n")
    update = _row(result, "`copier update`, no lock file (lock refresh skipped)")
    recopy = _row(result, "`copier recopy`, no lock file (the alternative)")
    assert 0 < _seconds(update[1]) < 120
    assert 0 < _seconds(recopy[1]) < 120
    assert re.search(r"\*\*Update: \d+\.\d\d s median\*\*", result)


EARLIER_CHECK_SPEED = """## charter check speed

| what | median | min | max | target |
|---|---|---|---|---|
| default project, cache warm (a typical commit) | 50.00 s | 50.00 s | 50.00 s | 0.3 s |
| default project, cache off (every check for real) | 51.00 s | 51.00 s | 51.00 s |  |
| large project, cache warm | 52.00 s | 52.00 s | 52.00 s | 2.0 s |
| large project, cache off | 53.00 s | 53.00 s | 53.00 s | 2.0 s |

### Machine

| fact | value |
|---|---|
| date (UTC) | `2026-11-26 15:50` |
| load average (1, 5, 15 min) | `1.40, 1.22, 1.38` |
| charter | `0a461ac` |
"""
"""A recording the script replaces: its medians must stay beside the new ones."""


def test_check_speed_records_the_default_and_the_large_project(tmp_path: Path) -> None:
    (tmp_path / "check_speed.md").write_text(EARLIER_CHECK_SPEED, encoding="utf-8")
    completed = _run_bench("check_speed.py", tmp_path)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    result = (tmp_path / "check_speed.md").read_text(encoding="utf-8")
    warm = _row(result, "default project, cache warm (a typical commit)")
    large = _row(result, "large project, cache off")
    assert 0 < _seconds(warm[1]) < 60
    assert 0 < _seconds(large[1]) < 120
    earlier = _row(result, "earlier")
    assert earlier[1:4] == ["0a461ac", "2026-11-26 15:50", "1.40"]
    ratio = re.fullmatch(r"53\.00 s \((\d+\.\d)x\)", earlier[7])
    assert ratio, earlier
    assert float(ratio.group(1)) == pytest.approx(53 / _seconds(large[1]), abs=0.1)
    now = _row(result, "now")
    assert now[4] == warm[1] and now[7] == large[1]


CARDS = {
    "no_front_matter.md": "# A model\n\nNo metadata at all.\n",
    "empty_block_first.md": "---\n---\nlicense: mit\n---\n# A model\n",
    "not_a_mapping.md": "---\n- a\n- b\n---\n# A model\n",
}
"""Cards written for this test: two the hub reads, one it rejects."""


def test_card_corpus_compares_charter_with_huggingface_hub(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    for name, text in CARDS.items():
        (cards / name).write_text(text)
    completed = subprocess.run(
        [sys.executable, str(BENCH / "card_corpus.py"), str(cards), "--results", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result = (tmp_path / "card_corpus.md").read_text(encoding="utf-8")
    assert "**2 of 2 cards huggingface_hub reads load in Charter**" in result
    assert "3 of 3 agree" in result
    rejected = _row(result, "`not_a_mapping.md`")
    assert rejected[1].startswith("rejects: ValueError")
    assert rejected[4] == "PRJ001"
    assert _row(result, "`empty_block_first.md`")[3] == "yes"  # same metadata as the hub's
    assert "| charter |" in result


def test_import_cost_records_help_and_check(tmp_path: Path) -> None:
    completed = _run_bench("import_cost.py", tmp_path)
    assert completed.returncode == 0, completed.stderr
    result = (tmp_path / "import_cost.md").read_text(encoding="utf-8")
    help_row = _row(result, "`charter --help`")
    check_row = _row(result, "`charter check`")
    assert help_row[4] == "none"  # no heavy library behind the help text
    assert int(check_row[2]) > int(help_row[2])
    assert re.fullmatch(r"\d+ ms", help_row[1])
