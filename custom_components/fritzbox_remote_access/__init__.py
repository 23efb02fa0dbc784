"""The FRITZ!Box Remote Access integration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import Platform

from .coordinator import FritzRemoteAccessConfigEntry, FritzRemoteAccessCoordinator

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.SENSOR, Platform.SWITCH]


async def async_setup_entry(hass: HomeAssistant, entry: FritzRemoteAccessConfigEntry) -> bool:
    """Connect to the box, read it once and set up the platforms."""
    coordinator = FritzRemoteAccessCoordinator(hass, entry)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: FritzRemoteAccessConfigEntry) -> bool:
    """Unload the platforms; the coordinator stops with the entry, the shared session stays."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
