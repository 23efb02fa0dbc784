"""The simulator's clock: real monotonic time plus whatever tests skipped with ``advance``."""

from __future__ import annotations

import time


class SimClock:
    """Monotonic seconds that tests can move forward without sleeping."""

    def __init__(self) -> None:
        """Start in step with ``time.monotonic``."""
        self._offset = 0.0

    def now(self) -> float:
        """Return the simulator time in seconds (arbitrary origin)."""
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        """Jump forward; the clock never goes back, so negative values are refused."""
        if seconds < 0:
            raise ValueError("the simulator clock cannot go back")
        self._offset += seconds
