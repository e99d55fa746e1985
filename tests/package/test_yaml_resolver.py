"""Charter's YAML loader tags every scalar as PyYAML's safe loader does, only faster."""

from __future__ import annotations

import yaml

from charter.formats.source import _Loader

SCALARS = [
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "true",
    "False",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "0",
    "-1",
    "+12",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    "3.14",
    "-.5",
    "1e-05",
    "1.0e+3",
    ".inf",
    "-.Inf",
    ".NaN",
    "2026-12-01",
    "2026-12-01T10:00:00Z",
    "2026-12-01 10:00:00.5 +01:00",
    "<<",
    "=",
    "abc",
    "kg/m2",
    "'quoted'",
    '"true"',
    "!!str 12",
    "!!int '7'",
    "12:30:00",
    "1:20",
    "+",
    ".",
    "v3.1.0",
    "owner@example",
    "TODO(data-owner) fill in",
    "1.2.3",
    "0.",
    "._",
]


def _tags(loader: type, text: str) -> list[tuple[str, str]]:
    node = yaml.compose(text, Loader=loader)
    found = []

    def walk(n: yaml.Node) -> None:
        if isinstance(n, yaml.ScalarNode):
            found.append((n.value, n.tag))
        elif isinstance(n, yaml.SequenceNode):
            found.append(("[]", n.tag))
            for item in n.value:
                walk(item)
        else:
            found.append(("{}", n.tag))
            for key, value in n.value:
                walk(key)
                walk(value)

    walk(node)
    return found


def test_every_scalar_gets_the_safe_loaders_tag() -> None:
    text = "\n".join(f"k{i}: {s}" for i, s in enumerate(SCALARS))
    text += "\nlist: [" + ", ".join(s for s in SCALARS if s and s[0] not in "'\"!-[{<,") + "]\n"
    text += "nested:\n  - {a: 1, b: [x, 2.5, null]}\n  - !!map {c: d}\n"
    expected = _tags(yaml.SafeLoader, text)
    assert _tags(_Loader, text) == expected
    assert {tag for _, tag in expected} >= {
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:timestamp",
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:merge",
        "tag:yaml.org,2002:value",
    }
