"""Wall-clock timing and the statistics the results report."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def seconds(action: Callable[[], object]) -> float:
    """Wall-clock seconds one call of `action` takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


@dataclass(frozen=True)
class Summary:
    """Median and spread of repeated measurements, in seconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    def cells(self) -> list[str]:
        """Median, min and max, formatted for a Markdown table."""
        return [f"{self.median:.2f} s", f"{self.low:.2f} s", f"{self.high:.2f} s"]
