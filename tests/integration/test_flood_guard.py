"""Login-flood guard, counted on the simulator's request log over one simulated hour.

A wrong password costs at most two login attempts per read (the request and the digest retry;
a poll sends its two reads at once); then re-authentication starts and nothing more reaches the
box until the user has re-entered the password. While the box blocks logins (HTTP 503), nothing
reaches it: no poll, no switch; polling resumes after the block. Descriptions and SCPDs need no
login and are not attempts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    CONF_USERNAME,
    SERVICE_TURN_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.fritzbox_remote_access.const import DOMAIN
from custom_components.fritzbox_remote_access.services import SERVICE_SET_REMOTE_ACCESS_USER
from fritzbox_simulator import BoxUser, FritzBoxSimulator

from .conftest import USERNAME, lock_out, poll, reauth_flows

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

REMOTE_ACCESS = "switch.fritz_box_7590_remote_access"
NEW_PASSWORD = "fake-changed-on-the-box-1"
POLL = 30
HOUR = 3600


def login_attempts(box: FritzBoxSimulator) -> list[tuple[str | None, int]]:
    """Requests that carry (or ask for) a login: SOAP actions, not descriptions."""
    return [(entry.action, entry.status) for entry in box.log.entries if entry.method == "POST"]


def poll_reads(box: FritzBoxSimulator) -> list[tuple[str | None, int]]:
    """A poll's reads without the five-minute GetAppRemoteInfo, sorted (they go out at once)."""
    return sorted(attempt for attempt in login_attempts(box) if attempt[0] != "GetAppRemoteInfo")


async def reauthenticate(hass: HomeAssistant, password: str) -> None:
    """The user enters the new password in the re-authentication flow."""
    (flow,) = reauth_flows(hass)
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: password}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()


async def test_password_changed_on_the_box(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Polling with a password the box no longer takes: two attempts per read, then silence."""
    box.state.users[USERNAME] = BoxUser(USERNAME, NEW_PASSWORD)
    box.log.clear()

    await poll(hass, freezer, POLL)
    assert len(reauth_flows(hass)) == 1
    attempts = box.log.entries.copy()
    assert sorted((entry.action, entry.status) for entry in attempts) == [
        ("GetDDNSInfo", 401),
        ("GetDDNSInfo", 401),
        ("GetInfo", 401),
        ("GetInfo", 401),
    ]
    assert hass.states.get(REMOTE_ACCESS).state == STATE_UNAVAILABLE

    for _ in range(HOUR // POLL - 1):
        await poll(hass, freezer, POLL)
    assert box.log.entries == attempts
    assert len(reauth_flows(hass)) == 1

    await reauthenticate(hass, NEW_PASSWORD)
    box.log.clear()
    await poll(hass, freezer, POLL)
    assert poll_reads(box) == [("GetDDNSInfo", 200), ("GetInfo", 200)]
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON


async def test_wrong_password_at_set_up(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Setting up with a wrong password: two attempts, no set-up retries for an hour."""
    box.state.users[USERNAME] = BoxUser(USERNAME, NEW_PASSWORD)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    assert len(reauth_flows(hass)) == 1
    assert login_attempts(box) == [("GetInfo", 401), ("GetInfo", 401)]
    entries = box.log.entries.copy()

    for _ in range(HOUR // POLL):
        freezer.tick(timedelta(seconds=POLL))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert box.log.entries == entries

    await reauthenticate(hass, NEW_PASSWORD)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    box.log.clear()
    await poll(hass, freezer, POLL)
    assert poll_reads(box) == [("GetDDNSInfo", 200), ("GetInfo", 200)]


@pytest.mark.parametrize("box_config", [{"lockout_threshold": 1, "lockout_seconds": 60}])
async def test_nothing_reaches_a_blocking_box(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The box blocks logins for a minute: one poll learns it, then nothing until it ends."""
    await lock_out(box)  # another client on this host mistyped the password
    box.log.clear()

    await poll(hass, freezer, POLL)
    assert box.log.entries[-1].status == 503
    # Both reads of the poll were on their way when the box refused the first.
    assert sorted(login_attempts(box)) == [("GetDDNSInfo", 503), ("GetInfo", 503)]
    assert hass.states.get(REMOTE_ACCESS).state == STATE_UNAVAILABLE
    box.log.clear()

    # The block lasts until a minute after the mistyped login; we pause a minute after the
    # 503, and neither polls nor switches nor service actions reach the box meanwhile.
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: REMOTE_ACCESS}, blocking=True
    )
    with pytest.raises(HomeAssistantError, match="blocks logins"):
        await hass.services.async_call(
            DOMAIN,
            SERVICE_SET_REMOTE_ACCESS_USER,
            {ATTR_CONFIG_ENTRY_ID: init_integration.entry_id, CONF_PASSWORD: "Remote-Pw-123"},
            blocking=True,
        )
    await poll(hass, freezer, POLL)
    assert box.log.entries == []
    assert box.state.remote_access_enabled is True

    # After the pause polling resumes, two requests per poll, for the rest of the hour, and
    # GetAppRemoteInfo every five minutes.
    app_remote_reads = 0
    for _ in range(HOUR // POLL - 2):
        box.log.clear()
        await poll(hass, freezer, POLL)
        assert poll_reads(box) == [("GetDDNSInfo", 200), ("GetInfo", 200)]
        app_remote_reads += login_attempts(box).count(("GetAppRemoteInfo", 200))
    assert app_remote_reads == 12  # one every five minutes
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON
