"""The box's second factor: one confirmation process at a time, on the simulator clock.

A protected action without a valid token answers 866. ``SetConfig(start)`` opens a process
(``waitingforauth``) with a token; pressing the button or dialling the phone code confirms it
(``authenticated``), and the token, sent in the SOAP header, then lets exactly one protected
action through; the action spends it whatever its outcome. Choices made here, relied on by
the tests:

* One process per box. A start while one runs (waiting, or confirmed but its token unused)
  is 868; so is a protected action whose token is not the running process's. Others asking
  ``GetState`` see ``anotherauthprocess``.
* ``stop`` with a token ends that process; without one it ends the caller's own process (same
  box user), which is how a client clears a stale process whose token it lost.
* A process ends as ``stopped`` when stopped or when it expires (``lifetime`` seconds after
  the start, and again after the confirmation); ``fail`` ends it as ``failure``.
* Every start counts as unconfirmed until a confirmation resets the count. A start with
  ``attempts`` unconfirmed ones behind it blocks the box for ``block_seconds``: starts answer
  ``blocked``, protected actions 867.
* ``GetState`` reports the process of the token in the header; without a token (or with an
  unknown one) it reports what the box is doing for others: ``stopped`` when idle.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
import re
import secrets
from typing import TYPE_CHECKING

from .soap import UPnPError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .clock import SimClock

DISABLED = "disabled"
WAITING = "waitingforauth"
ANOTHER_PROCESS = "anotherauthprocess"
AUTHENTICATED = "authenticated"
STOPPED = "stopped"
BLOCKED = "blocked"
FAILURE = "failure"
STATES = (DISABLED, WAITING, ANOTHER_PROCESS, AUTHENTICATED, STOPPED, BLOCKED, FAILURE)

BUTTON = "button"
PHONE = "dtmf"
APP = "googleauth"
DEFAULT_METHODS = "button,dtmf;*11234"
_PHONE_CODE = re.compile(r"[0-9*#]{2,20}")

#: How many ended processes still answer GetState for their token.
REMEMBERED = 32

SECOND_FACTOR_REQUIRED = 866
SECOND_FACTOR_BLOCKED = 867
SECOND_FACTOR_BUSY = 868


def parse_methods(methods: str) -> tuple[tuple[str, ...], str | None]:
    """Split ``button,dtmf;*11234`` into method names and the phone code; ValueError if odd."""
    names: list[str] = []
    code: str | None = None
    for item in methods.split(","):
        name, _, detail = item.partition(";")
        if name in (BUTTON, APP) and not detail:
            names.append(name)
        elif name == PHONE and _PHONE_CODE.fullmatch(detail):
            names.append(name)
            code = detail
        else:
            raise ValueError(f"unknown confirmation method {item!r} in {methods!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"a confirmation method is listed twice in {methods!r}")
    return tuple(names), code


@dataclass(slots=True)
class _Process:
    """A running confirmation; ``deadline`` is on the simulator clock."""

    token: str
    owner: str
    state: str
    deadline: float

    def __repr__(self) -> str:
        """Leave the token out."""
        return f"_Process(owner={self.owner!r}, state={self.state!r})"


@dataclass(frozen=True, slots=True)
class StartResult:
    """What ``SetConfig(start)`` answers; ``token`` is empty unless a process started."""

    state: str
    token: str
    methods: str

    def __repr__(self) -> str:
        """Leave the token out."""
        return f"StartResult(state={self.state!r}, methods={self.methods!r})"


class SecondFactor:
    """The confirmation state machine of one box; see the module docstring."""

    def __init__(
        self,
        clock: SimClock,
        *,
        enabled: bool = True,
        methods: str = DEFAULT_METHODS,
        protected: Iterable[tuple[str, str]] = (),
        lifetime: float = 300.0,
        attempts: int = 5,
        block_seconds: float = 600.0,
    ) -> None:
        """``protected`` holds (service type, action) pairs that need a confirmation."""
        self._clock = clock
        self.enabled = enabled
        self._methods = methods
        self._method_names, self._phone_code = parse_methods(methods)
        self.protected: frozenset[tuple[str, str]] = frozenset(protected)
        self._lifetime = lifetime
        self._attempts = attempts
        self._block_seconds = block_seconds
        self._process: _Process | None = None
        self._ended: OrderedDict[str, str] = OrderedDict()
        self._unconfirmed = 0
        self._blocked_until: float | None = None

    # -- what tests and the control interface look at --------------------------------------

    @property
    def methods(self) -> str:
        """The methods as ``SetConfig`` lists them, e.g. ``button,dtmf;*11234``."""
        return self._methods

    @property
    def phone_code(self) -> str | None:
        """The code to dial on a connected phone, or None without the phone method."""
        return self._phone_code

    @property
    def state(self) -> str:
        """What the box is doing: the running process's state, ``blocked``, or idle."""
        self.tick()
        if not self.enabled:
            return DISABLED
        if self._blocked():
            return BLOCKED
        return STOPPED if self._process is None else self._process.state

    @property
    def unconfirmed_starts(self) -> int:
        """Starts since the last confirmation, toward the block."""
        return self._unconfirmed

    def tick(self) -> None:
        """End an expired process and lift an expired block."""
        now = self._clock.now()
        process = self._process
        if process is not None and now >= process.deadline:
            self._end(STOPPED)
        if self._blocked_until is not None and now >= self._blocked_until:
            self._blocked_until = None

    def _blocked(self) -> bool:
        return self._blocked_until is not None

    def _end(self, final: str) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        self._ended[process.token] = final
        while len(self._ended) > REMEMBERED:
            self._ended.popitem(last=False)

    # -- the person at the box -------------------------------------------------------------

    def _confirm(self) -> bool:
        self.tick()
        process = self._process
        if process is None or process.state != WAITING:
            return False
        process.state = AUTHENTICATED
        process.deadline = self._clock.now() + self._lifetime
        self._unconfirmed = 0
        return True

    def press_button(self) -> bool:
        """Press a button on the box; True if that confirmed a waiting process."""
        return BUTTON in self._method_names and self._confirm()

    def dial(self, code: str) -> bool:
        """Dial ``code`` on a connected phone; True if it confirmed a waiting process."""
        if self._phone_code is None or not secrets.compare_digest(code, self._phone_code):
            return False
        return self._confirm()

    def fail(self) -> bool:
        """End the running process with ``failure`` (an internal error on the box)."""
        self.tick()
        if self._process is None:
            return False
        self._end(FAILURE)
        return True

    # -- the three actions of X_AVM-DE_Auth ------------------------------------------------

    def _owns(self, token: str | None) -> bool:
        process = self._process
        return (
            process is not None
            and token is not None
            and secrets.compare_digest(token, process.token)
        )

    def get_state(self, token: str | None) -> str:
        """Answer ``GetState`` for the process of ``token`` (see the module docstring)."""
        self.tick()
        if not self.enabled:
            return DISABLED
        if self._process is not None:
            return self._process.state if self._owns(token) else ANOTHER_PROCESS
        if self._blocked():
            return BLOCKED
        if token is not None and token in self._ended:
            return self._ended[token]
        return STOPPED

    def start(self, owner: str) -> StartResult:
        """Open a process for ``owner``, or answer why not (868 while one runs)."""
        self.tick()
        if not self.enabled:
            return StartResult(DISABLED, "", "")
        if self._process is not None:
            raise UPnPError(SECOND_FACTOR_BUSY)
        if self._blocked():
            return StartResult(BLOCKED, "", "")
        if self._unconfirmed >= self._attempts:
            self._blocked_until = self._clock.now() + self._block_seconds
            self._unconfirmed = 0
            return StartResult(BLOCKED, "", "")
        self._unconfirmed += 1
        token = secrets.token_hex(16)
        self._process = _Process(token, owner, WAITING, self._clock.now() + self._lifetime)
        return StartResult(WAITING, token, self._methods)

    def stop(self, token: str | None, owner: str) -> str:
        """End the process of ``token``, or the caller's own one without a token."""
        self.tick()
        if not self.enabled:
            return DISABLED
        process = self._process
        if process is not None and (
            self._owns(token) or (token is None and process.owner == owner)
        ):
            self._end(STOPPED)
        elif process is not None:
            return ANOTHER_PROCESS
        return BLOCKED if self._blocked() else STOPPED

    # -- protected actions -----------------------------------------------------------------

    def authorize(self, service_type: str, action: str, token: str | None) -> None:
        """Let a protected action through once with a confirmed token; else 866/867/868."""
        if not self.enabled or (service_type, action) not in self.protected:
            return
        self.tick()
        if self._blocked():
            raise UPnPError(SECOND_FACTOR_BLOCKED)
        process = self._process
        if process is None:
            raise UPnPError(SECOND_FACTOR_REQUIRED)
        if not self._owns(token):
            raise UPnPError(SECOND_FACTOR_BUSY)
        if process.state != AUTHENTICATED:
            raise UPnPError(SECOND_FACTOR_REQUIRED)
        self._end(STOPPED)  # the token is spent on this one action, whatever its outcome
