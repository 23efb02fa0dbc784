"""Both firmware generations and both spellings of the Mode, through the whole integration.

Modern firmware (FRITZ!OS 7.5x) has Let's Encrypt in TR-064, legacy firmware (7.2x) does not.
The combined DDNS mode has two spellings, ``ddns_together`` and ``ddns_both_together`` (see
docs/tr064.md); a box advertises one of them in its SCPD. Every combination is set up, shown,
switched and written to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    SERVICE_TURN_OFF,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.fritzbox_remote_access.const import DOMAIN
from custom_components.fritzbox_remote_access.services import SERVICE_SET_DDNS_CONFIG
from custom_components.fritzbox_remote_access.tr064 import LetsEncryptState

from .conftest import ENTRY_ID, UDN, poll

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from fritzbox_simulator import FritzBoxSimulator

SPELLINGS = ("ddns_together", "ddns_both_together")
BOXES = [
    pytest.param({"profile": profile, "mode_spelling": spelling}, id=f"{profile}-{spelling}")
    for profile in ("modern", "legacy")
    for spelling in SPELLINGS
]

PREFIX = "fritz_box_7590_"
REMOTE_ACCESS = f"switch.{PREFIX}remote_access"
MODE = f"sensor.{PREFIX}dynamic_dns_mode"
DDNS_PROBLEM = f"binary_sensor.{PREFIX}dynamic_dns_problem"
# Unique ID suffix -> entity ID of what only firmware with Let's Encrypt has.
LETS_ENCRYPT = {
    "lets_encrypt": f"switch.{PREFIX}let_s_encrypt_certificate",
    "certificate_state": f"sensor.{PREFIX}let_s_encrypt_certificate_state",
}


async def set_mode(hass: HomeAssistant, mode: str) -> None:
    await hass.services.async_call(
        DOMAIN,
        SERVICE_SET_DDNS_CONFIG,
        {ATTR_CONFIG_ENTRY_ID: ENTRY_ID, "mode": mode, CONF_PASSWORD: ""},
        blocking=True,
    )


@pytest.mark.parametrize("box_config", BOXES)
async def test_set_up_and_shown(
    *,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entity_registry: er.EntityRegistry,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    box_config: dict[str, Any],
) -> None:
    """The box's own spelling reads as ddns_together; Let's Encrypt only where it exists."""
    modern = box_config["profile"] == "modern"
    spelling = box_config["mode_spelling"]
    other = next(value for value in SPELLINGS if value != spelling)
    coordinator = init_integration.runtime_data
    assert spelling in coordinator.capabilities.mode_values
    assert other not in coordinator.capabilities.mode_values

    assert box.state.ddns.mode == spelling
    assert hass.states.get(MODE).state == "ddns_together"
    assert hass.states.get(DDNS_PROBLEM).state == STATE_OFF
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON

    registered = {
        entry.unique_id.removeprefix(f"{UDN}_")
        for entry in er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
    }
    for key, entity_id in LETS_ENCRYPT.items():
        assert (key in registered) is modern
        assert (hass.states.get(entity_id) is not None) is modern
    remote_access = coordinator.data.remote_access
    if modern:
        assert remote_access.lets_encrypt_enabled is True
        assert remote_access.lets_encrypt_state is LetsEncryptState.VALID
        assert hass.states.get(LETS_ENCRYPT["lets_encrypt"]).state == STATE_ON
    else:
        assert remote_access.lets_encrypt_enabled is None
        assert remote_access.lets_encrypt_state is None
        assert not coordinator.capabilities.lets_encrypt

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    capabilities = diagnostics["capabilities"]
    assert capabilities["profile"] == box_config["profile"]
    assert spelling in capabilities["mode_values"]
    assert ("SetLetsEncryptEnable" in capabilities["actions"]) is modern


@pytest.mark.parametrize("box_config", BOXES)
@pytest.mark.usefixtures("init_integration")
async def test_writes(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    freezer: FrozenDateTimeFactory,
    box_config: dict[str, Any],
) -> None:
    """Remote access switches on both generations; the combined mode goes out as the box spells it.

    The action takes either spelling, the box always gets its own.
    """
    spelling = box_config["mode_spelling"]
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: REMOTE_ACCESS}, blocking=True
    )
    assert box.state.remote_access_enabled is False
    assert hass.states.get(REMOTE_ACCESS).state == STATE_OFF

    for asked in SPELLINGS:
        await set_mode(hass, "ddns_v4")
        assert box.state.ddns.mode == "ddns_v4"
        assert hass.states.get(MODE).state == "ddns_v4"
        box.log.clear()
        await set_mode(hass, asked)
        (write,) = [entry for entry in box.log.entries if entry.action == "SetDDNSConfig"]
        assert write.status == 200
        assert box.state.ddns.mode == spelling
        assert hass.states.get(MODE).state == "ddns_together"

    # What the box reports on its own reads the same after a poll.
    box.state.ddns.mode = spelling
    await poll(hass, freezer)
    assert hass.states.get(MODE).state == "ddns_together"
