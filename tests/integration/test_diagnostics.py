"""Diagnostics: entry, device, capabilities, snapshot and counters, and not one secret."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from homeassistant.components.diagnostics import REDACTED
from homeassistant.config_entries import ConfigEntryState
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from syrupy.matchers import path_type

from custom_components.fritzbox_remote_access.const import DOMAIN
from custom_components.fritzbox_remote_access.diagnostics import mask, mask_udn
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
    poll,
)

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import issue_registry as ir
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
    from syrupy.assertion import SnapshotAssertion

# Clearly fake secrets the box holds besides the login (conftest's USERNAME and PASSWORD).
DDNS_USERNAME = "ddns-user"
DDNS_PASSWORD = "fake-ddns-Secret-42"
DDNS_DOMAIN = "home.example.org"
UPDATE_URL = f"https://{DDNS_USERNAME}:{DDNS_PASSWORD}@dynv6.com/api/update?hostname=<domain>"
# The UUID's last group; on real boxes it holds the MAC address.
UDN_TAIL = UDN.rsplit("-", 1)[1]


def _secrets(box: FritzBoxSimulator) -> list[str]:
    return [
        USERNAME,
        PASSWORD,
        DDNS_USERNAME,
        DDNS_PASSWORD,
        DDNS_DOMAIN,
        UPDATE_URL,
        "dynv6.com/api/update",
        box.serial_number,
        box.serial_number[4:],
        UDN,
        UDN_TAIL,
    ]


def _give_secrets(box: FritzBoxSimulator) -> None:
    ddns = box.state.ddns
    ddns.username = DDNS_USERNAME
    ddns.password = DDNS_PASSWORD
    ddns.domain = DDNS_DOMAIN
    ddns.update_url = UPDATE_URL


async def _download(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> str:
    """The whole file a user would attach to a bug report, Home Assistant's parts included."""
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_client()
    response = await client.get(f"/api/diagnostics/config_entry/{entry.entry_id}")
    assert response.status == HTTPStatus.OK
    return await response.text()


def _assert_no_secrets(text: str, box: FritzBoxSimulator) -> None:
    for secret in _secrets(box):
        assert secret.lower() not in text.lower(), secret


def test_mask() -> None:
    """Serial: first four kept; UDN: the UUID's first eight; lengths unchanged."""
    assert mask("AB12CD34EF56", 4) == "AB12********"
    assert mask("AB", 4) == "AB"
    assert mask_udn("uuid:739f2409-bccb-40e7-8e6c-3431c4a1b2c3") == (
        "uuid:739f2409****************************"
    )
    assert mask_udn("739f2409-bccb") == "739f2409*****"


@pytest.mark.parametrize("box_config", PROFILES)
async def test_diagnostics_snapshot(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Entry, device, capabilities (profile, actions, modes), snapshot and counters."""
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    # The simulator's port is ephemeral; the uptime is what the box said at set-up.
    assert diagnostics == snapshot(
        matcher=path_type({"entry.data.port": (int,), "device.uptime": (int,)})
    )
    assert diagnostics["device"]["serial_number"] == mask(box.serial_number, 4)
    assert diagnostics["client"]["failures"] == 0


async def test_no_secrets_anywhere(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The whole download, with a repair issue and a failed poll on record, shows no secret."""
    _give_secrets(box)
    await poll(hass, freezer)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics["data"]["ddns"]["update_url"] == REDACTED
    assert diagnostics["data"]["ddns"]["domain"] == REDACTED
    assert diagnostics["data"]["ddns"]["username"] == REDACTED
    assert diagnostics["data"]["remote_access"]["username"] == REDACTED
    assert diagnostics["entry"]["data"]["username"] == REDACTED
    assert diagnostics["entry"]["data"]["password"] == REDACTED
    _assert_no_secrets(await _download(hass, hass_client, init_integration), box)

    # A user without rights: a poll fails and an issue joins the download (Home Assistant
    # adds the integration's issues itself, unredacted).
    box.state.users[USERNAME] = BoxUser(USERNAME, PASSWORD, rights=frozenset())
    await poll(hass, freezer)
    text = await _download(hass, hass_client, init_integration)
    assert f"insufficient_rights_{ENTRY_ID}" in text
    _assert_no_secrets(text, box)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics["coordinator"]["last_update_success"] is False
    assert diagnostics["coordinator"]["last_error"] == {
        "type": "UpdateFailed",
        "translation_key": "insufficient_rights_app",
    }
    assert diagnostics["client"]["failures"] == 2  # both reads of the poll, sent at once


async def test_refused_certificate(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    box_factory: BoxFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A TLS entry whose box changed its certificate: the block shows, still no secrets.

    No frozen clock here: certificates made under freezegun's fake datetime first would
    break cryptography's date handling for later tests.
    """
    box = await box_factory(tls=True)
    _give_secrets(box)
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
    pinned = box.certificate_fingerprint

    box.swap_certificate()
    box.reboot(0)  # a real box restarts its TLS server: kept-alive connections end
    await box.end_reboot()
    await entry.runtime_data.async_refresh()
    assert issue_registry.async_get_issue(DOMAIN, f"certificate_mismatch_{ENTRY_ID}")

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    # The fingerprint is no secret; it helps to see which certificate is pinned.
    assert diagnostics["entry"]["data"]["certificate_fingerprint"] == pinned
    assert diagnostics["coordinator"]["certificate_rejected"] is True
    assert diagnostics["coordinator"]["last_error"]["translation_key"] == "certificate_mismatch"
    _assert_no_secrets(await _download(hass, hass_client, entry), box)


async def test_entry_not_loaded(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    box: FritzBoxSimulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Before a successful set-up only the entry is known, and still nothing secret."""
    box.reboot(3600)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.reason

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry)
    assert diagnostics == {
        "entry": {
            "title": TITLE,
            "unique_id": mask_udn(UDN),
            "state": "setup_retry",
            "reason": mock_config_entry.reason,
            "data": {
                "host": box.host,
                "port": box.port,
                "username": REDACTED,
                "password": REDACTED,
                "use_tls": False,
                "certificate_fingerprint": None,
            },
        },
    }
    _assert_no_secrets(await _download(hass, hass_client, mock_config_entry), box)
