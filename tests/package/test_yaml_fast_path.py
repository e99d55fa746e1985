"""The event-stream parse gives what the located (node) parse gives, and locates lazily.

`parse_yaml` builds data straight from libyaml's events and finds positions
only when a finding asks for one; `_parse_located` is the reference it must
agree with on data, positions and errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.formats.source import FormatError, _parse_located, parse_yaml

ROOT = Path(__file__).resolve().parents[2]
DEEP = "[" * 300 + "]" * 300

CASES = {
    "mapping": "a: 1\nb: [x, 2.5, null, true, 'yes', \"on\"]\nc: {d: e, f: 2026-12-01}\n",
    "scalar keys": "1: a\n~: b\nyes: c\n2.5: d\n2026-12-01: e\n'7': f\n",
    "explicit tags": "a: !!str 12\nb: !!int '7'\nc: ! 12\nd: !!map {x: y}\ne: !!float 1\n",
    "unknown tag": "a: !custom x\n",
    "bad int": "a: !!int abc\n",
    "anchor and alias": "base: &b {x: 1}\nother: *b\nlist: [&s 1, *s]\n",
    "anchor only": "base: &b {x: 1}\nkey: &k v\n",
    "merge key": "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
    "merge key without alias": "a:\n  <<: {x: 1}\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "duplicate nested key": "a:\n  - {x: 1, x: 2}\n",
    "duplicate after conversion": "1: a\n'1': b\n",
    "complex key": "? [a, b]\n: c\n",
    "mapping key": "? {a: b}\n: c\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "explicit document": "%YAML 1.1\n---\na: 1\n...\n",
    "comment only": "# nothing here\n",
    "plain scalar": "hello\n",
    "syntax error": "a: [1, 2\nb: 3\n",
    "tab indentation": "a:\n\tb: 1\n",
    "deep": f"a: {DEEP}\n",
    "deep mapping": "".join(f"{'  ' * i}k{i}:\n" for i in range(120)) + "  " * 120 + "x\n",
    "special floats": "a: [.inf, -.Inf, .NaN, 1e-05, 0x1F, 0o17, 1_000, 12:30:00]\n",
    "block scalars": "a: |\n  line one\n  line two\nb: >-\n  folded\n  text\n",
    "slashes and tildes": "a/b: {c~d: 1}\n'': empty\n",
}
REPOSITORY_FILES = [
    "copier.yml",
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
    "tests/package/data/patients.odcs.yaml",
    "tests/package/fixtures/check/good/governance/contracts/visits.odcs.yaml",
    "tests/package/fixtures/check/good/governance/features/catalog.yaml",
]


def _outcome(parse, text: str, offset: int) -> tuple:
    try:
        document = parse(text, Path("x.yaml"), offset)
    except FormatError as error:
        return ("error", error.message, error.line, error.col, error.kind)
    except ValueError as error:  # `!!int abc`: the project loader reports it as unreadable
        return ("raised", type(error), str(error))
    return ("data", repr(document.data), document.values, document.keys)


def _fast(text: str, path: Path, offset: int):
    return parse_yaml(text, path, line_offset=offset)


@pytest.mark.parametrize("offset", [0, 3])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_parse_agrees_with_the_located_parse(name: str, offset: int) -> None:
    text = CASES[name]
    assert _outcome(_fast, text, offset) == _outcome(_parse_located, text, offset)


@pytest.mark.parametrize("relative", REPOSITORY_FILES)
def test_fast_parse_agrees_on_the_repositorys_own_files(relative: str) -> None:
    text = (ROOT / relative).read_text()
    fast = _outcome(_fast, text, 0)
    assert fast[0] == "data"
    assert fast == _outcome(_parse_located, text, 0)


def test_positions_are_found_only_when_asked_for() -> None:
    document = parse_yaml("a:\n  b: [1, 2]\n", Path("x.yaml"))
    assert document.located is None
    assert document.data == {"a": {"b": [1, 2]}}
    assert document.position("/a/b/1") == (2, 10)
    assert document.key_position("/a/b") == (2, 3)
    assert document.located is not None
