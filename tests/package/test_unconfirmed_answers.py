"""PRJ040: answers an update gave to new questions stay a warning until confirmed."""

from __future__ import annotations

import pytest
from checking import charter, copy_good, findings

ANSWERS = """\
# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY
_commit: v1.2.0
_src_path: /nonexistent/charter
project_name: Clinic
review_cadence: quarterly
_charter_unconfirmed:
- review_cadence
"""


@pytest.mark.fails_with("PRJ040")
def test_an_unconfirmed_answer_is_a_warning_at_its_line(tmp_path):
    project = copy_good(tmp_path)
    (project / ".copier-answers.yml").write_text(ANSWERS)
    result = charter(
        "check", "--select", "PRJ040", cwd=project, env={"CHARTER_TEMPLATE_CHECK_TTL": "-1"}
    )
    assert result.returncode == 0, result.stdout + result.stderr  # a warning never fails
    assert result.stdout.startswith(".copier-answers.yml:7:1: PRJ040 "), result.stdout
    assert "`review_cadence` with `quarterly`" in result.stdout


def test_a_confirmed_answer_is_not_reported(tmp_path):
    project = copy_good(tmp_path)
    confirmed = ANSWERS.split("_charter_unconfirmed", maxsplit=1)[0]
    (project / ".copier-answers.yml").write_text(confirmed)
    _, found = findings(project, "--select", "PRJ040")
    assert found == []
