"""Rename a question in a project's `.copier-answers.yml` (a before-update migration).

Usage: python rename_answer.py ANSWERS_FILE OLD NEW

Idempotent: when OLD is absent nothing changes; when both are present NEW wins
and OLD is dropped. Only the key is rewritten, so comments and layout survive.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def rename(text: str, old: str, new: str) -> str:
    old_key = re.compile(rf"^{re.escape(old)}:", re.MULTILINE)
    if not old_key.search(text):
        return text
    if re.search(rf"^{re.escape(new)}:", text, re.MULTILINE):
        # Drop the old entry (its line and any indented continuation lines).
        return re.sub(rf"^{re.escape(old)}:.*\n(?:[ \t]+.*\n)*", "", text, flags=re.MULTILINE)
    return old_key.sub(f"{new}:", text)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: rename_answer.py ANSWERS_FILE OLD NEW", file=sys.stderr)
        return 2
    answers, old, new = Path(argv[0]), argv[1], argv[2]
    if not answers.is_file():
        print(f"rename_answer: {answers} not found; nothing to migrate", file=sys.stderr)
        return 0
    text = answers.read_text(encoding="utf-8")
    renamed = rename(text, old, new)
    if renamed != text:
        answers.write_text(renamed, encoding="utf-8")
        print(f"migrated answer '{old}' to '{new}' in {answers}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
