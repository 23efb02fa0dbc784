"""The FRITZ!Box Remote Access integration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import Platform
from homeassistant.helpers import config_validation as cv

from .const import DOMAIN
from .coordinator import FritzRemoteAccessConfigEntry, FritzRemoteAccessCoordinator
from .guard import forget_box_guard
from .issues import ENTRY_ISSUES, delete_issues
from .log_filter import async_redact_service_data
from .services import async_setup_services

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.SENSOR, Platform.SWITCH]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the service actions once, for all boxes: they name their entry.

    Their data holds passwords, which core would log: a filter keeps it out of the log.
    """
    async_setup_services(hass)
    async_redact_service_data(hass, DOMAIN)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: FritzRemoteAccessConfigEntry) -> bool:
    """Connect to the box, read it once and set up the platforms."""
    coordinator = FritzRemoteAccessCoordinator(hass, entry)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_remove_entry(hass: HomeAssistant, entry: FritzRemoteAccessConfigEntry) -> None:
    """Forget what belongs to a deleted entry: its repair issues and its guard."""
    delete_issues(hass, entry.entry_id, *ENTRY_ISSUES)
    forget_box_guard(hass, entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: FritzRemoteAccessConfigEntry) -> bool:
    """Unload the platforms; the coordinator stops with the entry, the shared session stays."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
