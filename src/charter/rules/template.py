"""PRJ: is the project on the newest release of its template?"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from charter.findings import WARNING, Finding
from charter.rules.registry import at_line, rule
from charter.template_updates import ANSWERS_FILE, check_for_update

if TYPE_CHECKING:
    from charter.project import Project


def _commit_line(project: Project) -> int:
    text = (project.root / ANSWERS_FILE).read_text("utf-8")
    match = re.search(r"^_commit:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


@rule("PRJ010", "Project is behind the newest release of its template", severity=WARNING)
def template_behind(project: Project) -> Iterator[Finding]:
    status = check_for_update(project.root)
    if status is None or status.error or not status.update_available:
        return
    yield at_line(
        project.root / ANSWERS_FILE,
        _commit_line(project),
        1,
        f"the project follows template {status.current}, but {status.latest} is out: "
        "run `copier update --trust` to adopt the newer standards",
    )


@rule("PRJ011", "Could not tell whether the template has a newer release", severity=WARNING)
def template_unknown(project: Project) -> Iterator[Finding]:
    status = check_for_update(project.root)
    if status is None or status.error is None:
        return
    yield at_line(
        project.root / ANSWERS_FILE,
        _commit_line(project),
        1,
        f"could not tell whether a newer template release exists ({status.error})",
    )
