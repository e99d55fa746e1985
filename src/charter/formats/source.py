"""Read an artifact's text and YAML while keeping where every value came from.

Findings must point at `path:line:col`, so the YAML is composed into nodes
(PyYAML's C parser when available) and turned into plain JSON-like data plus a
map from JSON pointer to the 1-based line and column of each value and key.
Anything a person could hand us by mistake (binary junk, a huge file, bad
UTF-8, a syntax error, a duplicate key) raises `FormatError` with a position,
never a bare exception.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from charter import cache

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):
    """The safe loader, with the implicit-tag lookup done once per first character.

    PyYAML's C composer calls the pure-Python `resolve` for every scalar; this
    one gives the same tags (a test compares them) at a third of the cost.
    Charter adds no path resolvers, so `descend_resolver`/`ascend_resolver`
    have nothing to do.
    """

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                resolvers = _RESOLVERS.get(value[:1], _WILDCARD)
                for tag, regexp in resolvers:
                    if regexp.match(value):
                        return tag
            return _SCALAR_TAG
        return _SEQUENCE_TAG if kind is yaml.SequenceNode else _MAPPING_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


_IMPLICIT = _SafeLoader.yaml_implicit_resolvers
_WILDCARD = list(_IMPLICIT.get(None, []))
_RESOLVERS = {first: list(rs) + _WILDCARD for first, rs in _IMPLICIT.items() if first is not None}
"""First character of a plain scalar -> the (tag, pattern) pairs `Resolver.resolve` tries."""
_SCALAR_TAG = _SafeLoader.DEFAULT_SCALAR_TAG
_SEQUENCE_TAG = _SafeLoader.DEFAULT_SEQUENCE_TAG
_MAPPING_TAG = _SafeLoader.DEFAULT_MAPPING_TAG

MAX_BYTES = 5 * 1024 * 1024
"""Governance artifacts are hand-written documents; anything larger is a mistake."""
MAX_SOURCE_BYTES = 64 * 1024 * 1024
"""Python sources and dvc.lock that rules read: generous, but still a bound."""

_STRING_TAGS = {"tag:yaml.org,2002:timestamp"}
"""Dates stay strings, as JSON Schema (and ODCS) expects them."""
_PLAIN_TAGS = {"tag:yaml.org,2002:str", *_STRING_TAGS}
"""Scalars kept as their text, without PyYAML's constructor."""

Position = tuple[int, int]

CACHE_VERSION = "4"
"""Bump when `Document` or the parsing changes, so cached documents are not reused."""


class Kind(StrEnum):
    """What sort of load problem: the rules layer alone turns a kind into a rule code."""

    UNREADABLE = "unreadable"
    DUPLICATE_KEY = "duplicate key"
    CONFIGURATION = "configuration"
    INVALID_MANIFEST = "invalid manifest"
    NOT_REGULAR = "not a regular file"
    TOO_LARGE = "too large"
    TOO_COMPLEX = "too complex"


class FormatError(Exception):
    """An artifact that cannot be read at all; carries the position and kind of the problem."""

    def __init__(
        self, message: str, line: int = 1, col: int = 1, *, kind: Kind = Kind.UNREADABLE
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.kind = kind


@dataclass
class Document:
    """Parsed YAML data plus the source position of each value and mapping key.

    Positions are needed only to report a finding, so a parsed document keeps
    its text and locates every value the first time `values` or `keys` is read.
    """

    path: Path
    data: Any
    digest: str = ""
    """Digest of the source text (and line offset): answers about it can be cached."""
    source: tuple[str, int] | None = field(default=None, repr=False, compare=False)
    """The YAML text and its line offset, to locate values on demand."""
    located: tuple[dict[str, Position], dict[str, Position]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def values(self) -> dict[str, Position]:
        """JSON pointer -> 1-based (line, column) of each value."""
        return self._locate()[0]

    @property
    def keys(self) -> dict[str, Position]:
        """JSON pointer -> 1-based (line, column) of the mapping key that holds it."""
        return self._locate()[1]

    def _locate(self) -> tuple[dict[str, Position], dict[str, Position]]:
        if self.located is None:
            if self.source is None:
                self.located = ({}, {})
            else:
                text, line_offset = self.source
                try:
                    located = _parse_located(text, self.path, line_offset)
                    self.located = (located.values, located.keys)
                except FormatError:  # the fast parse read it; findings fall back to line 1
                    self.located = ({}, {})
        return self.located

    def position(self, pointer: str) -> Position:
        """Position of the value at `pointer`, or of its nearest known ancestor."""
        values = self.values
        while True:
            if pointer in values:
                return values[pointer]
            if not pointer:
                return (1, 1)
            pointer = pointer.rsplit("/", 1)[0]

    def key_position(self, pointer: str) -> Position:
        """Position of the mapping key that holds `pointer` (falls back to the value)."""
        return self.keys.get(pointer) or self.position(pointer)


def pointer_join(base: str, part: str | int) -> str:
    """Append one RFC 6901 reference token to a JSON pointer."""
    token = str(part)
    if "~" in token or "/" in token:
        token = token.replace("~", "~0").replace("/", "~1")
    return f"{base}/{token}"


def read_bytes(path: Path, root: Path | None = None, *, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, read without ever blocking.

    A FIFO, a device, a directory, a dangling or looping symlink, or (given
    `root`) a symlink that leaves the project raises `FormatError` of kind
    NOT_REGULAR; a larger file raises TOO_LARGE. The file is opened with
    O_NONBLOCK and checked again with `fstat`, so a FIFO swapped in after the
    first look cannot make the read wait, and at most `limit + 1` bytes are read.
    """
    what = not_regular(path, root)
    if what:
        raise FormatError(what, kind=Kind.NOT_REGULAR)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise FormatError(f"cannot read file: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as stream:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise FormatError(f"is {_file_type(mode)}, not a regular file", kind=Kind.NOT_REGULAR)
        try:
            raw = stream.read(limit + 1)
        except OSError as error:
            raise FormatError(f"cannot read file: {error.strerror or error}") from None
    if len(raw) > limit:
        raise FormatError(
            f"file is larger than {limit // 2**20} MB, the limit for an artifact",
            kind=Kind.TOO_LARGE,
        )
    return raw


def not_regular(path: Path, root: Path | None = None) -> str | None:
    """Why `path` is not a regular file inside `root` (None: it is one, or it is unreadable)."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a symlink loop, not a regular file"
        if path.is_symlink():
            return f"is a dangling symlink (to {path.readlink()}), not a regular file"
        return None  # missing or unreadable: the open below says which
    if root is not None:
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(Path(os.path.realpath(root))):
            return f"resolves to {target}, outside the project"
    if not stat.S_ISREG(mode):
        return f"is {_file_type(mode)}, not a regular file"
    return None


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_text(path: Path, root: Path | None = None) -> str:
    """The file's text, or a `FormatError` saying plainly why it is not text (see `read_bytes`)."""
    raw = read_bytes(path, root)
    if b"\x00" in raw:
        raise FormatError("file is binary, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise FormatError("file is not valid UTF-8", line, 1) from None
    if not text.strip():
        raise FormatError("file is empty")
    return text


def parse_yaml(text: str, path: Path, *, line_offset: int = 0) -> Document:
    """Parse one YAML document into data; positions are found when first asked for.

    The data comes straight from libyaml's events (no nodes, no positions),
    the common case of a well-formed artifact. Anything unusual (an error, an
    alias, a duplicate key, deep nesting, not exactly one document) is left to
    the located parse, which gives the same data and the exact error.
    """
    try:
        data = _fast_data(text)
    except Exception:  # the located parse gives the real answer or error
        return _parse_located(text, path, line_offset)
    digest = cache.digest(text, str(line_offset))
    return Document(path=path, data=data, digest=digest, source=(text, line_offset))


def _parse_located(text: str, path: Path, line_offset: int) -> Document:
    """Parse through composed nodes, recording the position of every value and key."""
    _count_values(text, line_offset)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        raise FormatError(f"invalid YAML: {problem}", line + line_offset, col) from None
    except yaml.YAMLError as error:
        raise FormatError(f"invalid YAML: {error}", 1 + line_offset, 1) from None
    finally:
        loader.dispose()
    if node is None:
        raise FormatError("file holds no YAML document", 1 + line_offset, 1)
    document = Document(path=path, data=None, digest=cache.digest(text, str(line_offset)))
    document.located = ({}, {})
    builder = _Builder(loader, document, line_offset, budget=len(text) + MAX_ALIAS_VALUES)
    try:
        document.data = builder.build(node, "")
    except RecursionError:
        raise FormatError(
            "YAML is nested too deeply", 1 + line_offset, 1, kind=Kind.TOO_COMPLEX
        ) from None
    return document


def _count_values(text: str, line_offset: int) -> None:
    """Refuse, before composing, a document of more than `MAX_VALUES` values.

    Composed nodes cost about a kilobyte each: a 5 MB file of half a million
    one-key mappings would take a gigabyte. Counting libyaml's events first is
    cheap and bounded; a syntax error is left to the real parse to report.
    """
    loader = _Loader(text)
    count = 0
    try:
        while (event := loader.get_event()) is not None:
            if type(event) in _VALUE_EVENTS:
                count += 1
                if count > MAX_VALUES:
                    mark = event.start_mark
                    raise FormatError(
                        f"YAML holds more than {MAX_VALUES:,} values; governance artifacts "
                        "are documents, not data: move the bulk out",
                        mark.line + 1 + line_offset,
                        mark.column + 1,
                        kind=Kind.TOO_COMPLEX,
                    )
            elif type(event) is StreamEndEvent:
                return
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


_VALUE_EVENTS = (ScalarEvent, MappingStartEvent, SequenceStartEvent, AliasEvent)


def load_yaml(path: Path, root: Path | None = None) -> Document:
    """Read and parse a YAML artifact file (parsed documents are cached by content).

    Given `root`, a symlink that leaves it is refused like any other (see `read_bytes`).
    """
    text = read_text(path, root)
    key = cache.digest("yaml", CACHE_VERSION, text)
    document = cache.remember_object(key, lambda: parse_yaml(text, path))
    document.path = path
    return document


class _Builder:
    """Turns composed nodes into plain data, recording positions and duplicate keys.

    Written for speed (it visits every node of every artifact): plain strings,
    by far the most common scalar, skip PyYAML's constructor.
    """

    def __init__(self, loader: Any, document: Document, line_offset: int, budget: int) -> None:
        self.loader = loader
        self.values, self.keys = document.located or ({}, {})
        self.line_base = line_offset + 1
        self.budget = budget
        """Values still allowed: a document without aliases has fewer values than characters."""
        self.depth = 0

    def mark(self, node: yaml.Node) -> Position:
        return (node.start_mark.line + self.line_base, node.start_mark.column + 1)

    def build(self, node: yaml.Node, pointer: str) -> Any:
        mark = node.start_mark
        self.values[pointer] = (mark.line + self.line_base, mark.column + 1)
        self.budget -= 1
        kind = type(node)
        if kind is yaml.ScalarNode:
            return node.value if node.tag in _PLAIN_TAGS else self.construct(node)
        self.enter(node)
        try:
            if kind is yaml.MappingNode:
                return self.mapping(node, pointer)
            build = self.build
            return [build(item, f"{pointer}/{index}") for index, item in enumerate(node.value)]
        finally:
            self.depth -= 1

    def enter(self, node: yaml.Node) -> None:
        """One level deeper into a collection, within the nesting and alias caps."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            line, col = self.mark(node)
            message = f"YAML is nested more than {MAX_DEPTH} levels deep"
            raise FormatError(message, line, col, kind=Kind.TOO_COMPLEX)
        if self.budget < 0:
            line, col = self.mark(node)
            raise FormatError(
                f"YAML aliases expand to more than {MAX_ALIAS_VALUES} extra values"
                " (an alias bomb?); write the values out or use fewer aliases",
                line,
                col,
                kind=Kind.TOO_COMPLEX,
            )

    def construct(self, node: yaml.Node) -> Any:
        """Scalars other than strings (numbers, booleans, null) through PyYAML."""
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            line, col = self.mark(node)
            raise FormatError(f"invalid YAML value: {error}", line, col) from None

    def mapping(self, node: yaml.MappingNode, pointer: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        keys, build, line_base = self.keys, self.build, self.line_base
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                line, col = self.mark(key_node)
                raise FormatError("mapping keys must be plain scalars", line, col)
            plain = key_node.tag in _PLAIN_TAGS
            key = key_node.value if plain else str(self.construct(key_node))
            child = pointer_join(pointer, key)
            if key in result:
                line, col = self.mark(key_node)
                raise FormatError(
                    f"duplicate key {key!r} (first defined on line {keys[child][0]})",
                    line,
                    col,
                    kind=Kind.DUPLICATE_KEY,
                )
            mark = key_node.start_mark
            keys[child] = (mark.line + line_base, mark.column + 1)
            result[key] = build(value_node, child)
        return result


class _UnusualError(Exception):
    """The fast path met something only the located parse handles exactly."""


MAX_DEPTH = 100
"""Nesting cap of a YAML artifact: deeper is a mistake (or an attack), reported as such."""
MAX_FAST_DEPTH = MAX_DEPTH
"""Deeper documents take the located parse, which reports them as too deep."""
MAX_VALUES = 250_000
"""YAML events (keys, values, lists, aliases) of one artifact; 2,000 catalog features: 68,000."""
MAX_ALIAS_VALUES = 100_000
"""How many values aliases may add beyond one per character of text (billion laughs)."""


def _fast_data(text: str) -> Any:
    """The document's data from libyaml's event stream, as `_Builder` would build it."""
    loader = _Loader(text)
    try:
        get = loader.get_event
        if type(get()) is not StreamStartEvent or type(get()) is not DocumentStartEvent:
            raise _UnusualError
        data = _FastBuilder(loader).node(get(), 0)
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            raise _UnusualError
        return data
    finally:
        loader.dispose()


_IMMUTABLE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("bool", "null", "int", "float")
)
"""Scalars whose constructed value can be shared: built once per text."""


class _FastBuilder:
    """Plain data from events; tags resolved as `_Loader.resolve` does, memoised per text."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.get = loader.get_event
        self.tags: dict[str, str] = {}
        self.constants: dict[tuple[str, str], Any] = {}
        self.values = 0
        """Keys, values and items so far, as `_count_values` counts them (less the root)."""

    def scalar(self, event: Any) -> Any:
        value = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if event.implicit[0]:
                tag = self.tags.get(value)
                if tag is None:
                    tag = self.loader.resolve(yaml.ScalarNode, value, event.implicit)
                    self.tags[value] = tag
            else:
                tag = _SCALAR_TAG
        if tag in _PLAIN_TAGS:
            return value
        if tag in _IMMUTABLE_TAGS and (tag, value) in self.constants:
            return self.constants[tag, value]
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        constructed = self.loader.construct_object(node, deep=True)
        if tag in _IMMUTABLE_TAGS:
            self.constants[tag, value] = constructed
        return constructed

    def node(self, event: Any, depth: int) -> Any:
        kind = type(event)
        if kind is ScalarEvent:
            return self.scalar(event)
        if depth > MAX_FAST_DEPTH:
            raise _UnusualError
        if kind is MappingStartEvent:
            result = self.mapping(depth)
            self.values += 2 * len(result)
            if self.values >= MAX_VALUES:
                raise _UnusualError  # too many values: the located parse says where
            return result
        if kind is SequenceStartEvent:
            get, node = self.get, self.node
            items: list[Any] = []
            while True:
                item = get()
                if type(item) is SequenceEndEvent:
                    self.values += len(items)
                    if self.values >= MAX_VALUES:
                        raise _UnusualError
                    return items
                items.append(node(item, depth + 1))
        raise _UnusualError  # an alias: the located parse repeats the anchored value

    def mapping(self, depth: int) -> dict[str, Any]:
        """A mapping's entries; plain strings already seen skip `scalar` (most of them)."""
        get, node, scalar, tags = self.get, self.node, self.scalar, self.tags
        result: dict[str, Any] = {}
        while True:
            key_event = get()
            if type(key_event) is not ScalarEvent:
                if type(key_event) is MappingEndEvent:
                    return result
                raise _UnusualError
            key = key_event.value
            if key_event.tag is not None or tags.get(key) != _SCALAR_TAG:
                key = scalar(key_event)
                if type(key) is not str:
                    key = str(key)
            if key in result:
                raise _UnusualError
            event = get()
            if (
                type(event) is ScalarEvent
                and event.tag is None
                and tags.get(event.value) == _SCALAR_TAG
            ):
                result[key] = event.value
            else:
                result[key] = node(event, depth + 1)
