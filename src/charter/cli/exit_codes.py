"""The three exit codes of every `charter` command (ruff's, and most linters')."""

from __future__ import annotations

EXIT_CLEAN = 0
"""Nothing wrong: no error-level finding, valid data, views current, run reproduced."""
EXIT_FINDINGS = 1
"""The command ran and found something wrong with the project or the data."""
EXIT_ERROR = 2
"""Usage error, unreadable input or an internal error: the question could not be answered."""
