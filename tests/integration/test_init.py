"""Set-up, unload and reload of a config entry."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from fritzbox_simulator import FritzBoxSimulator


async def test_setup_and_unload(
    hass: HomeAssistant, box: FritzBoxSimulator, init_integration: MockConfigEntry
) -> None:
    """The entry loads against the box and unloads cleanly."""
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.data.remote_access.enabled is True

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert not hasattr(entry, "runtime_data")
