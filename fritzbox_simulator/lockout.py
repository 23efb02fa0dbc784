"""Per-client login blocking: after too many failed logins a box answers HTTP 503.

The rule, per client IP and counted since that client's last successful login:

* every request with wrong credentials (unknown user, wrong password, malformed or replayed
  digest) adds one failure;
* requests without credentials are free up to ``unauthenticated_allowance`` (a normal client's
  first request is always such a challenge round trip); each one beyond adds one failure;
* a stale nonce used with the right password is not a failure;
* at ``threshold`` failures the client is blocked for ``seconds`` of simulator time, after
  which its counters start from zero. A successful login also resets them.

While blocked, every request of that client that needs a login gets HTTP 503, even with the
right password; descriptions, SCPDs and the login-free GetSecurityPort are still answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .clock import SimClock


@dataclass(slots=True)
class _Client:
    failures: int = 0
    unauthenticated: int = 0
    blocked_until: float | None = None


class LoginGuard:
    """Counts failed logins per client and blocks clients that exceed the threshold."""

    def __init__(
        self, clock: SimClock, threshold: int, seconds: float, unauthenticated_allowance: int
    ) -> None:
        """Apply the rule of the module docstring with these numbers."""
        self._clock = clock
        self._threshold = threshold
        self._seconds = seconds
        self._allowance = unauthenticated_allowance
        self._clients: dict[str, _Client] = {}

    def reset(self) -> None:
        """Forget every client, as after a reboot."""
        self._clients.clear()

    def is_blocked(self, client: str) -> bool:
        """Whether ``client`` gets 503 now; an expired block is lifted on the way."""
        state = self._clients.get(client)
        if state is None or state.blocked_until is None:
            return False
        if self._clock.now() < state.blocked_until:
            return True
        del self._clients[client]
        return False

    def record_failure(self, client: str) -> None:
        """Count wrong credentials."""
        self._add_failure(self._clients.setdefault(client, _Client()))

    def record_unauthenticated(self, client: str) -> None:
        """Count a request without credentials; only those beyond the allowance are failures."""
        state = self._clients.setdefault(client, _Client())
        state.unauthenticated += 1
        if state.unauthenticated > self._allowance:
            self._add_failure(state)

    def record_success(self, client: str) -> None:
        """Start the client's counts afresh."""
        self._clients.pop(client, None)

    def _add_failure(self, state: _Client) -> None:
        state.failures += 1
        if state.failures >= self._threshold:
            state.blocked_until = self._clock.now() + self._seconds
