"""Is the box reachable: external addresses, IPv4 reachability, the DDNS name in DNS, requests."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
import pytest

from custom_components.fritzbox_remote_access.const import DOMAIN
from fritzbox_simulator import BoxUser, FritzBoxSimulator
from fritzbox_simulator.state import LINES

from .conftest import (
    DDNS_DOMAIN,
    ENTRY_ID,
    PASSWORD,
    PUBLIC_IPV4,
    PUBLIC_IPV6,
    USERNAME,
    poll,
)

if TYPE_CHECKING:
    from aiohttp import web
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er, issue_registry as ir
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from .dns_server import DNSServer

DEVICE = "fritz_box_7590"
EXTERNAL_IPV4 = f"sensor.{DEVICE}_external_ipv4_address"
EXTERNAL_IPV6 = f"sensor.{DEVICE}_external_ipv6_address"
URL = f"sensor.{DEVICE}_remote_access_address"
IPV4_REACH = f"binary_sensor.{DEVICE}_ipv4_reachability"
DNS_CHECK = f"binary_sensor.{DEVICE}_dynamic_dns_name_check"
APP_SETUP_ENTITIES = (EXTERNAL_IPV4, EXTERNAL_IPV6, IPV4_REACH, DNS_CHECK)
MINUTES_5 = 10  # polls of 30 s
OTHER_IPV4 = "203.0.113.9"
OTHER_IPV6 = "2001:db8::9"


def state(hass: HomeAssistant, entity_id: str) -> str:
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


def attributes(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return dict(current.attributes)


def dns(hass: HomeAssistant) -> tuple[str, str | None, list[str], list[str]]:
    """The DNS check's state, reason and the addresses DNS answered."""
    attrs = attributes(hass, DNS_CHECK)
    return state(hass, DNS_CHECK), attrs.get("reason"), attrs["dns_ipv4"], attrs["dns_ipv6"]


def ipv4_issues(issue_registry: ir.IssueRegistry) -> list[str]:
    return sorted(
        issue.translation_key or ""
        for (domain, issue_id), issue in issue_registry.issues.items()
        if domain == DOMAIN and issue_id.endswith(ENTRY_ID) and issue_id.startswith("ipv4_")
    )


async def settle(hass: HomeAssistant) -> None:
    """Let the set-up's DNS check finish."""
    await hass.async_block_till_done(wait_background_tasks=True)


# --- the DNS check -----------------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_everything_fine(hass: HomeAssistant, dns_server: DNSServer) -> None:
    """A public line whose DDNS name resolves to the box: no problem, addresses shown."""
    await settle(hass)
    assert state(hass, EXTERNAL_IPV4) == PUBLIC_IPV4
    assert state(hass, EXTERNAL_IPV6) == PUBLIC_IPV6
    assert state(hass, URL) == f"https://{DDNS_DOMAIN}:40443"
    assert state(hass, IPV4_REACH) == STATE_OFF
    assert attributes(hass, IPV4_REACH)["reason"] == "public"
    # The populated box updates both families ("together"): both records are asked and match.
    assert dns(hass) == (STATE_OFF, "match", [PUBLIC_IPV4], [PUBLIC_IPV6])
    assert sorted(dns_server.asked(DDNS_DOMAIN)) == ["A", "AAAA"]


@pytest.mark.parametrize(
    ("a", "aaaa", "reason"),
    [
        ([OTHER_IPV4], [PUBLIC_IPV6], "mismatch"),
        ([PUBLIC_IPV4], [OTHER_IPV6], "mismatch"),
        ([OTHER_IPV4, PUBLIC_IPV4], [PUBLIC_IPV6], "match"),  # one of several is enough
        ([], [PUBLIC_IPV6], "no_records"),
    ],
)
async def test_records_compared(
    hass: HomeAssistant,
    dns_server: DNSServer,
    *,
    mock_config_entry: MockConfigEntry,
    a: list[str],
    aaaa: list[str],
    reason: str,
) -> None:
    """Every record the mode updates must hold the box's address; a missing one is a problem."""
    dns_server.zone.set(DDNS_DOMAIN, a=a, aaaa=aaaa)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await settle(hass)
    expected = STATE_OFF if reason == "match" else STATE_ON
    assert dns(hass) == (expected, reason, a, aaaa)


async def test_ipv6_only_mode(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    dns_server: DNSServer,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Mode ddns_v6 updates AAAA only: A is not asked, even where it would not match."""
    box.state.ddns.mode = "ddns_v6"
    dns_server.zone.set(DDNS_DOMAIN, a=[OTHER_IPV4], aaaa=[PUBLIC_IPV6])
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await settle(hass)
    assert dns(hass) == (STATE_OFF, "match", [], [PUBLIC_IPV6])
    assert dns_server.asked(DDNS_DOMAIN) == ["AAAA"]


async def test_name_not_found(
    hass: HomeAssistant, dns_server: DNSServer, mock_config_entry: MockConfigEntry
) -> None:
    """NXDOMAIN: a problem with its reason, not an unavailable entity."""
    dns_server.zone.remove(DDNS_DOMAIN)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await settle(hass)
    assert dns(hass) == (STATE_ON, "not_found", [], [])


async def test_dns_timeout(
    hass: HomeAssistant, dns_server: DNSServer, mock_config_entry: MockConfigEntry
) -> None:
    """DNS does not answer: unknown (it says nothing about the name), the reason says why."""
    dns_server.zone.silent = True
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await settle(hass)
    assert dns(hass) == (STATE_UNKNOWN, "timeout", [], [])
    # Everything read from the box is there all the same.
    assert state(hass, EXTERNAL_IPV4) == PUBLIC_IPV4
    assert dns_server.asked(DDNS_DOMAIN)


@pytest.mark.usefixtures("init_integration")
async def test_ddns_switched_off(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    dns_server: DNSServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without DDNS there is no name to check: off, and DNS is not asked."""
    await settle(hass)
    box.state.ddns.enabled = False
    dns_server.queries.clear()
    await poll(hass, freezer)
    assert dns(hass) == (STATE_OFF, "ddns_disabled", [], [])
    assert dns_server.queries == []


@pytest.mark.usefixtures("init_integration")
async def test_address_change_on_the_box(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    dns_server: DNSServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A new address shows within 5 minutes; DNS lags until the box reports its DDNS update."""
    await settle(hass)
    box.set_external_addresses(ipv4=OTHER_IPV4)
    for _ in range(MINUTES_5 - 1):
        await poll(hass, freezer)
        assert state(hass, EXTERNAL_IPV4) == PUBLIC_IPV4  # not read on every poll
    await poll(hass, freezer)
    assert state(hass, EXTERNAL_IPV4) == OTHER_IPV4
    # The address changed: checked at once, and the name still has the old one.
    assert dns(hass) == (STATE_ON, "mismatch", [PUBLIC_IPV4], [PUBLIC_IPV6])

    # The provider takes the update and the box says so: checked again on that poll.
    dns_server.zone.set(DDNS_DOMAIN, a=[OTHER_IPV4], aaaa=[PUBLIC_IPV6])
    box.state.ddns.status_ipv4 = "new address"
    box.log.clear()
    await poll(hass, freezer)
    assert dns(hass) == (STATE_OFF, "match", [OTHER_IPV4], [PUBLIC_IPV6])
    # The DDNS status changed, so GetAppRemoteInfo came along.
    assert box.log.count(action="GetAppRemoteInfo") == 1


@pytest.mark.usefixtures("init_integration")
async def test_dns_checked_every_five_minutes(
    hass: HomeAssistant, dns_server: DNSServer, freezer: FrozenDateTimeFactory
) -> None:
    """Nothing changes: the name is resolved at set-up and then once every 5 minutes."""
    await settle(hass)
    assert len(dns_server.queries) == 2  # A and AAAA at set-up
    for minute in range(1, 31):
        await poll(hass, freezer, 60)
        assert len(dns_server.queries) == 2 * (1 + minute // 5), minute


# --- IPv4 reachability and its repair -----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason", "issue"),
    [
        ("ds-lite", "no_address", "ipv4_no_address"),
        ("cgnat", "cgnat", "ipv4_cgnat"),
        ("private", "private", "ipv4_private"),
    ],
)
async def test_line_without_public_ipv4(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    *,
    mock_config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
    line: str,
    reason: str,
    issue: str,
) -> None:
    """No public IPv4 address: a problem with its cause, and a repair while something needs it."""
    box.set_line(line)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await settle(hass)
    assert state(hass, IPV4_REACH) == STATE_ON
    assert attributes(hass, IPV4_REACH)["reason"] == reason
    ipv4, ipv6 = LINES[line]
    assert state(hass, EXTERNAL_IPV4) == (ipv4 or STATE_UNKNOWN)
    assert state(hass, EXTERNAL_IPV6) == (ipv6 or STATE_UNKNOWN)
    assert ipv4_issues(issue_registry) == [issue]
    placeholders = issue_registry.async_get_issue(DOMAIN, f"{issue}_{ENTRY_ID}")
    assert placeholders is not None
    assert placeholders.translation_placeholders == {"title": "FRITZ!Box 7590", "address": ipv4}

    # Remote access off, DDNS only for IPv6: nothing relies on IPv4, the repair goes.
    box.state.remote_access_enabled = False
    box.state.ddns.mode = "ddns_v6"
    await poll(hass, freezer)
    assert ipv4_issues(issue_registry) == []
    assert state(hass, IPV4_REACH) == STATE_ON  # the fact stays

    # DDNS for IPv4 again: the repair is back.
    box.state.ddns.mode = "ddns_v4"
    await poll(hass, freezer)
    assert ipv4_issues(issue_registry) == [issue]

    # The provider gives the line a public address: within 5 minutes all is well.
    box.set_line("public")
    for _ in range(MINUTES_5):
        await poll(hass, freezer)
    assert state(hass, IPV4_REACH) == STATE_OFF
    assert ipv4_issues(issue_registry) == []


async def test_public_line_no_issue(
    hass: HomeAssistant, init_integration: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    """A public address: no repair, and removing the entry leaves none behind."""
    assert ipv4_issues(issue_registry) == []
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    assert ipv4_issues(issue_registry) == []


# --- the remote access address --------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_remote_access_url(
    hass: HomeAssistant, box: FritzBoxSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The DDNS domain while remote access is on, else the MyFRITZ! name, else nothing."""
    assert state(hass, URL) == f"https://{DDNS_DOMAIN}:40443"

    box.state.myfritz_enabled = True
    box.state.myfritz_dyndns_name = "abcdef123456.myfritz.net"
    box.state.ddns.enabled = False  # a DDNS change: the MyFRITZ! name is read on this poll
    await poll(hass, freezer)
    assert state(hass, URL) == "https://abcdef123456.myfritz.net:40443"

    box.state.remote_access_enabled = False
    await poll(hass, freezer)
    assert state(hass, URL) == STATE_UNKNOWN


# --- capabilities and requests ----------------------------------------------------------------


@pytest.mark.parametrize("box_config", [{"app_setup": False}])
async def test_box_without_app_setup(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    *,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    issue_registry: ir.IssueRegistry,
    dns_server: DNSServer,
) -> None:
    """No X_AVM-DE_AppSetup: no such entities, no error, no repair, no request for it."""
    await settle(hass)
    for entity_id in APP_SETUP_ENTITIES:
        assert entity_registry.async_get(entity_id) is None, entity_id
    assert state(hass, URL) == f"https://{DDNS_DOMAIN}:40443"  # needs GetInfo and GetDDNSInfo only
    assert init_integration.runtime_data.last_update_success
    assert box.log.count(action="GetAppRemoteInfo") == 0
    assert ipv4_issues(issue_registry) == []
    assert dns_server.queries == []


async def test_user_without_the_right(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    *,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Only the phone right: GetInfo works, GetAppRemoteInfo answers 606; no such entities."""
    box.state.users[USERNAME] = BoxUser(USERNAME, PASSWORD, rights=frozenset({"P"}))
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await settle(hass)
    assert box.log.count(action="GetAppRemoteInfo", status=500) == 1
    for entity_id in APP_SETUP_ENTITIES:
        assert entity_registry.async_get(entity_id) is None, entity_id
    assert mock_config_entry.runtime_data.last_update_success
    assert state(hass, URL) == f"https://{DDNS_DOMAIN}:40443"
    assert [issue for (domain, issue) in issue_registry.issues if domain == DOMAIN] == []

    # Not asked again: not on the next polls, not after five minutes.
    for _ in range(MINUTES_5 + 1):
        await poll(hass, freezer)
    assert box.log.count(action="GetAppRemoteInfo") == 1
    assert mock_config_entry.runtime_data.last_update_success


async def test_right_taken_away_later(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The right goes while Home Assistant runs: those entities become unavailable, no error."""
    await settle(hass)
    box.state.users[USERNAME] = BoxUser(USERNAME, PASSWORD, rights=frozenset({"P"}))
    for _ in range(MINUTES_5):
        await poll(hass, freezer)
    assert init_integration.runtime_data.last_update_success
    for entity_id in APP_SETUP_ENTITIES:
        assert state(hass, entity_id) == STATE_UNAVAILABLE, entity_id
    assert state(hass, URL) == f"https://{DDNS_DOMAIN}:40443"


@pytest.mark.usefixtures("init_integration")
async def test_requests_per_hour(
    hass: HomeAssistant, box: FritzBoxSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """An hour of polling: 120 polls of two reads, 12 GetAppRemoteInfo, one more per DDNS change."""
    await settle(hass)
    box.log.clear()
    for _ in range(120):
        await poll(hass, freezer)
    assert box.log.count(action="GetInfo", status=200) == 120
    assert box.log.count(action="GetDDNSInfo", status=200) == 120
    assert box.log.count(action="GetAppRemoteInfo", status=200) == 12
    assert len(box.log.entries) == 252

    # A DDNS status change between the five-minute reads costs one read more.
    box.log.clear()
    await poll(hass, freezer)
    box.state.ddns.status_ipv4 = "updating"
    await poll(hass, freezer)
    assert box.log.count(action="GetAppRemoteInfo") == 1
    assert len(box.log.entries) == 5


@pytest.mark.usefixtures("init_integration")
async def test_poll_reads_go_out_together(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both reads of a poll reach the box before it answers either: one round trip."""
    await settle(hass)
    handler = box._handler
    answer = handler._answer
    in_flight = 0
    most = 0
    both = asyncio.Event()

    async def held(request: web.BaseRequest, facts: Any) -> web.Response | None:
        """Hold each SOAP request until a second one is in flight (at most 2 s)."""
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        if in_flight == 2:
            both.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2):
                await both.wait()
        try:
            return await answer(request, facts)
        finally:
            in_flight -= 1

    monkeypatch.setattr(handler, "_answer", held)
    box.log.clear()
    await poll(hass, freezer)
    assert sorted(entry.action or "" for entry in box.log.entries) == ["GetDDNSInfo", "GetInfo"]
    assert most == 2


async def test_setup_reads_device_info_while_the_scpd_loads(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    mock_config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DeviceInfo does not wait for the RemoteAccess SCPD: set-up saves a round trip."""
    handler = box._handler
    answer = handler._answer
    device_info = asyncio.Event()
    overlapped: list[bool] = []

    async def held(request: web.BaseRequest, facts: Any) -> web.Response | None:
        """Hold the SCPD until DeviceInfo is asked for (at most 2 s)."""
        if request.path == "/upnp/control/deviceinfo":
            device_info.set()
        if request.path == "/x_remoteSCPD.xml":
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(2):
                    await device_info.wait()
            overlapped.append(device_info.is_set())
        return await answer(request, facts)

    monkeypatch.setattr(handler, "_answer", held)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await settle(hass)
    assert overlapped == [True]
    assert len(box.log.entries) == 7


async def test_change_during_a_check_is_checked_after_it(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    dns_server: DNSServer,
    init_integration: MockConfigEntry,
) -> None:
    """The box reports a DDNS update while a check runs: one more check follows, not none."""
    await settle(hass)
    coordinator = init_integration.runtime_data
    dns_server.queries.clear()
    dns_server.zone.silent = True  # the first check waits for its timeout
    box.state.ddns.status_ipv4 = "updating"
    await coordinator.async_refresh()  # starts a check
    dns_server.zone.set(DDNS_DOMAIN, a=[OTHER_IPV4], aaaa=[PUBLIC_IPV6])
    box.state.ddns.status_ipv4 = "updated"
    await coordinator.async_refresh()  # the check is still under way
    dns_server.zone.silent = False
    await settle(hass)
    assert len(dns_server.queries) == 4  # A and AAAA, twice
    assert dns(hass) == (STATE_ON, "mismatch", [OTHER_IPV4], [PUBLIC_IPV6])
