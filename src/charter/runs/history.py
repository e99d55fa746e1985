"""Run history from the manifests alone: filter, sort, group by seed, compare.

Every run's manifest already holds its params, seeds, metrics, inputs and
code, so listing and comparing runs needs no tracking server. The filter
language is MLflow's search syntax (`metrics.r2 > 0.3 and params.model.alpha = 1`)
so a team learns one; sqlparse (the tokenizer MLflow uses) reads it, and a
comparison is checked against the manifest's values, never evaluated as code.
Imported only by `charter runs`: `charter check` never pays for sqlparse.
"""

from __future__ import annotations

import difflib
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from charter.formats.manifest import Manifest

OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "LIKE", "ILIKE")

PREFIXES = {
    "metrics": "metrics",
    "metric": "metrics",
    "params": "params",
    "param": "params",
    "parameters": "params",
    "seeds": "seeds",
    "seed": "seeds",
    "attributes": "attributes",
    "attribute": "attributes",
    "attr": "attributes",
    "run": "attributes",
    "tags": "tags",
    "tag": "tags",
}
"""MLflow's key prefixes (and their aliases), plus `seeds.` for the manifest's seeds."""

ATTRIBUTES: dict[str, Callable[[Manifest], Any]] = {
    "run_id": lambda m: m.run_id,
    "run_name": lambda m: m.run_id,
    "start_time": lambda m: m.data["start_time"],
    "end_time": lambda m: m.data["end_time"],
    "commit": lambda m: m.commit,
    "dirty": lambda m: m.dirty,
    "entry_point": lambda m: m.entry_point,
    "model": lambda m: m.models or [],
    "feature": lambda m: m.features,
    "python": lambda m: m.data["environment"]["python"],
    "platform": lambda m: m.data["environment"]["platform"],
}
"""`attributes.X`: the manifest's own fields; a list (models, features) matches any item."""

TAGS = {
    "mlflow.source.git.commit": "commit",
    "mlflow.source.name": "entry_point",
    "mlflow.runName": "run_name",
    "charter.run_id": "run_id",
}
"""`tags.X`: the MLflow tags `charter runs export` would set, and every attribute name."""


class FilterError(ValueError):
    """A filter that is not MLflow's search syntax; `position` is 1-based in the text."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position})"


class UnknownRunError(LookupError):
    """No manifest has this run id; `close` are the ids most like it."""

    def __init__(self, run_id: str, close: list[str]) -> None:
        super().__init__(run_id)
        self.run_id = run_id
        self.close = close


@dataclass(frozen=True)
class Condition:
    kind: str
    key: str
    op: str
    value: Any
    position: int


@dataclass
class Row:
    """One line of `runs list`: a run, or runs that differ only by seed (`len(runs) > 1`)."""

    runs: list[Manifest]
    metrics: dict[str, tuple[float, float | None, int]] = field(default_factory=dict)
    """metric -> (mean, standard deviation or None for one value, how many runs have it)."""

    @property
    def first(self) -> Manifest:
        return self.runs[0]

    @property
    def grouped(self) -> bool:
        return len(self.runs) > 1


# -- the filter ---------------------------------------------------------------


def parse_filter(text: str) -> list[Condition]:
    """The comparisons of an MLflow search filter, joined by `and`; FilterError otherwise."""
    import sqlparse  # noqa: PLC0415 - only `charter runs` needs it
    from sqlparse import sql  # noqa: PLC0415
    from sqlparse import tokens as T  # noqa: PLC0415, N812

    if not text.strip():
        return []
    try:
        statements = sqlparse.parse(text)
    except sqlparse.exceptions.SQLParseError as error:  # pragma: no cover - sqlparse's limits
        raise FilterError(f"cannot read the filter: {error}", 1) from None
    tokens: list[Any] = [t for s in statements for t in s.tokens]
    offsets = _offsets(statements)
    comparisons: list[Condition] = []
    expect_comparison = True
    for token in tokens:
        where = offsets[id(next(token.flatten()))] + 1
        if token.is_whitespace:
            continue
        if expect_comparison:
            if isinstance(token, sql.Comparison):
                comparisons.append(_comparison(token, offsets))
                expect_comparison = False
                continue
            if isinstance(token, sql.Parenthesis):
                raise FilterError("parentheses are not part of MLflow's search syntax", where)
            if isinstance(token, sql.Identifier) or token.ttype is T.Name:
                raise FilterError(
                    f"expected an operator ({', '.join(OPERATORS)}) and a value after "
                    f"{str(token).strip()!r}",
                    where + len(str(token).rstrip()) + 1,
                )
            raise FilterError(
                f"expected a comparison such as 'metrics.r2 > 0.3', not {str(token)!r}", where
            )
        if token.ttype is T.Keyword and token.normalized == "AND":
            expect_comparison = True
            continue
        if token.ttype is T.Keyword and token.normalized == "OR":
            raise FilterError("only 'and' joins comparisons in MLflow's search syntax", where)
        raise FilterError(f"expected 'and' before {str(token).strip()!r}", where)
    if expect_comparison:
        raise FilterError("expected a comparison after 'and'", len(text.rstrip()) + 1)
    return comparisons


def _offsets(statements: Iterable[Any]) -> dict[int, int]:
    """Character offset of every leaf token (sqlparse keeps the text whole, whitespace too)."""
    offsets: dict[int, int] = {}
    at = 0
    for statement in statements:
        for leaf in statement.flatten():
            offsets[id(leaf)] = at
            at += len(str(leaf))
    return offsets


def _comparison(token: Any, offsets: dict[int, int]) -> Condition:
    from sqlparse import tokens as T  # noqa: PLC0415, N812

    parts = [t for t in token.tokens if not t.is_whitespace]
    where = offsets[id(next(token.flatten()))] + 1
    if len(parts) != 3 or parts[1].ttype is not T.Operator.Comparison:
        raise FilterError(
            f"expected KEY OPERATOR VALUE, as in 'metrics.r2 > 0.3', not {str(token)!r}", where
        )
    left, operator, right = parts
    op = operator.normalized.upper()
    op_at = offsets[id(next(operator.flatten()))] + 1
    value_at = offsets[id(next(right.flatten()))] + 1
    if op not in OPERATORS:
        raise FilterError(f"{op!r} is not one of {', '.join(OPERATORS)}", op_at)
    kind, key = _key(str(left), where)
    value = _literal(right, value_at)
    if kind == "metrics" and not _number(value):
        raise FilterError(f"metrics compare with numbers, not {str(right)!r}", value_at)
    if op in ("LIKE", "ILIKE") and not isinstance(value, str):
        raise FilterError(f"{op} compares with a quoted pattern, not {str(right)!r}", value_at)
    return Condition(kind, key, op, value, where)


def _key(text: str, where: int) -> tuple[str, str]:
    prefix, dot, rest = text.partition(".")
    kind = PREFIXES.get(prefix.lower())
    if not dot or kind is None or not rest:
        raise FilterError(
            f"{text!r} is not a key: keys start with metrics., params., seeds., tags. "
            "or attributes.",
            where,
        )
    key = ".".join(part.strip('`"') for part in _split_key(rest))
    if kind == "tags":
        kind, key = "attributes", TAGS.get(key, key)
    if kind == "attributes" and key not in ATTRIBUTES:
        raise FilterError(
            f"{text!r} is not an attribute of a run: one of {', '.join(ATTRIBUTES)}", where
        )
    return kind, key


def _split_key(rest: str) -> list[str]:
    """`model.alpha` or `` `my metric` `` or `"a.b"`: dots inside quotes stay in the name."""
    return [m.group(0) for m in re.finditer(r'`[^`]*`|"[^"]*"|[^.]+', rest)]


def _literal(token: Any, where: int) -> Any:
    from sqlparse import tokens as T  # noqa: PLC0415, N812

    text = str(token)
    if token.ttype in T.Number:
        return float(text) if token.ttype in T.Number.Float else int(text)
    if token.ttype in T.String.Single or token.ttype in T.String.Symbol:
        return text[1:-1].replace(text[0] * 2, text[0])
    if token.normalized in ("TRUE", "FALSE"):
        return token.normalized == "TRUE"
    raise FilterError(f"expected a number or a quoted string, not {text!r}", where)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def matches(manifest: Manifest, comparisons: list[Condition]) -> bool:
    """Whether the run meets every comparison; a run without the key does not (as MLflow)."""
    return all(_holds(manifest, c) for c in comparisons)


_MISSING = object()


def value_of(manifest: Manifest, kind: str, key: str) -> Any:
    """The run's value for a filter or sort key, or _MISSING."""
    if kind == "attributes":
        return ATTRIBUTES[key](manifest)
    source = {"metrics": manifest.metrics, "seeds": manifest.seeds}.get(kind)
    if source is None:
        return flat_params(manifest.params).get(key, _MISSING)
    return source.get(key, _MISSING)


def _holds(manifest: Manifest, comparison: Condition) -> bool:
    value = value_of(manifest, comparison.kind, comparison.key)
    if value is _MISSING:
        return False
    if isinstance(value, list):  # models, features: any item
        return any(_compare(item, comparison) for item in value)
    return _compare(value, comparison)


def _compare(value: Any, comparison: Condition) -> bool:
    wanted, op = comparison.value, comparison.op
    if op in ("LIKE", "ILIKE"):
        flags = re.IGNORECASE if op == "ILIKE" else 0
        return re.fullmatch(_like(wanted), _text(value), flags | re.DOTALL) is not None
    if isinstance(wanted, bool) or isinstance(value, bool):
        left, right = _text(value), _text(wanted)
    elif _number(value) and _number(wanted):
        left, right = value, wanted
    elif _number(wanted) and isinstance(value, str):
        try:  # MLflow's params are strings: `params.alpha = 1` matches "1"
            left, right = float(value), wanted
        except ValueError:
            return op == "!="
    else:
        left, right = _text(value), _text(wanted)
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    try:
        return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op]
    except TypeError:
        return False


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _like(pattern: str) -> str:
    """SQL LIKE as a regular expression: `%` any text, `_` one character."""
    return "".join(
        ".*" if char == "%" else "." if char == "_" else re.escape(char) for char in pattern
    )


def flat_params(params: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested params as MLflow logs them: `{"model": {"alpha": 1}}` is `model.alpha`."""
    flat: dict[str, Any] = {}
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flat_params(value, f"{name}."))
        else:
            flat[name] = value
    return flat


# -- selecting, sorting, grouping -------------------------------------------------


def select(
    manifests: Iterable[Manifest], *, model: str | None = None, comparisons: list[Condition]
) -> list[Manifest]:
    """The runs that trained `model` (when given) and meet every comparison."""
    return [
        m
        for m in manifests
        if (model is None or model in (m.models or [])) and matches(m, comparisons)
    ]


def parse_sort(text: str) -> tuple[str, str, bool]:
    """`metrics.r2`, `metrics.r2 DESC` or `-metrics.r2`: (kind, key, descending)."""
    words = text.split()
    descending = False
    if len(words) == 2 and words[1].upper() in ("ASC", "DESC"):
        descending = words[1].upper() == "DESC"
        words = words[:1]
    if len(words) != 1:
        raise FilterError(f"expected KEY [ASC|DESC], as in 'metrics.r2 DESC', not {text!r}", 1)
    key = words[0]
    if key.startswith("-"):
        descending, key = True, key[1:]
    kind, name = _key(key, 1)
    return kind, name, descending


def group(manifests: list[Manifest]) -> list[Row]:
    """Rows of runs that differ only by seed, with each metric's mean and standard deviation.

    Two runs belong together when they ran the same code, environment, inputs,
    features, models and params; what is left to differ is the seeds (and what
    the seeds change: metrics, outputs, times).
    """
    rows: dict[tuple[Any, ...], Row] = {}
    for manifest in manifests:
        rows.setdefault(_sameness(manifest), Row(runs=[])).runs.append(manifest)
    for row in rows.values():
        names = dict.fromkeys(name for m in row.runs for name in m.metrics)
        for name in names:
            values = [m.metrics[name] for m in row.runs if name in m.metrics]
            spread = statistics.stdev(values) if len(values) > 1 else None
            row.metrics[name] = (statistics.fmean(values), spread, len(values))
    return list(rows.values())


def _sameness(manifest: Manifest) -> tuple[Any, ...]:
    data = manifest.data  # the schema-checked record: the typed views would cost a copy each
    return (
        manifest.commit,
        manifest.dirty,
        manifest.entry_point,
        manifest.lock_sha256,
        manifest.params_hash,
        tuple(sorted((i["name"], i["fingerprint"]) for i in data["inputs"])),
        tuple(data["features"]),
        tuple(data.get("models") or ()),
    )


def sort_rows(rows: list[Row], sort: tuple[str, str, bool] | None) -> list[Row]:
    """Rows by a key (a group by its metric's mean); runs without the key last.

    Without a key, newest first, as MLflow lists runs.
    """
    if sort is None:
        return sorted(rows, key=lambda r: r.first.data["start_time"], reverse=True)
    kind, key, descending = sort

    def value(row: Row) -> Any:
        if kind == "metrics" and key in row.metrics:
            return row.metrics[key][0]
        found = value_of(row.first, kind, key)
        return _MISSING if isinstance(found, list) else found

    present = [r for r in rows if value(r) is not _MISSING]
    missing = [r for r in rows if value(r) is _MISSING]
    numbers = all(_number(value(r)) for r in present)
    present.sort(key=lambda r: value(r) if numbers else _text(value(r)), reverse=descending)
    return present + missing


# -- finding and comparing runs --------------------------------------------------


def find(manifests: list[Manifest], run_id: str, known: Callable[[], list[str]]) -> Manifest:
    """The run whose folder is `run_id`; UnknownRunError with the closest of `known()` else."""
    by_folder = {m.path.parent.name: m for m in manifests}
    if run_id in by_folder:
        return by_folder[run_id]
    known_ids = known()
    close = [i for i in known_ids if run_id and i.startswith(run_id)][:5]
    close = close or difflib.get_close_matches(run_id, known_ids, n=3, cutoff=0.6)
    raise UnknownRunError(run_id, close)


@dataclass
class RunComparison:
    """What differs between runs: the first run is the baseline of each delta."""

    runs: list[Manifest]
    params: dict[str, list[Any]]
    metrics: dict[str, list[float | None]]
    inputs: dict[str, list[str | None]]
    features: dict[str, list[bool]]
    commits: list[str]


def compare(runs: list[Manifest]) -> RunComparison:
    """Params and seeds that differ, every metric, inputs' fingerprints, features, commits."""
    flats = [
        {**flat_params(m.params), **{f"seeds.{k}": v for k, v in m.seeds.items()}} for m in runs
    ]
    keys = dict.fromkeys(k for flat in flats for k in flat)
    params = {
        k: [flat.get(k, _MISSING) for flat in flats]
        for k in keys
        if len({repr(flat.get(k, _MISSING)) for flat in flats}) > 1
    }
    params = {k: [None if v is _MISSING else v for v in values] for k, values in params.items()}
    metric_names = dict.fromkeys(name for m in runs for name in m.metrics)
    metrics = {name: [m.metrics.get(name) for m in runs] for name in metric_names}
    input_names = dict.fromkeys(i.name for m in runs for i in m.inputs)
    inputs = {
        name: [next((i.fingerprint for i in m.inputs if i.name == name), None) for m in runs]
        for name in input_names
    }
    feature_names = dict.fromkeys(f for m in runs for f in m.features)
    features = {f: [f in m.features for m in runs] for f in feature_names}
    return RunComparison(
        runs=runs,
        params=params,
        metrics=metrics,
        inputs=inputs,
        features=features,
        commits=[m.commit for m in runs],
    )
