"""Contracts at runtime: ODCS data contracts compiled to pandera schemas (polars).

    report = validate("data/processed/patients.parquet", "governance/contracts/patients.odcs.yaml")
    report.raise_for_failures()  # stops a pipeline stage before it writes anything

The contract is read once into an engine-neutral `TableSpec` (`odcs`), which a
backend turns into a pandera schema (`polars_backend`); see docs/guide/validation.md.
"""

from charter.validation.errors import ContractError, DataError, ValidationSetupError
from charter.validation.report import ContractViolation, Failure, ValidationReport
from charter.validation.validator import compile_contract, validate

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
