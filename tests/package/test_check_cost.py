"""A clean `charter check` does only the work a clean project needs.

With every file valid, no finding asks for a line and column, so no document
is located, and jsonschema (which only words errors) is never imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GOOD = Path(__file__).parent / "fixtures" / "check" / "good"

CHECK_IN_PROCESS = """
import sys
from pathlib import Path
from charter.project import Project
from charter.rules import check

project = Project.load(Path(sys.argv[1]))
assert check(project) == [], check(project)
documents = [c.document for c in project.contracts] + [project.catalog.document]
documents += [card.markdown.front_matter for card in project.cards]
print(sum(d.located is not None for d in documents), len(documents))
print("jsonschema" in sys.modules, "jsonschema_rs" in sys.modules)
"""


def test_a_clean_check_locates_nothing_and_leaves_jsonschema_unimported(tmp_path: Path) -> None:
    env = {**os.environ, "CHARTER_NO_CACHE": "1", "CHARTER_TEMPLATE_CHECK_TTL": "-1"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", CHECK_IN_PROCESS, str(GOOD)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    located, imports = result.stdout.splitlines()
    count, total = map(int, located.split())
    assert total >= 3
    assert count == 0
    assert imports == "False True"  # validated by jsonschema-rs, for real (cache off)
