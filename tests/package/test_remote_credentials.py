"""The guide's table of remote kinds and the generated CI cannot disagree.

docs/guide/own-data.md has one row per DVC remote kind: the URL, the variables
DVC reads, the GitHub secrets and the GitLab variables to set. For each row a
project is rendered with that `data_remote`, and the names are compared with
what the generated CI files pass to the pipeline step (which pulls the data),
with what their comments tell a team to set, and with what `nox -s pipeline`
says when the remote cannot be reached (`charter.runs.data_remote.SECRETS`).
"""

from __future__ import annotations

import re

import pytest
import yaml
from templating import REPO

from charter.runs.data_remote import SECRETS

GUIDE = REPO / "docs" / "guide" / "own-data.md"
NAME = re.compile(r"`([A-Z][A-Z0-9_]{2,})`")
KINDS = {"S3": "s3", "GCS": "gs", "Azure": "azure", "SSH": "ssh", "local folder": ""}
VARIABLE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
KIND_LINE = re.compile(r"^\s*#\s+(S3|GCS|Azure|SSH) \(")


def table() -> dict[str, dict[str, object]]:
    """The guide's rows after `<!-- remote-kinds -->`: URL and the names of each column."""
    text = GUIDE.read_text(encoding="utf-8")
    lines = text[text.index("<!-- remote-kinds -->") :].splitlines()[1:]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == [
        "remote", "`data_remote`", "DVC reads", "GitHub Actions secrets", "GitLab CI/CD variables"
    ]  # fmt: skip
    rows = {}
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        kind, url, dvc, github, gitlab = (cell.strip() for cell in line.strip("|").split("|"))
        rows[kind] = {
            "url": re.sub(r"[A-Z]+", lambda m: m.group().lower(), url.split("`")[1]),
            "dvc": set(NAME.findall(dvc)),
            "github": set(NAME.findall(github)),
            "gitlab": set(NAME.findall(gitlab)),
        }
    return rows


ROWS = table()


def commented(text: str) -> dict[str, set[str]]:
    """The names a CI file's comment lists per remote kind (a kind's line and the ones under it)."""
    found: dict[str, set[str]] = {}
    kind = None
    for line in text.splitlines():
        match = KIND_LINE.match(line)
        if match:
            kind = match.group(1)
            found[kind] = set()
        elif kind and not re.match(r"^\s*#\s{6,}\S", line):
            kind = None
        if kind:
            found[kind] |= set(VARIABLE.findall(line))
    return found


def test_the_guide_has_a_row_per_remote_kind() -> None:
    assert list(ROWS) == list(KINDS)
    for kind, scheme in KINDS.items():
        assert ROWS[kind]["url"].startswith(f"{scheme}://" if scheme else "/"), kind


@pytest.mark.parametrize("kind", list(KINDS))
def test_github_ci_passes_what_the_guide_says(render, kind: str) -> None:
    row = ROWS[kind]
    workflow = render(ci="github", data_remote=row["url"]) / ".github" / "workflows" / "ci.yml"
    text = workflow.read_text()
    job = yaml.safe_load(text)["jobs"]["check"]
    steps = yaml.safe_dump(job["steps"])
    assert set(re.findall(r"secrets\.(\w+)", steps)) == row["github"]
    [pipeline] = [step for step in job["steps"] if step.get("name") == "Pipeline"]
    assert "nox -s pipeline" in pipeline["run"]  # the step that pulls before `dvc repro`
    env = pipeline.get("env", {})
    assert set(env) == row["dvc"]
    for name, value in env.items():  # from the environment's secrets only, never written here
        assert re.fullmatch(r"\$\{\{ (secrets\.\w+|runner\.temp) \}\}[\w/.-]*", value), name
    assert ("environment" in job) == bool(row["github"])
    if KINDS[kind]:
        assert commented(text)[kind] == row["github"]
        said = set(VARIABLE.findall(SECRETS[KINDS[kind]]))  # when the remote is unreachable
        assert said == (row["dvc"] or row["github"])


@pytest.mark.parametrize("kind", list(KINDS))
def test_gitlab_ci_says_what_the_guide_says(render, kind: str) -> None:
    row = ROWS[kind]
    text = (render(ci="gitlab", data_remote=row["url"]) / ".gitlab-ci.yml").read_text()
    assert row["dvc"] <= row["gitlab"]  # GitLab passes its variables to every job as they are
    if KINDS[kind]:
        assert commented(text)[kind] == row["gitlab"]
    script = "\n".join(yaml.safe_load(text)["check"]["script"])
    passed = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", script)) - {"CI"}
    assert passed == (row["gitlab"] if kind == "SSH" else set())


def test_every_shared_kind_names_its_secrets_and_a_folder_none() -> None:
    assert all(ROWS[kind]["github"] for kind in KINDS if KINDS[kind])
    assert not any(ROWS["local folder"][column] for column in ("dvc", "github", "gitlab"))
