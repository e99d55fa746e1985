"""Errors that mean "cannot validate", as opposed to "the data breaks the contract"."""

from __future__ import annotations


class ValidationSetupError(Exception):
    """The contract or the data could not be read; the message says which and why."""


class ContractError(ValidationSetupError):
    """The contract does not parse, or asks for something Charter cannot check."""


class DataError(ValidationSetupError):
    """The data file is missing, of an unknown kind, or unreadable."""
