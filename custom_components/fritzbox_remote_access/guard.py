"""What keeps requests away from a box: its login pause, a refused certificate, a waiting write."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN, LOGIN_BLOCKED_FIRST_PAUSE, LOGIN_BLOCKED_MAX_PAUSE

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from datetime import datetime

    from homeassistant.core import HomeAssistant

BOX_GUARDS: HassKey[dict[str, BoxGuard]] = HassKey(f"{DOMAIN}_box_guards")


class LoginPause:
    """Growing pause after the box answered 503, so we do not keep it locked (docs/tr064.md)."""

    def __init__(self) -> None:
        """Start unpaused."""
        self._failures = 0
        self.until: datetime | None = None

    def paused_until(self) -> datetime | None:
        """When the pause ends, or None when requests may go out."""
        if self.until is not None and dt_util.utcnow() < self.until:
            return self.until
        return None

    def start(self) -> datetime:
        """Record a 503 and return when to try again: after 1, 2, 4, ... at most 30 minutes."""
        pause = min(LOGIN_BLOCKED_FIRST_PAUSE * 2**self._failures, LOGIN_BLOCKED_MAX_PAUSE)
        self._failures += 1
        self.until = dt_util.utcnow() + pause
        return self.until

    def reset(self) -> None:
        """Forget the pause: the box answered again."""
        self._failures = 0
        self.until = None


class WriteGate:
    """One write at a time per box, and none while a confirmation waits on the box.

    A write that would start a second confirmation would first stop the waiting one.
    """

    def __init__(self) -> None:
        """Start free."""
        self._busy = False
        self._changed = asyncio.Event()
        self.confirmation_deadline: datetime | None = None

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for the box's current write to end; refuse at once while it waits for a person."""
        while self._busy:
            if (deadline := self.confirmation_deadline) is not None:
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="confirmation_pending",
                    translation_placeholders={"time": dt_util.as_local(deadline).strftime("%H:%M")},
                )
            await self._changed.wait()
        self._busy = True
        try:
            yield
        finally:
            self._busy = False
            self.confirmation_deadline = None
            self._signal()

    def confirmation_started(self, deadline: datetime) -> None:
        """Record that the current write waits for a person until ``deadline``."""
        self.confirmation_deadline = deadline
        self._signal()

    def _signal(self) -> None:
        """Wake the writes waiting for their turn."""
        self._changed.set()
        self._changed = asyncio.Event()


@dataclass(slots=True)
class BoxGuard:
    """Per entry, kept across reloads and set-up retries (not restarts).

    Each reload or retry makes a new coordinator; it must not knock on a box that still
    blocks our logins, shake hands with one whose certificate the user has not accepted, or
    start a write while one from before the reload waits for confirmation.
    """

    login_pause: LoginPause = field(default_factory=LoginPause)
    write_gate: WriteGate = field(default_factory=WriteGate)
    # The pinned fingerprint the box no longer matched; a new pin lifts the block.
    refused_pin: str | None = None

    def certificate_refused(self, pinned: str | None) -> bool:
        """Whether ``pinned`` is the pin the box was refused for."""
        return self.refused_pin is not None and self.refused_pin == pinned


def box_guard(hass: HomeAssistant, entry_id: str) -> BoxGuard:
    """Return the entry's guard, made on first use."""
    return hass.data.setdefault(BOX_GUARDS, {}).setdefault(entry_id, BoxGuard())


def forget_box_guard(hass: HomeAssistant, entry_id: str) -> None:
    """Drop a deleted entry's guard."""
    hass.data.get(BOX_GUARDS, {}).pop(entry_id, None)
