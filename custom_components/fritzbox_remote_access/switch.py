"""Switches: remote access itself and the Let's Encrypt certificate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory

from .confirmation import Change, confirmed_write
from .entity import FritzRemoteAccessEntity, FritzRemoteAccessEntityDescription
from .errors import Right
from .helpers import box_command
from .tr064.const import ACTION_SET_ENABLE

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import (
        FritzRemoteAccessConfigEntry,
        FritzRemoteAccessCoordinator,
        FritzRemoteAccessData,
    )
    from .tr064 import Capabilities, Confirmation, FritzBoxRemoteAccess

# Writes go to the box one at a time through the box's WriteGate (guard.py), which also refuses
# a write at once while another waits for confirmation; a platform semaphore would queue it.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class FritzRemoteAccessSwitchEntityDescription(
    SwitchEntityDescription, FritzRemoteAccessEntityDescription
):
    """How a switch reads and writes its setting."""

    is_on_fn: Callable[[FritzRemoteAccessData], bool | None]
    set_fn: Callable[[FritzBoxRemoteAccess, bool, Confirmation], Awaitable[Any]]
    supported_fn: Callable[[Capabilities], bool]
    required_right: Right
    # What switching on and off is called when the box wants it confirmed.
    changes: tuple[Change, Change]


SWITCHES: tuple[FritzRemoteAccessSwitchEntityDescription, ...] = (
    FritzRemoteAccessSwitchEntityDescription(
        key="remote_access",
        translation_key="remote_access",
        is_on_fn=lambda data: data.remote_access.enabled,
        set_fn=lambda client, on, confirmation: client.set_enable(on, confirmation=confirmation),
        supported_fn=lambda capabilities: capabilities.supports(ACTION_SET_ENABLE),
        required_right=Right.SETTINGS,
        changes=(Change.REMOTE_ACCESS_OFF, Change.REMOTE_ACCESS_ON),
    ),
    FritzRemoteAccessSwitchEntityDescription(
        key="lets_encrypt",
        translation_key="lets_encrypt",
        entity_category=EntityCategory.CONFIG,
        is_on_fn=lambda data: data.remote_access.lets_encrypt_enabled,
        set_fn=lambda client, on, confirmation: client.set_lets_encrypt_enable(
            on, confirmation=confirmation
        ),
        supported_fn=lambda capabilities: capabilities.lets_encrypt,
        required_right=Right.APP,
        changes=(Change.LETS_ENCRYPT_OFF, Change.LETS_ENCRYPT_ON),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FritzRemoteAccessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the switches this box's firmware offers."""
    coordinator = entry.runtime_data
    async_add_entities(
        FritzRemoteAccessSwitch(coordinator, description)
        for description in SWITCHES
        if description.supported_fn(coordinator.capabilities)
    )


class FritzRemoteAccessSwitch(FritzRemoteAccessEntity, SwitchEntity):
    """A setting of the box; its state is always what the box last reported."""

    entity_description: FritzRemoteAccessSwitchEntityDescription

    def __init__(
        self,
        coordinator: FritzRemoteAccessCoordinator,
        description: FritzRemoteAccessSwitchEntityDescription,
    ) -> None:
        """Attach the switch to the box; its writes need the description's right."""
        super().__init__(coordinator, description)
        self.required_right = description.required_right

    @property
    def is_on(self) -> bool | None:
        """Return the box's state."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch the setting on."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch the setting off."""
        await self._async_set(False)

    @box_command
    async def _async_set(self, on: bool) -> None:
        description = self.entity_description
        async with confirmed_write(self.coordinator, description.changes[on]) as confirmation:
            await description.set_fn(self.coordinator.client, on, confirmation)
