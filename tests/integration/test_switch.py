"""Switches: they change the box, and a failed write leaves the box's real state showing."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)

from custom_components.fritzbox_remote_access.const import DOMAIN
from fritzbox_simulator import BoxUser, FritzBoxSimulator

from .conftest import PASSWORD, PROFILES, USERNAME, assert_no_password, lock_out, poll, reauth_flows

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from syrupy.assertion import SnapshotAssertion

REMOTE_ACCESS = "switch.fritz_box_7590_remote_access"
LETS_ENCRYPT = "switch.fritz_box_7590_let_s_encrypt_certificate"
CERTIFICATE_STATE = "sensor.fritz_box_7590_let_s_encrypt_certificate_state"


@pytest.fixture
def platforms() -> list[Platform]:
    return [Platform.SWITCH]


@pytest.mark.parametrize("box_config", PROFILES)
async def test_switches(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_integration: MockConfigEntry,
) -> None:
    """Remote access everywhere; Let's Encrypt only where the firmware has it."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
    assert_no_password(hass, entity_registry)


async def switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.mark.usefixtures("init_integration")
async def test_remote_access_switch(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """SetEnable switches remote access on the box; the state follows the box."""
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON

    box.log.clear()
    await switch(hass, SERVICE_TURN_OFF, REMOTE_ACCESS)
    assert box.state.remote_access_enabled is False
    assert hass.states.get(REMOTE_ACCESS).state == STATE_OFF
    # The write, then one refresh.
    assert [e.action for e in box.log.entries] == ["SetEnable", "GetInfo", "GetDDNSInfo"]

    await switch(hass, SERVICE_TURN_ON, REMOTE_ACCESS)
    assert box.state.remote_access_enabled is True
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON


@pytest.mark.parametrize("platforms", [[Platform.SWITCH, Platform.SENSOR]])
@pytest.mark.usefixtures("init_integration")
async def test_lets_encrypt_switch(
    hass: HomeAssistant, box: FritzBoxSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Switching Let's Encrypt on requests a certificate; it turns valid on the box later."""
    await switch(hass, SERVICE_TURN_OFF, LETS_ENCRYPT)
    assert box.state.lets_encrypt_enabled is False
    assert hass.states.get(LETS_ENCRYPT).state == STATE_OFF
    assert hass.states.get(CERTIFICATE_STATE).state == "not_used"

    await switch(hass, SERVICE_TURN_ON, LETS_ENCRYPT)
    assert box.state.lets_encrypt_enabled is True
    assert hass.states.get(LETS_ENCRYPT).state == STATE_ON
    assert hass.states.get(CERTIFICATE_STATE).state == "get"

    box.advance(60)
    await poll(hass, freezer)
    assert hass.states.get(CERTIFICATE_STATE).state == "valid"


@pytest.mark.parametrize(
    ("box_config", "entity_id", "service", "key"),
    [
        pytest.param(
            {"users": (BoxUser(USERNAME, PASSWORD, rights=frozenset({"A"})),)},
            REMOTE_ACCESS,
            SERVICE_TURN_OFF,
            "insufficient_rights_settings",
            id="remote_access_needs_settings_right",
        ),
        pytest.param(
            {"users": (BoxUser(USERNAME, PASSWORD, rights=frozenset({"P"})),)},
            LETS_ENCRYPT,
            SERVICE_TURN_OFF,
            "insufficient_rights_app",
            id="lets_encrypt_needs_app_right",
        ),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_failed_write_keeps_real_state(
    hass: HomeAssistant, box: FritzBoxSimulator, entity_id: str, service: str, key: str
) -> None:
    """606 on a write: translated error, and the switch still shows what the box has."""
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, service, entity_id)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    await hass.async_block_till_done()
    assert hass.states.get(entity_id).state == STATE_ON
    assert box.state.remote_access_enabled is True
    assert box.state.lets_encrypt_enabled is True


@pytest.mark.usefixtures("init_integration")
async def test_write_with_tr064_switched_off(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """The message tells where to switch app access back on."""
    box.faults.app_access_disabled = True
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_OFF, REMOTE_ACCESS)
    assert err.value.translation_key == "tr064_disabled"
    assert "Allow access for applications" in str(err.value)
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_write_with_wrong_password_starts_reauth(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """A rejected login during a write asks the user for new credentials."""
    box.state.users[USERNAME] = BoxUser(USERNAME, "changed-on-the-box")
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_OFF, REMOTE_ACCESS)
    assert err.value.translation_key == "invalid_auth"
    await hass.async_block_till_done()
    assert len(reauth_flows(hass)) == 1
    assert box.state.remote_access_enabled is True


@pytest.mark.parametrize("box_config", [{"lockout_threshold": 1, "lockout_seconds": 1e6}])
async def test_write_while_login_blocked(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 503 on a write starts the pause; during it writes are refused without a request."""
    await lock_out(box)
    box.log.clear()
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_OFF, REMOTE_ACCESS)
    assert err.value.translation_key == "login_blocked"
    assert [(e.action, e.status) for e in box.log.entries] == [("SetEnable", 503)]
    assert init_integration.runtime_data.guard.login_pause.paused_until() is not None

    box.log.clear()
    freezer.tick(timedelta(seconds=10))
    async_fire_time_changed(hass)
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_OFF, REMOTE_ACCESS)
    assert err.value.translation_key == "login_blocked_paused"
    assert box.log.entries == []
    assert box.state.remote_access_enabled is True
