"""The Spark tier's fixtures: one SparkSession per test session, and engine parity.

`pytest --engine-parity` runs every `validate(...)` call of the validation tests
through both engines: the polars report is what the test sees, and the Spark
report must give the same verdict and the same failing checks (or the same
error), so each contract-and-data case of those tests is a parity case.
Without Java the tier is skipped with how to get it; CHARTER_REQUIRE_SPARK=1
(set by .ci/run) makes that a failure instead.
"""

from __future__ import annotations

import importlib.util
import os
from collections import Counter

import pytest

REQUIRE = "CHARTER_REQUIRE_SPARK"


def spark_unavailable() -> str | None:
    """Why Spark cannot run here, in words (None: it can)."""
    if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("pandas") is None:
        return "pyspark is not installed: run the tier with `nox -s spark` (the spark extra)"
    from charter.validation.spark_session import JAVA_HINT, java_available  # noqa: PLC0415

    if not java_available():
        return JAVA_HINT
    return None


def spark_or_skip():
    """The test session's SparkSession, or skip (fail under CHARTER_REQUIRE_SPARK=1)."""
    reason = spark_unavailable()
    if reason is not None:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{REQUIRE}=1 but Spark cannot run: {reason}")
        pytest.skip(f"Spark tier skipped: {reason}")
    from charter.validation.spark_session import session  # noqa: PLC0415 - needs pyspark

    return session()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine-parity",
        action="store_true",
        help="run every validate() of the tests on polars and on Spark; they must agree",
    )


@pytest.fixture(scope="session")
def spark():
    return spark_or_skip()


def _outcome(call):
    try:
        report = call()
    except Exception as error:  # the same kind of error on both engines
        return ("error", type(error).__name__), error
    checks = Counter((f.column, f.check) for f in report.failures)
    return ("report", report.ok, tuple(sorted(checks.items(), key=str))), report


@pytest.fixture(autouse=True)
def _engine_parity(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    if not request.config.getoption("--engine-parity"):
        return
    from charter.validation import validator  # noqa: PLC0415 - only under --engine-parity

    session = request.getfixturevalue("spark")
    original = validator.validate

    def both(data, contract, **options):
        if "engine" in options:  # a test that picks its engine itself
            return original(data, contract, **options)
        polars_key, polars = _outcome(lambda: original(data, contract, **options))
        spark_key, on_spark = _outcome(
            lambda: original(data, contract, engine="spark", spark=session, **options)
        )
        if polars_key != spark_key:
            pytest.fail(
                f"engines disagree\n--- polars\n{_text(polars)}\n--- spark\n{_text(on_spark)}",
                pytrace=False,
            )
        if isinstance(polars, Exception):
            raise polars
        return polars

    monkeypatch.setattr(validator, "validate", both)
    if getattr(request.module, "validate", None) is original:
        monkeypatch.setattr(request.module, "validate", both)


def _text(outcome) -> str:
    return repr(outcome) if isinstance(outcome, Exception) else outcome.format()
