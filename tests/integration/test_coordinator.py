"""Polling: request budget, failures, back-off after 503, repair issues, re-authentication."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.fritzbox_remote_access.const import DOMAIN
from fritzbox_simulator import BoxUser, FritzBoxSimulator

from .conftest import ENTRY_ID, PASSWORD, USERNAME, lock_out, poll, reauth_flows

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

STATUS_IPV4 = "sensor.fritz_box_7590_dynamic_dns_status_ipv4"
DDNS_PROBLEM = "binary_sensor.fritz_box_7590_dynamic_dns_problem"
REMOTE_ACCESS = "switch.fritz_box_7590_remote_access"
INTEGRATION_LOGGER = "custom_components.fritzbox_remote_access"


def our_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name.startswith(INTEGRATION_LOGGER) and record.levelno >= logging.WARNING
    ]


@pytest.mark.usefixtures("init_integration")
async def test_two_requests_per_poll(
    hass: HomeAssistant, box: FritzBoxSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A poll is GetInfo plus GetDDNSInfo, nothing else: no descriptions, no DeviceInfo."""
    # The frozen clock starts after set-up, so the first scheduled poll is already due.
    await hass.async_block_till_done(wait_background_tasks=True)
    for _ in range(3):
        box.log.clear()
        await poll(hass, freezer)
        assert sorted((e.action, e.status, e.authenticated) for e in box.log.entries) == [
            ("GetDDNSInfo", 200, True),
            ("GetInfo", 200, True),
        ]


@pytest.mark.usefixtures("init_integration")
async def test_box_changes_show_after_poll(
    hass: HomeAssistant, box: FritzBoxSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """What changes on the box appears after the next poll, and not before."""
    assert hass.states.get(STATUS_IPV4).state == "updated"
    assert hass.states.get(DDNS_PROBLEM).state == STATE_OFF

    box.state.ddns.status_ipv4 = "account-disabled"
    box.state.remote_access_enabled = False
    await hass.async_block_till_done()
    assert hass.states.get(STATUS_IPV4).state == "updated"

    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == "account_disabled"
    assert hass.states.get(DDNS_PROBLEM).state == STATE_ON
    assert hass.states.get(REMOTE_ACCESS).state == STATE_OFF

    box.state.ddns.status_ipv4 = "new address"
    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == "new_address"
    assert hass.states.get(DDNS_PROBLEM).state == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_unreachable_box(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unreachable: entities unavailable, one log line however long it lasts, then back."""
    caplog.clear()
    box.reboot(3600)
    for _ in range(4):
        await poll(hass, freezer)
        assert hass.states.get(STATUS_IPV4).state == STATE_UNAVAILABLE
        assert hass.states.get(REMOTE_ACCESS).state == STATE_UNAVAILABLE
    records = our_warnings(caplog)
    assert len(records) == 1
    assert "Cannot reach the FRITZ!Box at 127.0.0.1" in records[0].getMessage()

    await box.end_reboot()
    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == "updated"
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON
    assert len(our_warnings(caplog)) == 1


async def test_malformed_answer(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An answer that cannot be parsed fails the poll with a translated message."""
    box.faults.malformed_xml = True
    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == STATE_UNAVAILABLE
    error = init_integration.runtime_data.last_exception
    assert error.translation_domain == DOMAIN
    assert error.translation_key == "malformed_response"

    box.faults.malformed_xml = False
    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == "updated"


@pytest.mark.usefixtures("init_integration")
async def test_wrong_password_starts_reauth_and_stops_polling(
    hass: HomeAssistant, box: FritzBoxSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """After a rejected login nothing more is sent until the user re-authenticates."""
    box.state.users[USERNAME] = BoxUser(USERNAME, "changed-on-the-box")
    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == STATE_UNAVAILABLE
    assert len(reauth_flows(hass)) == 1

    box.log.clear()
    for _ in range(5):
        await poll(hass, freezer, seconds=600)
    assert box.log.entries == []


async def test_missing_rights_raise_repair_issue(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """606 while reading: a repair issue names the right; it goes once a poll succeeds."""
    box.state.users[USERNAME] = BoxUser(USERNAME, PASSWORD, rights=frozenset())
    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == STATE_UNAVAILABLE
    issue = issue_registry.async_get_issue(DOMAIN, f"insufficient_rights_{ENTRY_ID}")
    assert issue is not None
    assert issue.translation_key == "insufficient_rights"
    # No username: Home Assistant adds issues to diagnostics unredacted.
    assert issue.translation_placeholders == {"title": init_integration.title}
    assert issue.severity is ir.IssueSeverity.ERROR
    assert init_integration.runtime_data.last_exception.translation_key == (
        "insufficient_rights_app"
    )

    box.state.users[USERNAME] = BoxUser(USERNAME, PASSWORD, rights=frozenset({"A"}))
    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == "updated"
    assert issue_registry.async_get_issue(DOMAIN, f"insufficient_rights_{ENTRY_ID}") is None


@pytest.mark.parametrize("box_config", [{"lockout_threshold": 1, "lockout_seconds": 1e6}])
async def test_login_blocked_backs_off(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """503: pause 1, 2, 4 ... minutes without a single request, then poll normally again."""
    coordinator = init_integration.runtime_data
    await lock_out(box)

    # Each pause is twice the one before; while it lasts the box hears nothing. The first
    # refusal meets both reads of a poll; after it, GetInfo goes first, alone.
    polls_between_tries = []
    tries = []
    for _ in range(4):
        box.log.clear()
        polls = 0
        while not box.log.entries:
            await poll(hass, freezer)
            polls += 1
            assert hass.states.get(STATUS_IPV4).state == STATE_UNAVAILABLE
            assert coordinator.last_exception.translation_key == "login_blocked_paused"
        tries.append(sorted((e.action, e.status) for e in box.log.entries))
        polls_between_tries.append(polls)
    assert tries == [[("GetDDNSInfo", 503), ("GetInfo", 503)]] + [[("GetInfo", 503)]] * 3
    assert polls_between_tries == [1, 2, 4, 8]

    # The block is lifted on the box: the next try after the pause succeeds.
    box.advance(2e6)
    box.log.clear()
    while not box.log.entries:
        await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == "updated"
    box.log.clear()
    await poll(hass, freezer)
    assert len(box.log.entries) == 2


@pytest.mark.parametrize("box_config", [{"lockout_threshold": 1, "lockout_seconds": 1e6}])
async def test_login_blocked_pause_is_capped(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The pause never grows beyond 30 minutes."""
    await lock_out(box)
    backoff = init_integration.runtime_data.guard.login_pause
    pauses = []
    for _ in range(8):
        before = backoff.until
        box.log.clear()
        while not box.log.entries:
            await poll(hass, freezer, seconds=60)
        assert backoff.until is not None
        if before is not None:
            pauses.append(round((backoff.until - before).total_seconds() / 60))
    # Minutes between tries: the pause plus the minute-granular polling used here.
    assert max(pauses) <= 31
    assert pauses[-1] == pauses[-2]
