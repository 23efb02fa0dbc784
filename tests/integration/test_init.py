"""Set-up, unload, reload, the device, and what goes wrong at set-up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import (
    device_registry as dr,
    issue_registry as ir,
    update_coordinator,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.fritzbox_remote_access.const import DOMAIN
from custom_components.fritzbox_remote_access.entity import configuration_url
from custom_components.fritzbox_remote_access.guard import BOX_GUARDS
from fritzbox_simulator import BoxUser, FritzBoxSimulator

from .conftest import (
    ENTRY_ID,
    PASSWORD,
    PROFILES,
    TITLE,
    UDN,
    USERNAME,
    BoxFactory,
    entry_data,
    lock_out,
    poll,
    reauth_flows,
)

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from syrupy.assertion import SnapshotAssertion

STATUS_IPV4 = "sensor.fritz_box_7590_dynamic_dns_status_ipv4"


async def test_setup_unload_reload(
    hass: HomeAssistant, box: FritzBoxSimulator, init_integration: MockConfigEntry
) -> None:
    """The entry loads against the box, unloads cleanly and reloads."""
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.data.remote_access.enabled is True
    assert hass.states.get(STATUS_IPV4).state == "updated"

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(STATUS_IPV4).state == "updated"

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert not hasattr(entry, "runtime_data")
    assert hass.states.get(STATUS_IPV4).state == "unavailable"

    # Nothing keeps polling the box after the unload.
    box.log.clear()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert box.log.entries == []


@pytest.mark.usefixtures("init_integration")
async def test_setup_requests(box: FritzBoxSimulator) -> None:
    """Set-up reads the description, one SCPD and DeviceInfo once, then polls once.

    DeviceInfo goes out while the SCPD loads, the poll's reads (GetAppRemoteInfo with them)
    together after both: within each group the order is the network's.
    """
    requests = [(e.path, e.action, e.status) for e in box.log.entries]
    assert requests[0] == ("/tr64desc.xml", None, 200)
    assert sorted(requests[1:4]) == [
        ("/upnp/control/deviceinfo", "GetInfo", 200),
        ("/upnp/control/deviceinfo", "GetInfo", 401),
        ("/x_remoteSCPD.xml", None, 200),
    ]
    assert requests.index(("/upnp/control/deviceinfo", "GetInfo", 401)) < requests.index(
        ("/upnp/control/deviceinfo", "GetInfo", 200)
    )
    assert sorted(requests[4:]) == [
        ("/upnp/control/x_appsetup", "GetAppRemoteInfo", 200),
        ("/upnp/control/x_remote", "GetDDNSInfo", 200),
        ("/upnp/control/x_remote", "GetInfo", 200),
    ]


@pytest.mark.parametrize("box_config", PROFILES)
async def test_device(
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """One device per box, identified by its UDN, with the box's own data."""
    devices = dr.async_entries_for_config_entry(device_registry, init_integration.entry_id)
    assert len(devices) == 1
    device = devices[0]
    assert device.identifiers == {(DOMAIN, UDN)}
    assert device == snapshot
    assert device.serial_number == box.serial_number
    assert device.configuration_url == f"http://{box.host}"


@pytest.mark.parametrize(
    ("host", "use_tls", "url"),
    [
        ("192.168.178.1", False, "http://192.168.178.1"),
        ("fritz.box", True, "https://fritz.box"),
        ("fd00::1", False, "http://[fd00::1]"),
        ("[fd00::1]", True, "https://[fd00::1]"),
    ],
)
def test_configuration_url(host: str, use_tls: bool, url: str) -> None:
    """The web interface, with brackets around an IPv6 address."""
    assert configuration_url(host, use_tls) == url


async def test_setup_over_tls(hass: HomeAssistant, box_factory: BoxFactory) -> None:
    """A TLS entry talks HTTPS to the pinned certificate."""
    box = await box_factory(tls=True)
    entry = MockConfigEntry(
        domain=DOMAIN, title=TITLE, unique_id=UDN, data=entry_data(box, use_tls=True)
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    (device,) = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert device.configuration_url == f"https://{box.host}"


async def test_certificate_change_raises_issue(
    hass: HomeAssistant,
    box_factory: BoxFactory,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Another certificate: no data from that box, a repair issue says how to accept it."""
    box = await box_factory(tls=True)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=TITLE,
        unique_id=UDN,
        entry_id=ENTRY_ID,
        data=entry_data(box, use_tls=True),
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    new_fingerprint = box.swap_certificate()
    box.reboot(0)  # drop kept-alive connections so that the next poll shakes hands again
    await box.end_reboot()
    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == "unavailable"
    issue = issue_registry.async_get_issue(DOMAIN, f"certificate_mismatch_{ENTRY_ID}")
    assert issue is not None
    assert issue.translation_placeholders == {"title": TITLE, "fingerprint": new_fingerprint}
    assert entry.runtime_data.last_exception.translation_key == "certificate_mismatch"

    # Accepting it (reconfigure) pins the new certificate; the issue goes away.
    result = await entry.start_reconfigure_flow(hass)
    await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": box.host, "port": box.tls_port, "use_tls": True}
    )
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert issue_registry.async_get_issue(DOMAIN, f"certificate_mismatch_{ENTRY_ID}") is None


def _no_rights(box: FritzBoxSimulator) -> None:
    box.state.users[USERNAME] = BoxUser(USERNAME, PASSWORD, rights=frozenset())


def _app_access_off(box: FritzBoxSimulator) -> None:
    box.faults.app_access_disabled = True


def _unreachable(box: FritzBoxSimulator) -> None:
    box.reboot(3600)


def _garbage(box: FritzBoxSimulator) -> None:
    box.faults.http_500_garbage = True


@pytest.mark.parametrize(
    ("break_box", "key"),
    [
        (_unreachable, "cannot_connect"),
        (_app_access_off, "tr064_disabled"),
        (_no_rights, "insufficient_rights_app"),
        (_garbage, "malformed_response"),
    ],
)
async def test_setup_retry(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    mock_config_entry: MockConfigEntry,
    break_box: Any,
    key: str,
) -> None:
    """Trouble that may pass: set-up is retried later, with a translated reason."""
    break_box(box)
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.reason is not None
    assert mock_config_entry.error_reason_translation_key == key


async def test_setup_retry_reason_from_a_bare_not_ready(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    mock_config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Home Assistant 2026.3 drops the failed first refresh's reason; the entry keeps it."""

    coordinator_class = update_coordinator.DataUpdateCoordinator
    first_refresh = coordinator_class.async_config_entry_first_refresh

    async def as_on_2026_3(self: Any) -> None:
        try:
            await first_refresh(self)
        except ConfigEntryNotReady as err:
            raise ConfigEntryNotReady from err.__cause__

    monkeypatch.setattr(coordinator_class, "async_config_entry_first_refresh", as_on_2026_3)
    _no_rights(box)
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.error_reason_translation_key == "insufficient_rights_app"
    assert mock_config_entry.reason is not None
    assert "Restricted FRITZ!Box settings for apps" in mock_config_entry.reason


@pytest.mark.parametrize("box_config", [{"lockout_threshold": 1, "lockout_seconds": 1e6}])
async def test_setup_login_blocked(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """503 at set-up: the pause holds across set-up retries, which send nothing meanwhile."""
    await lock_out(box)
    box.log.clear()
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.error_reason_translation_key == "login_blocked_paused"
    # The descriptions need no login; the first login is refused.
    assert [(e.path, e.status) for e in box.log.entries] == [
        ("/tr64desc.xml", 200),
        ("/x_remoteSCPD.xml", 200),
        ("/upnp/control/deviceinfo", 503),
    ]

    # Home Assistant retries after 5, 10, 20 ... seconds; within the minute nothing is sent.
    box.log.clear()
    for _ in range(3):
        await poll(hass, freezer, seconds=15)
        assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert box.log.entries == []

    # Once the box lets us in again, the first retry after the pause sets the entry up.
    box.advance(2e6)
    for _ in range(8):
        await poll(hass, freezer, seconds=30)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert box.log.count(status=503) == 0


async def test_remove_entry_cleans_up(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Deleting the entry takes its repair issue (and its guard) with it."""
    box.state.users[USERNAME] = BoxUser(USERNAME, PASSWORD, rights=frozenset())
    await poll(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, f"insufficient_rights_{ENTRY_ID}")
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"insufficient_rights_{ENTRY_ID}") is None
    assert ENTRY_ID not in hass.data.get(BOX_GUARDS, {})


async def test_setup_wrong_password(
    hass: HomeAssistant, box: FritzBoxSimulator, mock_config_entry: MockConfigEntry
) -> None:
    """A rejected login at set-up asks for new credentials instead of retrying."""
    box.state.users[USERNAME] = BoxUser(USERNAME, "changed-on-the-box")
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    assert len(reauth_flows(hass)) == 1
