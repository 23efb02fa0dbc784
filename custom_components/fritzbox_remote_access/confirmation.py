"""Writes the box wants confirmed: tell the user at once, and keep to one at a time per box.

The box's procedure is in docs/tr064.md. The user learns of a waiting confirmation from a
persistent notification and the event ``fritzbox_remote_access_confirmation_required``.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from homeassistant.components import persistent_notification
from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from .const import CONFIRMATION_TIMEOUT, DOMAIN, LOGGER
from .tr064 import AuthMethod, Confirmation

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from .coordinator import FritzRemoteAccessCoordinator
    from .tr064 import SecondFactorChallenge

EVENT_CONFIRMATION_REQUIRED: Final = f"{DOMAIN}_confirmation_required"
TEXT_CATEGORY: Final = "common"


class Change(StrEnum):
    """What a write changes on the box, as the user is told."""

    REMOTE_ACCESS_ON = "remote_access_on"
    REMOTE_ACCESS_OFF = "remote_access_off"
    LETS_ENCRYPT_ON = "lets_encrypt_on"
    LETS_ENCRYPT_OFF = "lets_encrypt_off"
    DDNS_CONFIG = "ddns_config"
    REMOTE_ACCESS_USER = "remote_access_user"


# Keys under "common" in the translations; METHOD_OTHER when the box names no method we know.
TITLE_KEY: Final = "confirmation_title"
MESSAGE_KEY: Final = "confirmation_message"
METHOD_KEYS: Final = {method: f"confirmation_method_{method.name.lower()}" for method in AuthMethod}
METHOD_OTHER: Final = "confirmation_method_other"
CHANGE_KEYS: Final = {change: f"change_{change}" for change in Change}
TEXT_KEYS: Final = (
    TITLE_KEY,
    MESSAGE_KEY,
    METHOD_OTHER,
    *METHOD_KEYS.values(),
    *CHANGE_KEYS.values(),
)


def notification_id(entry_id: str) -> str:
    """One confirmation notification per entry."""
    return f"{DOMAIN}_confirmation_{entry_id}"


class ConfirmationPrompt:
    """Shows one write's confirmation to the user, and takes it away again."""

    def __init__(
        self, coordinator: FritzRemoteAccessCoordinator, change: Change, texts: Mapping[str, str]
    ) -> None:
        """Prepare the texts; nothing is shown before the box asks."""
        self._coordinator = coordinator
        self._change = change
        self._texts = texts
        self._shown = False

    @property
    def shown(self) -> bool:
        """Whether the write waits for a person now."""
        return self._shown

    def _text(self, key: str, **placeholders: str) -> str:
        template = self._texts.get(f"component.{DOMAIN}.{TEXT_CATEGORY}.{key}", key)
        return template.format(**placeholders)

    @callback
    def show(self, challenge: SecondFactorChallenge) -> None:
        """Notify the user and fire the event; called by the client when the box waits."""
        coordinator = self._coordinator
        hass = coordinator.hass
        entry = coordinator.config_entry
        deadline = dt_util.utcnow() + timedelta(seconds=challenge.timeout)
        coordinator.guard.write_gate.confirmation_started(deadline)
        phone_code = challenge.phone_code or ""
        methods = [
            self._text(METHOD_KEYS[method], phone_code=phone_code) for method in challenge.methods
        ] or [self._text(METHOD_OTHER)]
        change = self._text(CHANGE_KEYS[self._change])
        message = self._text(
            MESSAGE_KEY,
            title=entry.title,
            change=change,
            methods="\n".join(f"- {method}" for method in methods),
            time=dt_util.as_local(deadline).strftime("%H:%M"),
        )
        persistent_notification.async_create(
            hass,
            message,
            title=self._text(TITLE_KEY, title=entry.title),
            notification_id=notification_id(entry.entry_id),
        )
        self._shown = True
        LOGGER.info("%s: %s waits for confirmation on the box", entry.title, self._change)
        hass.bus.async_fire(
            EVENT_CONFIRMATION_REQUIRED,
            {
                ATTR_CONFIG_ENTRY_ID: entry.entry_id,
                "title": entry.title,
                "change": str(self._change),
                "change_name": change,
                "methods": [str(method) for method in challenge.methods],
                "phone_code": challenge.phone_code,
                "deadline": deadline.isoformat(),
                "message": message,
            },
        )

    @callback
    def dismiss(self) -> None:
        """Take the notification away: the write is done or failed."""
        if self._shown:
            persistent_notification.async_dismiss(
                self._coordinator.hass, notification_id(self._coordinator.config_entry.entry_id)
            )
            self._shown = False


@asynccontextmanager
async def confirmed_write(
    coordinator: FritzRemoteAccessCoordinator, change: Change
) -> AsyncIterator[Confirmation]:
    """Take the box's write turn and yield the ``Confirmation`` its writes pass to the client.

    A write while another waits for confirmation is refused at once, before any request. One
    that waits when its entry unloads or Home Assistant stops is cancelled: the client then
    stops the box's process, and the caller gets an error.
    """
    async with coordinator.guard.write_gate.turn():
        hass = coordinator.hass
        texts = await async_get_translations(hass, hass.config.language, TEXT_CATEGORY, {DOMAIN})
        prompt = ConfirmationPrompt(coordinator, change, texts)
        task = asyncio.current_task()
        assert task is not None  # noqa: S101 - a service call runs in a task
        cancelled = False

        @callback
        def cancel() -> None:
            nonlocal cancelled
            if prompt.shown and not cancelled:
                cancelled = True
                task.cancel()

        remove = coordinator.async_on_shutdown(cancel)
        try:
            yield Confirmation(on_challenge=prompt.show, timeout=CONFIRMATION_TIMEOUT)
        except asyncio.CancelledError:
            # Only our own cancellation becomes an error; any other goes on as it is.
            if cancelled and task.uncancel() == 0:
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="confirmation_cancelled",
                    translation_placeholders={"host": coordinator.host},
                ) from None
            raise
        finally:
            remove()
            prompt.dismiss()
