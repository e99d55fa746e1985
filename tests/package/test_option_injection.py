"""Values from artifacts never reach a subprocess as options (issue 27, item 2).

`_src_path: '--upload-pack=touch pwned;git-upload-pack'` in `.copier-answers.yml`
ran the command through `git ls-remote` on `charter check`, in the hook of an
ordinary `git commit` and in fleet's release lookup. The repros run real git,
pre-commit and charter; the last test reads the code (ast) so that a new call
cannot put a non-constant argument before `--` without a review.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from checking import GOOD, charter
from templating import REPO, clean_env, git

from charter.fleet.releases import latest_release

HOSTILE = "--upload-pack=touch pwned;git-upload-pack"


def _hostile_project(tmp_path: Path) -> Path:
    """A committed project whose origin is a local path, with the hostile `_src_path`."""
    origin = tmp_path / "origin.git"
    git("init", "--quiet", "--bare", str(origin), cwd=tmp_path)
    project = Path(shutil.copytree(GOOD, tmp_path / "project"))
    (project / ".copier-answers.yml").write_text(
        yaml.safe_dump({"_commit": "v1.0.0", "_src_path": HOSTILE})
    )
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("remote", "add", "origin", str(origin), cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", "hostile answers", cwd=project)
    git("push", "--quiet", "origin", "main", cwd=project)
    return project


def test_charter_check_does_not_run_the_src_path_as_a_git_option(tmp_path: Path) -> None:
    project = _hostile_project(tmp_path)
    result = charter("check", cwd=project, env={"CHARTER_TEMPLATE_CHECK_TTL": "0"})
    assert not (project / "pwned").exists()
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PRJ011" in result.stdout
    assert "is not a URL or path: fix it in .copier-answers.yml" in result.stdout


def test_a_git_commit_through_the_hooks_does_not_run_it(tmp_path: Path) -> None:
    """The generated hook (`charter check --staged`, run by pre-commit) on a real commit."""
    project = _hostile_project(tmp_path)
    config = {
        "repos": [
            {
                "repo": "local",
                "hooks": [
                    {
                        "id": "charter-check",
                        "name": "charter check",
                        "entry": f"{sys.executable} -m charter check --staged",
                        "language": "system",
                        "pass_filenames": False,
                        "always_run": True,
                    }
                ],
            }
        ]
    }
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    env = {**clean_env(), "CHARTER_TEMPLATE_CHECK_TTL": "0", "PRE_COMMIT_HOME": str(tmp_path)}
    git("add", "-A", cwd=project)
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=project, env=env, check=True
    )
    (project / "NOTES.md").write_text("a teammate's ordinary change\n")
    git("add", "NOTES.md", cwd=project)
    committed = subprocess.run(
        ["git", "commit", "-m", "notes"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert "charter check" in committed.stdout + committed.stderr  # the hook did run
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert not (project / "pwned").exists()


def test_fleet_release_lookup_does_not_run_it(tmp_path: Path, monkeypatch) -> None:
    project = _hostile_project(tmp_path)
    monkeypatch.chdir(project)  # git's default remote is this clone's local origin
    tag, reason = latest_release(HOSTILE)
    assert not (project / "pwned").exists()
    assert tag is None
    assert reason == f"the template source {HOSTILE!r} is not a URL or path"


# --- the code itself -------------------------------------------------------------------

SOURCES = [REPO / "src" / "charter", REPO / "migrations"]
SPAWNERS = {"run", "Popen", "call", "check_call", "check_output"}
"""subprocess functions that take an argument vector."""
WRAPPERS = {"_git": 1, "git": 0, "_uv": 2, "_dvc": 2, "uv_add": 2, "_ssh_keygen": 0, "_json_out": 0}
"""Local wrappers that pass `*args` to git, uv or dvc: name -> index of the first argument."""
REVIEWED = {
    # (file, enclosing function, argument as written): why it cannot be an option.
    ("gitrepo.py", "_git", "*args"): "the wrapper itself; its callers are checked",
    ("gitrepo.py", "commit_exists", "f'{commit}^{{commit}}'"): "is_object_id checked it",
    ("gitrepo.py", "file_at", "f'{commit}:{path}'"): "is_object_id checked it",
    ("gitrepo.py", "commit_times", "*commits"): "filtered by is_object_id",
    ("gitrepo.py", "is_ancestor", "ancestor"): "is_object_id checked it",
    ("gitrepo.py", "is_ancestor", "descendant"): "is_object_id checked it",
    ("gitrepo.py", "same_tree", "commit"): "is_object_id checked it",
    ("gitrepo.py", "same_tree", "other"): "is_object_id checked it",
    ("adopt/run.py", "_git", "*args"): "the wrapper itself; its callers are checked",
    ("adopt/run.py", "_uv", "uv"): "the uv executable found on PATH, not an artifact",
    ("adopt/run.py", "_uv", "*args"): "the wrapper itself; its callers are checked",
    ("adopt/pyproject_merge.py", "uv_add", "uv"): "the uv executable, not an artifact",
    ("adopt/pyproject_merge.py", "uv_add", "*args"): "callers pass `--` before requirements",
    ("adopt/run.py", "_import_requirements", "str(requirements)"): "a path charter chose",
    ("adopt/run.py", "_merge_pyproject", "group"): "a constant group name (`dev`)",
    ("adopt/answers.py", "_git_config", "key"): "a constant config key of charter's",
    ("runs/reproduce_dvc.py", "_dvc", "sys.executable"): "this interpreter",
    ("runs/reproduce_dvc.py", "_dvc", "*args"): "the wrapper itself; its callers are checked",
    ("runs/reproduce.py", "_rerun", "sys.executable"): "this interpreter",
    ("runs/reproduce.py", "_rerun", "entry_point"): "the value of -m, a dotted name (schema)",
    ("runs/reproduce.py", "_rerun", "str(config)"): "the value of --config",
    ("runs/reproduce.py", "_rerun", "run_id"): "the value of --run-id",
    ("scaffold/dataset.py", "_dvc_add", "sys.executable"): "this interpreter",
    ("fleet/environments.py", "_build", "command"): "uv's flags and paths; `--` before the pin",
    ("fleet/survey.py", "_check", "STAGES[-1]"): "a constant stage name",
    ("fleet/survey.py", "_rule_stages", "str(env.charter)"): "the charter executable fleet built",
    ("fleet/survey.py", "_rule_stages", "str(env.python)"): "the python of the venv fleet built",
    ("fleet/survey.py", "_rule_stages", "STAGES_OF_RULES"): "the value of -c: charter's program",
    ("fleet/survey.py", "_json_out", "*command"): "the wrapper itself; its callers are checked",
    ("fleet/survey.py", "_check", "str(charter)"): "the charter executable fleet built",
    ("template_updates.py", "_ask_copier", "sys.executable"): "this interpreter",
    ("template_updates.py", "_ask_copier", "f'--answers-file={answers_file}'"): (
        "the option's own value after `=`: ANSWERS_FILE or a `.copier-answers.*.yml` name"
    ),
    ("cli/bundle.py", "_bundle", "sys.executable"): "this interpreter",
    ("cli/bundle.py", "_bundle", "args.run"): "a run id typed on the command line, no artifact",
    ("cli/bundle.py", "_bundle", "str(root)"): "the project folder, the value of --project",
    ("signatures.py", "_ssh_keygen", "*args"): "the wrapper itself; its callers are checked",
    ("signatures.py", "public_key", "str(key)"): "the value of -f: getopt takes the next word",
    ("signatures.py", "sign", "str(key)"): "the value of -f: getopt takes the next word",
    ("signatures.py", "sign", "namespace"): "the value of -n, a constant namespace",
    ("template_updates.py", "_git", "*args"): "the wrapper itself; its callers are checked",
    ("template_updates.py", "_standards", "scratch"): "a temporary folder charter made",
    ("update_guard.py", "git", "*args"): "the wrapper itself; its callers are checked",
    ("update_guard.py", "template_source", "template"): "the template checkout copier gives",
    (
        "update_guard.py",
        "merge_with_real_base",
        "stages['2']",
    ): "an object id from ls-files",
    (
        "update_guard.py",
        "merge_with_real_base",
        "stages['3']",
    ): "an object id from ls-files",
    ("update_guard.py", "merge_with_real_base", "str(ours)"): "a temporary file charter made",
    ("update_guard.py", "merge_with_real_base", "str(base)"): "a file under .git/charter-update",
    ("update_guard.py", "merge_with_real_base", "str(theirs)"): "a temporary file charter made",
    ("update_guard.py", "*", "f'HEAD:./{answers_file}'"): "`./` makes it a path, never an option",
    ("refresh_lock.py", "*", "uv"): "the uv executable found on PATH",
}


def _list_named(function: ast.AST, name: str) -> ast.List | None:
    """The list literal `name = [...]` assigned once in `function`, if that is what it is."""
    values = [
        node.value
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    ]
    return values[0] if len(values) == 1 and isinstance(values[0], ast.List) else None


def _argv(call: ast.Call, function: ast.AST) -> list[ast.expr] | None:
    """The argument vector of a spawning call, or None when the call spawns nothing."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    owner = getattr(func.value, "id", None) if isinstance(func, ast.Attribute) else None
    if owner == "subprocess" and name in SPAWNERS and call.args:
        first = call.args[0]
        if isinstance(first, ast.Name):  # `command = [...]` first, then `run(command)`
            first = _list_named(function, first.id) or first
        return list(first.elts) if isinstance(first, ast.List) else [first]
    if name in WRAPPERS and owner != "subprocess":
        return list(call.args[WRAPPERS[name] :])
    return None


def _unreviewed() -> tuple[list[str], set[tuple[str, str, str]]]:
    problems, used = [], set()
    for source in SOURCES:
        for path in sorted(source.rglob("*.py")):
            relative = path.relative_to(source).as_posix()
            tree = ast.parse(path.read_text("utf-8"))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for call in ast.walk(function):
                    argv = _argv(call, function) if isinstance(call, ast.Call) else None
                    for argument in argv or []:
                        if isinstance(argument, ast.Constant):
                            if argument.value in ("--", "--end-of-options"):
                                break  # what follows is never an option
                            continue
                        text = ast.unparse(argument)
                        keys = {(relative, function.name, text), (relative, "*", text)}
                        if found := keys & REVIEWED.keys():
                            used |= found
                            continue
                        problems.append(f"{relative}:{call.lineno} {function.name}: {text}")
    return problems, used


def test_no_unreviewed_value_comes_before_the_double_dash() -> None:
    problems, used = _unreviewed()
    assert not problems, "arguments before `--` that are not known constants:\n" + "\n".join(
        sorted(set(problems))
    )
    assert used == REVIEWED.keys(), f"stale reviews: {sorted(REVIEWED.keys() - used)}"


GIT_PLUS_HOSTILE = "git+" + HOSTILE


def test_a_git_plus_prefix_does_not_smuggle_the_option(tmp_path: Path, monkeypatch) -> None:
    """`git+--upload-pack=...`: copier strips `git+`, so the check must see through it."""
    project = _hostile_project(tmp_path)
    (project / ".copier-answers.yml").write_text(
        yaml.safe_dump({"_commit": "v1.0.0", "_src_path": GIT_PLUS_HOSTILE})
    )
    result = charter("check", cwd=project, env={"CHARTER_TEMPLATE_CHECK_TTL": "0"})
    assert not (project / "pwned").exists()
    assert "Traceback" not in result.stderr
    assert "PRJ011" in result.stdout, result.stdout + result.stderr
    monkeypatch.chdir(project)
    tag, reason = latest_release(GIT_PLUS_HOSTILE)
    assert not (project / "pwned").exists()
    assert (tag, reason) == (None, f"the template source {GIT_PLUS_HOSTILE!r} is not a URL or path")


def test_the_update_guard_never_hands_copier_an_option(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "migrations"))
    try:
        from update_guard import template_source  # noqa: PLC0415 - the migration script
    finally:
        sys.path.remove(str(REPO / "migrations"))
    template = tmp_path / "template"
    template.mkdir()  # not a repository: the probe fails, so the recorded source is weighed
    for recorded in (HOSTILE, GIT_PLUS_HOSTILE, " git+ -x", ""):
        assert template_source(str(template), "v1.0.0", recorded) == str(template)
    safe = str(tmp_path / "templates" / "charter")  # a plain path: nothing is fetched
    assert template_source(str(template), "v1.0.0", safe) == safe
