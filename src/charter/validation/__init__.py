"""Contracts at runtime: ODCS data contracts compiled to pandera schemas (polars).

    report = validate("data/processed/patients.parquet", "governance/contracts/patients.odcs.yaml")
    report.raise_for_failures()  # stops a pipeline stage before it writes anything

The contract is read once into an engine-neutral `TableSpec` (`odcs`), which a
backend turns into a pandera schema (`polars_backend`); see docs/guide/validation.md.
Names load on first use, so `charter check` can ask `odcs` what cannot be
validated without importing polars and pandera.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and editors see; at runtime names load on use
    from charter.validation.errors import ContractError, DataError, ValidationSetupError
    from charter.validation.report import ContractViolation, Failure, ValidationReport
    from charter.validation.validator import compile_contract, validate

_EXPORTS = {
    "ContractError": "charter.validation.errors",
    "DataError": "charter.validation.errors",
    "ValidationSetupError": "charter.validation.errors",
    "ContractViolation": "charter.validation.report",
    "Failure": "charter.validation.report",
    "ValidationReport": "charter.validation.report",
    "compile_contract": "charter.validation.validator",
    "validate": "charter.validation.validator",
}

__all__ = [
    "ContractError",
    "ContractViolation",
    "DataError",
    "Failure",
    "ValidationReport",
    "ValidationSetupError",
    "compile_contract",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'charter.validation' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
