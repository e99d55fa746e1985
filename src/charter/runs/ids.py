"""Run ids: sortable by start time, unique without coordination, safe as folder names."""

from __future__ import annotations

import secrets
from datetime import datetime


def new_run_id(start: datetime) -> str:
    """`20261126T143900Z-1a2b3c`: the UTC start second, then 24 random bits."""
    return f"{start:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, as the manifest schema expects."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
