"""Keep every user edit through `copier update`, and say what the update changed.

Usage (from copier.yml `_migrations`, in the project, on every update):

    python update_guard.py begin TEMPLATE ANSWERS_FILE   (the first migration)
    python update_guard.py before TEMPLATE ANSWERS_FILE
    python update_guard.py after TEMPLATE ANSWERS_FILE
    python update_guard.py end TEMPLATE ANSWERS_FILE     (the last one)

`begin` writes `.git/charter-update/in-progress` before the update touches the
project and `end` removes it when every step has run: an update killed or
interrupted in between (Copier writes the new release's files, `_commit`
included, before it merges the user's edits back) leaves the marker, and
`charter check` reports it (PRJ023) instead of passing a half-updated tree.

Copier deletes a file the new template no longer has even when the user
changed it, and silently skips a template change to a file the user deleted or
renamed. So:

- `before` (the last before-migration, after the rename migrations) renders the
  project's recorded template version with its recorded answers (the pristine
  copy, `copier copy --vcs-ref <old>`) and notes which files the user changed
  (a copy of each is kept in `.git/charter-update/`) and which template files
  the project no longer has.
- `after` puts back every changed file the update deleted and marks it as a
  modify/delete conflict (unmerged, "deleted by them" in `git status`), so
  `git commit` and the scheduled update job stop until a person decides; it
  renders the new version too, to name the file a deleted one was renamed to
  and to show the template changes to files the project deleted or renamed.
  It also lists the CHANGELOG "Standards" entries of every release crossed,
  and the new questions answered on this update, which it records under
  `_charter_unconfirmed` in the answers file until someone confirms them (PRJ040).

The summary is printed and written to `.git/charter-update/notes.md` (the
scheduled update job uses it as the pull or merge request's description).
Runs under Copier's Python: standard library, Copier and PyYAML only.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

STATE = "charter-update"
MARKER = "in-progress"
"""In the state folder from the first migration to the last: an update under way or cut short."""
UNCONFIRMED = "_charter_unconfirmed"
NOTES_LIMIT = 60_000  # a pull request's description holds 65,536 characters
RENAME_SIMILARITY = 0.6
EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # pragma: allowlist secret
"""git's id of the empty blob (a well-known constant, not a secret)."""


def git(*args: str, stdin: str | None = None, check: bool = True) -> str:
    result = subprocess.run(
        ["git", *args], input=stdin, capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def state_dir() -> Path:
    return Path(git("rev-parse", "--absolute-git-dir").strip()) / STATE


def render(template: str, ref: str, answers: dict, dest: Path) -> None:
    """`copier copy --vcs-ref REF` of the template with these answers (no lock, quiet)."""
    import copier  # noqa: PLC0415 - only under Copier's Python

    data = {k: v for k, v in answers.items() if not str(k).startswith("_")}
    data["lock_at_copy"] = False
    copier.run_copy(
        template,
        str(dest),
        data=data,
        vcs_ref=ref,
        defaults=True,
        unsafe=True,  # the update itself runs with --trust
        quiet=True,
        overwrite=True,
    )


def files_of(root: Path) -> dict[str, Path]:
    """Relative POSIX path -> file, for every regular file outside `.git/`."""
    found = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not (Path(folder) == root and d == ".git")]
        for name in names:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(root).as_posix()] = path
    return found


def load_yaml(text: str) -> dict:
    data = yaml.safe_load(text) if text.strip() else {}
    return data if isinstance(data, dict) else {}


def template_source(template: str, commit: str, recorded: str) -> str:
    """The local template checkout when it holds `commit`, else the recorded `_src_path`."""
    probe = subprocess.run(
        ["git", "-C", template, "rev-parse", "--verify", "--quiet", "--end-of-options",
         f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )  # fmt: skip
    # A recorded source starting with `-` (after blanks and an optional `git+`, as
    # `git+--upload-pack=...`) is no URL or path: never hand it to copier (git).
    # The same test as charter.gitrepo.option_like, written out: this migration runs
    # in copier's environment, where charter is not installed.
    bare = recorded.strip().removeprefix("git+").lstrip()
    unsafe = not bare or bare.startswith("-") or "\0" in recorded
    return template if probe.returncode == 0 or unsafe else recorded


def begin(answers_file: str) -> int:
    """Mark the update as under way, before anything in the project changes."""
    try:
        head_answers = load_yaml(git("show", f"HEAD:./{answers_file}"))
    except RuntimeError:
        head_answers = {}
    record = {
        "from": str(head_answers.get("_commit") or os.environ.get("VERSION_FROM", "")),
        "to": os.environ.get("VERSION_TO", ""),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    state = state_dir()
    state.mkdir(parents=True, exist_ok=True)
    marker = state / MARKER
    scratch = marker.with_name(f".{MARKER}.{os.getpid()}.tmp")
    with scratch.open("w", encoding="utf-8") as stream:
        json.dump(record, stream)
        stream.flush()
        os.fsync(stream.fileno())
    scratch.replace(marker)
    return 0


def end() -> int:
    """Every migration ran: the update finished (conflicts, if any, are in the tree)."""
    (state_dir() / MARKER).unlink(missing_ok=True)
    return 0


def before(template: str, answers_file: str) -> int:
    state = state_dir()
    marker = state / MARKER
    started = marker.read_bytes() if marker.is_file() else None
    shutil.rmtree(state, ignore_errors=True)
    (state / "kept").mkdir(parents=True)
    if started is not None:  # the state folder is new for each update; the marker stays
        marker.write_bytes(started)
    try:
        head_answers = load_yaml(git("show", f"HEAD:./{answers_file}"))
    except RuntimeError:
        head_answers = {}
    old_ref = str(head_answers.get("_commit") or os.environ.get("VERSION_FROM", ""))
    source = template_source(template, old_ref, str(head_answers.get("_src_path", template)))
    try:
        render(source, old_ref, head_answers, state / "old")
    except Exception as error:
        print(
            f"charter: could not render the project's recorded template version {old_ref} "
            f"({error}); the update was stopped so that no edit can be lost. Check `_src_path` "
            f"and `_commit` in {answers_file}, and undo what the update began with "
            "`git reset --hard`.",
            file=sys.stderr,
        )
        return 1
    changed, missing = [], []
    old = files_of(state / "old")
    for rel, pristine in sorted(old.items()):
        if rel == answers_file:
            continue
        mine = Path(rel)
        if mine.is_symlink() or not mine.exists():
            missing.append(rel)
        elif mine.is_file() and mine.read_bytes() != pristine.read_bytes():
            changed.append(rel)
            kept = state / "kept" / rel
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(mine, kept)
    # The answers as the rename migrations left them: new keys after the update
    # are the questions this update asked.
    try:
        answers_now = load_yaml(Path(answers_file).read_text("utf-8"))
    except OSError:
        answers_now = {}
    # Renames the migrations above staged (the tree was clean before): Copier
    # merges those files with an empty base, so `after` merges them again
    # with the real one, the old name's pristine text.
    renames = []
    for line in git("diff", "--cached", "--relative", "--name-status", "-M", "HEAD").splitlines():
        status, *paths = line.split("\t")
        if status.startswith("R") and len(paths) == 2 and paths[0] in old:
            renames.append(paths)
    record = {
        "old_ref": old_ref,
        "renames": renames,
        "changed": changed,
        "missing": missing,
        "answered": sorted(k for k in answers_now if not str(k).startswith("_")),
        "unconfirmed": list(head_answers.get(UNCONFIRMED) or []),
    }
    (state / "before.json").write_text(json.dumps(record, indent=1), "utf-8")
    return 0


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def renamed_to(rel: str, old: dict[str, Path], new: dict[str, Path]) -> str | None:
    """The file of the new version most like `rel` of the old one, if it is new."""
    text = _read_text(old[rel])
    if text is None:
        return None
    best, score = None, RENAME_SIMILARITY
    for candidate, path in new.items():
        if candidate in old:
            continue
        other = _read_text(path)
        if other is None:
            continue
        ratio = difflib.SequenceMatcher(None, text, other, autojunk=False).ratio()
        if ratio >= score:
            best, score = candidate, ratio
    return best


def keep_as_conflict(rel: str, kept: Path, base: Path, prefix: str) -> None:
    """Put the user's file back and record a modify/delete conflict in the index."""
    target = Path(rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(kept, target)
    mode = "100755" if os.access(kept, os.X_OK) else "100644"
    ours = git("hash-object", "-w", "--", str(target)).strip()
    theirs_base = git("hash-object", "-w", "--", str(base)).strip()
    path = prefix + rel
    git(
        "update-index",
        "--index-info",
        stdin=f"0 {'0' * 40}\t{path}\n{mode} {theirs_base} 1\t{path}\n{mode} {ours} 2\t{path}\n",
    )


def unmerged_stages(rel: str) -> dict[str, str]:
    """Stage number -> blob of an unmerged path (empty when it is not unmerged)."""
    stages = {}
    for line in git("ls-files", "--stage", "--unmerged", "--", rel).splitlines():
        meta, _, _ = line.partition("\t")
        _, blob, stage = meta.split()
        stages[stage] = blob
    return stages


def keep_deleted(target: str) -> bool:
    """Remove `target` if this update created it (absent from HEAD): the project had deleted
    the file the template renamed to it, and an update never brings back a deleted file."""
    if not Path(target).is_file() or git("ls-tree", "--name-only", "HEAD", "--", target).strip():
        return False
    git("rm", "--quiet", "--force", "--ignore-unmatch", "--", target)
    Path(target).unlink(missing_ok=True)
    return True


def unmerged_paths() -> list[str]:
    """Files the update left with conflict markers (unmerged in the index), relative to the
    project: copier exits 0 with them, so the summary must say so first."""
    listed = git("diff", "--name-only", "--diff-filter=U", "--relative", "-z")
    return sorted({rel for rel in listed.split("\0") if rel})


def merge_with_real_base(new_rel: str, base: Path) -> bool | None:
    """Merge a renamed file again, with its old name's pristine text as the base.

    True when that merges cleanly (the file is staged), False when conflicts
    remain (now only the real ones), None when there was nothing to do.
    """
    stages = unmerged_stages(new_rel)
    if not stages or stages.get("1", EMPTY_BLOB) != EMPTY_BLOB or "2" not in stages:
        return None
    with tempfile.TemporaryDirectory() as scratch:
        ours, theirs = Path(scratch, "ours"), Path(scratch, "theirs")
        ours.write_bytes(
            subprocess.run(
                ["git", "cat-file", "blob", stages["2"]], capture_output=True, check=True
            ).stdout
        )
        if "3" in stages:
            theirs.write_bytes(
                subprocess.run(
                    ["git", "cat-file", "blob", stages["3"]], capture_output=True, check=True
                ).stdout
            )
        else:
            theirs.write_bytes(b"")
        merged = subprocess.run(
            [
                "git",
                "merge-file",
                "-p",
                "-L",
                "before updating",
                "-L",
                "last update",
                "-L",
                "after updating",
                str(ours),
                str(base),
                str(theirs),
            ],
            capture_output=True,
            check=False,
        )
    if merged.returncode < 0:
        return None
    Path(new_rel).write_bytes(merged.stdout)
    if merged.returncode == 0:
        git("add", "--", new_rel)
        return True
    real_base = git("hash-object", "-w", "--", str(base)).strip()
    mode = git("ls-files", "--stage", "--unmerged", "--", new_rel).split()[0]
    prefix = git("rev-parse", "--show-prefix").strip()
    git("update-index", "--index-info", stdin=f"{mode} {real_base} 1\t{prefix}{new_rel}\n")
    return False


def load_changelog_module(template: str):
    path = Path(template) / "src" / "charter" / "changelog.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("charter_changelog", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def record_unconfirmed(answers_file: str, names: list[str]) -> None:
    """Write `_charter_unconfirmed: [...]` into the answers file (Copier drops it on rewrite)."""
    path = Path(answers_file)
    text = path.read_text("utf-8")
    text = re.sub(rf"^{UNCONFIRMED}:.*\n(?:[ \t-].*\n)*", "", text, flags=re.MULTILINE)
    if names:
        if not text.endswith("\n"):
            text += "\n"
        text += yaml.safe_dump({UNCONFIRMED: names}, default_flow_style=False, sort_keys=False)
    path.write_text(text, "utf-8")


def after(template: str, answers_file: str) -> int:  # noqa: PLR0915 - one report
    state = state_dir()
    try:
        record = json.loads((state / "before.json").read_text("utf-8"))
    except (OSError, ValueError):
        return 0  # the before step did not run (an older template's update)
    answers = load_yaml(Path(answers_file).read_text("utf-8"))
    new_ref = str(answers.get("_commit") or os.environ.get("VERSION_TO", ""))
    old_ref = record["old_ref"]
    old = files_of(state / "old")
    prefix = git("rev-parse", "--show-prefix").strip()
    tracked = set(git("ls-files", "-z").split("\0"))
    # Changed files the update deleted (a file a rename migration moved is no
    # longer in the index).
    lost = [rel for rel in record["changed"] if not Path(rel).exists() and rel in tracked]
    new_dir = state / "new"
    new = {}
    if lost or record["missing"]:  # only then is the new release's text needed
        try:
            render(template, new_ref, answers, new_dir)
            new = files_of(new_dir)
        except Exception as error:
            print(f"charter: could not render {new_ref} to compare ({error})", file=sys.stderr)

    kept_lines = []
    for rel in lost:
        keep_as_conflict(rel, state / "kept" / rel, state / "old" / rel, prefix)
        target = renamed_to(rel, old, new) if new else None
        if target:
            kept_lines.append(
                f"- `{rel}`: the template renamed it to `{target}`. Merge your edits into "
                f"`{target}`, then `git rm {rel}`."
            )
        else:
            kept_lines.append(
                f"- `{rel}`: the template deleted it. Keep your file (`git add {rel}`) "
                f"or let it go (`git rm {rel}`)."
            )

    remerged = []
    for old_rel, new_rel in record.get("renames", []):
        outcome = merge_with_real_base(new_rel, state / "old" / old_rel)
        if outcome is True:
            remerged.append(f"- `{new_rel}` (was `{old_rel}`): merged cleanly.")
        elif outcome is False:
            remerged.append(
                f"- `{new_rel}` (was `{old_rel}`): conflicts remain, now only where both "
                "sides changed the same lines."
            )

    kept_deleted = []
    moved = {old_rel for old_rel, _ in record.get("renames", [])}  # by a rename migration
    for rel in record["missing"]:
        if rel in moved:
            continue
        target = renamed_to(rel, old, new) if new and rel in old and rel not in new else None
        if target and not Path(rel).exists() and keep_deleted(target):
            kept_deleted.append(
                f"- `{rel}`: you deleted it, and {new_ref} renamed it to `{target}`; the update "
                f"did not bring it back. To take the template's file after all, render {new_ref} "
                f"(`copier copy --vcs-ref={new_ref} <template> <folder>`) and copy `{target}`."
            )

    unapplied = []
    for rel in record["missing"]:
        if rel not in new or rel not in old or Path(rel).exists():
            continue
        before_text, after_text = _read_text(old[rel]), _read_text(new[rel])
        if before_text is None or after_text is None or before_text == after_text:
            continue
        diff = "".join(
            difflib.unified_diff(
                before_text.splitlines(keepends=True),
                after_text.splitlines(keepends=True),
                f"a/{rel} ({old_ref})",
                f"b/{rel} ({new_ref})",
            )
        )
        unapplied.append((rel, diff))

    asked_before = set(record["answered"])
    new_answers = sorted(k for k in answers if not str(k).startswith("_") and k not in asked_before)
    unconfirmed = [k for k in record["unconfirmed"] if k in answers]
    unconfirmed += [k for k in new_answers if k not in unconfirmed]
    record_unconfirmed(answers_file, unconfirmed)

    changelog = load_changelog_module(template)
    crossed = []
    if changelog is not None:
        text = _read_text(Path(template) / "CHANGELOG.md") or ""
        crossed = changelog.standards_crossed(text, old_ref, new_ref)

    explained = set(lost) | {new_rel for _, new_rel in record.get("renames", [])}
    conflicted = [rel for rel in unmerged_paths() if rel not in explained]

    notes = [f"## Charter template update {old_ref} -> {new_ref}", ""]
    if conflicted:
        notes += [
            "### Conflicts to resolve first",
            "",
            "The update left conflict markers in these files (copier exits 0 all the same). "
            "Find them with `git diff --name-only --diff-filter=U` and "
            "`git grep -n -e '^<<<<<<< ' -e '^>>>>>>> '`; keep the lines you want, delete "
            "the markers, `git add` each file, then commit:",
            "",
            *[f"- `{rel}`" for rel in conflicted],
            "",
        ]
    if kept_deleted:
        notes += [
            "### Deleted files kept deleted",
            "",
            "This project had deleted these files; the template renamed them, and the update "
            "would have added them again under their new names:",
            "",
            *kept_deleted,
            "",
        ]
    if kept_lines:
        notes += [
            "### Edits kept as conflicts",
            "",
            "The template deleted or renamed these files, which this project had changed. "
            "Your version is back in place and marked unmerged (`git status`: deleted by "
            "them), so nothing is committed until a person decides:",
            "",
            *kept_lines,
            "",
        ]
    if remerged:
        notes += [
            "### Renamed files merged again with their real base",
            "",
            "Copier merged these renamed files with an empty base (every line a "
            f"conflict); they were merged again against the old name's text of {old_ref}:",
            "",
            *remerged,
            "",
        ]
    if unapplied:
        notes += [
            "### Template changes not applied",
            "",
            "This project deleted or renamed these files, so the template's changes to "
            "them could not be applied. Apply them by hand where the content lives now:",
            "",
        ]
        for rel, diff in unapplied:
            notes += [f"- `{rel}`", "", "```diff", diff.rstrip("\n"), "```", ""]
    if new_answers:
        notes += [
            "### New questions answered on this update",
            "",
            "Answered with their default unless you typed an answer. They are listed "
            f"under `{UNCONFIRMED}` in {answers_file} (warning PRJ040) until someone "
            "confirms them: check each answer, change it with `copier update --trust "
            "--vcs-ref=:current: --data NAME=VALUE` if needed, then delete its line there.",
            "",
        ]
        notes += [f"- `{k}`: `{answers[k]}`" for k in new_answers]
        notes.append("")
    notes += ["### Standards changed (the template's CHANGELOG.md)", ""]
    if crossed:
        for name, entries in crossed:
            notes += [f"- **{name}**: {entry}" for entry in entries]
    else:
        notes.append("- No Standards entries between these releases.")
    text = "\n".join(notes).rstrip("\n") + "\n"
    if len(text) > NOTES_LIMIT:
        text = text[: NOTES_LIMIT - 80] + "\n\n(cut: run `copier update` locally for the rest)\n"
    shutil.rmtree(new_dir, ignore_errors=True)
    shutil.rmtree(state / "old", ignore_errors=True)
    shutil.rmtree(state / "kept", ignore_errors=True)
    (state / "before.json").unlink(missing_ok=True)
    (state / "notes.md").write_text(text, "utf-8")
    print(text, file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in {"begin", "before", "after", "end"}:
        print(
            "usage: update_guard.py begin|before|after|end TEMPLATE ANSWERS_FILE", file=sys.stderr
        )
        return 2
    stage, template, answers_file = argv
    if stage == "begin":
        return begin(answers_file)
    if stage == "end":
        return end()
    return before(template, answers_file) if stage == "before" else after(template, answers_file)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
