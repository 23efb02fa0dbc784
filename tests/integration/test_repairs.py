"""Repairs end to end: missing rights, and a changed TLS certificate accepted by the user."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from homeassistant.components.repairs import DOMAIN as REPAIRS_DOMAIN
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_PORT,
    SERVICE_TURN_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.fritzbox_remote_access.const import CONF_FINGERPRINT, DOMAIN
from custom_components.fritzbox_remote_access.repairs import (
    async_create_fix_flow,
    display_fingerprint,
)
from fritzbox_simulator import BoxUser, FritzBoxSimulator
from fritzbox_simulator.tls import make_self_signed

from .conftest import ENTRY_ID, PASSWORD, TITLE, UDN, USERNAME, BoxFactory, entry_data, poll

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import (
        ClientSessionGenerator,
        WebSocketGenerator,
    )

STATUS_IPV4 = "sensor.fritz_box_7590_dynamic_dns_status_ipv4"
REMOTE_ACCESS = "switch.fritz_box_7590_remote_access"
RIGHTS_ISSUE = f"insufficient_rights_{ENTRY_ID}"
CERTIFICATE_ISSUE = f"certificate_mismatch_{ENTRY_ID}"


@pytest.fixture(autouse=True)
def _certificate_with_real_clock() -> None:
    """Make one certificate before any test freezes the clock.

    cryptography remembers the datetime type of the first certificate made in the process;
    if that were freezegun's fake one, certificates made with the real clock would fail later.
    """
    make_self_signed()


@pytest.fixture(autouse=True)
async def _repairs(hass: HomeAssistant) -> None:
    """Home Assistant's repairs integration: issue list and fix flows (HTTP and websocket)."""
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})


async def active_issues(
    hass_ws_client: WebSocketGenerator, hass: HomeAssistant
) -> dict[str, dict[str, Any]]:
    """Our issues as the frontend lists them, by issue id."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "repairs/list_issues"})
    response = await client.receive_json()
    assert response["success"]
    return {
        issue["issue_id"]: issue
        for issue in response["result"]["issues"]
        if issue["domain"] == DOMAIN
    }


async def start_fix_flow(client: Any, issue_id: str) -> dict[str, Any]:
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def submit_fix_flow(client: Any, flow_id: str) -> dict[str, Any]:
    response = await client.post(f"/api/repairs/issues/fix/{flow_id}", json={})
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def texts(hass: HomeAssistant, language: str) -> dict[str, str]:
    return await async_get_translations(hass, language, "issues", [DOMAIN])


# --- missing rights (606) ----------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.usefixtures("init_integration")
async def test_missing_rights_issue(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    box: FritzBoxSimulator,
    freezer: FrozenDateTimeFactory,
    language: str,
) -> None:
    """606: an issue that names the right to grant; it clears itself once a poll succeeds."""
    assert await active_issues(hass_ws_client, hass) == {}

    box.state.users[USERNAME] = BoxUser(USERNAME, PASSWORD, rights=frozenset())
    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == STATE_UNAVAILABLE
    issue = (await active_issues(hass_ws_client, hass))[RIGHTS_ISSUE]
    assert issue["translation_key"] == "insufficient_rights"
    assert issue["severity"] == ir.IssueSeverity.ERROR
    assert issue["is_fixable"] is False
    assert issue["translation_placeholders"] == {"title": TITLE}

    # The text Home Assistant shows names the rights to grant.
    base = f"component.{DOMAIN}.issues.insufficient_rights"
    description = (await texts(hass, language))[f"{base}.description"]
    rights = {
        "en": ['"Restricted FRITZ!Box settings for apps"', '"FRITZ!Box settings"'],
        "de": ["„Eingeschränkte FRITZ!Box Einstellungen für Apps“", "„FRITZ!Box Einstellungen“"],
    }[language]
    for right in rights:
        assert right in description
    assert "System > FRITZ!Box" in description

    # Still no rights: the issue stays.
    await poll(hass, freezer)
    assert RIGHTS_ISSUE in await active_issues(hass_ws_client, hass)

    # The right granted on the box: the next poll succeeds and the issue is gone.
    box.state.users[USERNAME] = BoxUser(USERNAME, PASSWORD, rights=frozenset({"A"}))
    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state == "updated"
    assert await active_issues(hass_ws_client, hass) == {}


# --- changed TLS certificate -------------------------------------------------------------


class ConnectionCounter:
    """A TCP relay in front of the box's TLS port that counts connections.

    The request log sees requests only; a refused certificate ends the connection during the
    TLS handshake, before any request. Counting TCP connections shows that not even a
    handshake was tried.
    """

    def __init__(self, target_port: int) -> None:
        self._target_port = target_port
        self._server: asyncio.Server | None = None
        self.port = 0
        self.connections = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        self._server.close_clients()
        await self._server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            box_reader, box_writer = await asyncio.open_connection("127.0.0.1", self._target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, box_writer), _pipe(box_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()


@dataclass(slots=True)
class TlsSetup:
    """A TLS box, the connection counter in front of it and an entry pinned to it."""

    box: FritzBoxSimulator
    counter: ConnectionCounter
    entry: MockConfigEntry


@pytest.fixture
async def tls(hass: HomeAssistant, box_factory: BoxFactory) -> AsyncIterator[TlsSetup]:
    """An entry pinned to the certificate the box presents now, connecting via the counter."""
    box = await box_factory(tls=True)
    assert box.tls_port is not None
    counter = ConnectionCounter(box.tls_port)
    await counter.start()
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=TITLE,
        unique_id=UDN,
        entry_id=ENTRY_ID,
        data={**entry_data(box, use_tls=True), CONF_PORT: counter.port},
    )
    entry.add_to_hass(hass)
    yield TlsSetup(box, counter, entry)
    await counter.stop()


@pytest.fixture
async def loaded_tls(hass: HomeAssistant, tls: TlsSetup) -> TlsSetup:
    """The TLS entry, set up."""
    assert await hass.config_entries.async_setup(tls.entry.entry_id)
    await hass.async_block_till_done()
    assert tls.entry.state is ConfigEntryState.LOADED
    return tls


async def new_certificate(box: FritzBoxSimulator) -> str:
    """The box makes a new certificate and restarts its server, ending kept-alive links."""
    fingerprint = box.swap_certificate()
    box.reboot(0)
    await box.end_reboot()
    return fingerprint


async def test_certificate_fix_flow(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
    loaded_tls: TlsSetup,
    freezer: FrozenDateTimeFactory,
) -> None:
    """New certificate: issue, silence towards the box, confirm, pinned, reloaded, polling."""
    box, counter, entry = loaded_tls.box, loaded_tls.counter, loaded_tls.entry
    issue_registry = ir.async_get(hass)
    old_fingerprint = entry.data[CONF_FINGERPRINT]
    assert old_fingerprint == box.certificate_fingerprint
    old_coordinator = entry.runtime_data
    new_fingerprint = await new_certificate(box)
    assert new_fingerprint != old_fingerprint

    # The next poll meets the new certificate: a fixable issue carrying it. The handshake
    # ends there: no request, so no login, reaches the box with the other certificate.
    box.log.clear()
    await poll(hass, freezer)
    assert box.log.entries == []
    assert hass.states.get(STATUS_IPV4).state == STATE_UNAVAILABLE
    assert hass.states.get(REMOTE_ACCESS).state == STATE_UNAVAILABLE
    listed = (await active_issues(hass_ws_client, hass))[CERTIFICATE_ISSUE]
    assert listed["is_fixable"] is True
    assert listed["severity"] == ir.IssueSeverity.ERROR
    issue = issue_registry.async_get_issue(DOMAIN, CERTIFICATE_ISSUE)
    assert issue is not None
    assert issue.data == {
        "entry_id": ENTRY_ID,
        "fingerprint": new_fingerprint,
        "pinned": old_fingerprint,
    }
    assert old_coordinator.last_exception.translation_key == "certificate_mismatch"

    # Until the user decides nothing reaches the box: no request, not even a handshake.
    box.log.clear()
    connections = counter.connections
    requests = old_coordinator.client.stats.requests
    for _ in range(5):
        await poll(hass, freezer, seconds=300)
        assert hass.states.get(STATUS_IPV4).state == STATE_UNAVAILABLE
    assert box.log.entries == []
    assert counter.connections == connections
    assert old_coordinator.client.stats.requests == requests
    assert old_coordinator.last_exception.translation_key == "certificate_mismatch"
    assert entry.data[CONF_FINGERPRINT] == old_fingerprint

    # The fix flow shows the new fingerprint ...
    client = await hass_client()
    result = await start_fix_flow(client, CERTIFICATE_ISSUE)
    assert result["type"] == "form"
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"] == {
        "title": TITLE,
        "fingerprint": display_fingerprint(new_fingerprint),
    }
    description = (await texts(hass, "en"))[
        f"component.{DOMAIN}.issues.certificate_mismatch.fix_flow.step.confirm.description"
    ]
    shown = description.format(**result["description_placeholders"])
    assert display_fingerprint(new_fingerprint) in shown
    assert box.log.entries == []  # showing it sends nothing either
    assert counter.connections == connections

    # ... and pins it once confirmed; the entry reloads and polls again.
    result = await submit_fix_flow(client, result["flow_id"])
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert entry.data[CONF_FINGERPRINT] == new_fingerprint
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not old_coordinator
    assert issue_registry.async_get_issue(DOMAIN, CERTIFICATE_ISSUE) is None
    assert hass.states.get(STATUS_IPV4).state == "updated"
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON

    box.log.clear()
    await poll(hass, freezer)
    assert [(e.action, e.status) for e in box.log.entries] == [
        ("GetInfo", 200),
        ("GetDDNSInfo", 200),
    ]
    assert await active_issues(hass_ws_client, hass) == {}


def test_display_fingerprint() -> None:
    """Pairs of upper-case hex digits, as certificate viewers show them."""
    assert display_fingerprint("ab01" + "cd" * 30) == "AB:01:" + ":".join(["CD"] * 30)


async def test_action_meets_new_certificate(
    hass: HomeAssistant, loaded_tls: TlsSetup, freezer: FrozenDateTimeFactory
) -> None:
    """A switch, not a poll, is first to meet the new certificate: same issue, same silence."""
    box, counter, entry = loaded_tls.box, loaded_tls.counter, loaded_tls.entry
    new_fingerprint = await new_certificate(box)
    box.log.clear()
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: REMOTE_ACCESS}, blocking=True
        )
    assert raised.value.translation_key == "certificate_mismatch"
    assert box.log.entries == []
    assert box.state.remote_access_enabled is True
    issue = ir.async_get(hass).async_get_issue(DOMAIN, CERTIFICATE_ISSUE)
    assert issue is not None
    assert issue.data is not None
    assert issue.data["fingerprint"] == new_fingerprint
    # Unavailable at once, not only after the next poll.
    assert hass.states.get(REMOTE_ACCESS).state == STATE_UNAVAILABLE

    box.log.clear()
    connections = counter.connections
    await poll(hass, freezer)
    assert box.log.entries == []

    # A write while blocked is refused before anything is sent.
    coordinator = entry.runtime_data
    requests = coordinator.client.stats.requests
    switch = hass.data["entity_components"][SWITCH_DOMAIN].get_entity(REMOTE_ACCESS)
    with pytest.raises(HomeAssistantError) as raised:
        await switch.async_turn_off()
    assert raised.value.translation_key == "certificate_mismatch"
    assert coordinator.client.stats.requests == requests
    assert box.log.entries == []
    assert counter.connections == connections


async def test_certificate_changed_before_setup(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    tls: TlsSetup,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Refused at set-up: retries send nothing; accepting the certificate sets the entry up."""
    box, counter, entry = tls.box, tls.counter, tls.entry
    new_fingerprint = await new_certificate(box)
    box.log.clear()
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert box.log.entries == []
    assert "another TLS certificate" in (entry.reason or "")
    assert ir.async_get(hass).async_get_issue(DOMAIN, CERTIFICATE_ISSUE) is not None

    # Home Assistant keeps retrying the set-up; none of the retries reaches the box.
    box.log.clear()
    connections = counter.connections
    for _ in range(6):
        await poll(hass, freezer, seconds=120)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert box.log.entries == []
    assert counter.connections == connections

    client = await hass_client()
    result = await start_fix_flow(client, CERTIFICATE_ISSUE)
    result = await submit_fix_flow(client, result["flow_id"])
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert entry.data[CONF_FINGERPRINT] == new_fingerprint
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(STATUS_IPV4).state == "updated"


async def test_certificate_reconfigure_ends_block(
    hass: HomeAssistant, loaded_tls: TlsSetup, freezer: FrozenDateTimeFactory
) -> None:
    """Reconfiguring pins the certificate seen then; the block belongs to the old pin."""
    box, entry = loaded_tls.box, loaded_tls.entry
    new_fingerprint = await new_certificate(box)
    await poll(hass, freezer)
    assert ir.async_get(hass).async_get_issue(DOMAIN, CERTIFICATE_ISSUE) is not None

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": box.host, "port": box.tls_port, "use_tls": True}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_FINGERPRINT] == new_fingerprint
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(STATUS_IPV4).state == "updated"
    assert ir.async_get(hass).async_get_issue(DOMAIN, CERTIFICATE_ISSUE) is None


@pytest.mark.parametrize("change", ["removed", "reconfigured"])
async def test_fix_flow_outdated(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_tls: TlsSetup,
    freezer: FrozenDateTimeFactory,
    change: str,
) -> None:
    """The entry went away or pins another certificate while the dialog was open: abort."""
    entry = loaded_tls.entry
    await new_certificate(loaded_tls.box)
    await poll(hass, freezer)
    client = await hass_client()
    result = await start_fix_flow(client, CERTIFICATE_ISSUE)
    assert result["type"] == "form"

    if change == "removed":
        assert await hass.config_entries.async_remove(entry.entry_id)
    else:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_FINGERPRINT: "ef" * 32}
        )
    await hass.async_block_till_done()

    result = await submit_fix_flow(client, result["flow_id"])
    assert result["type"] == "abort"
    assert result["reason"] == "outdated"
    if change == "reconfigured":
        assert entry.data[CONF_FINGERPRINT] == "ef" * 32


async def test_fix_flow_without_fingerprint(hass: HomeAssistant) -> None:
    """Issue data without a certificate to pin (never written so) aborts, pinning nothing."""
    flow = await async_create_fix_flow(hass, CERTIFICATE_ISSUE, None)
    flow.hass = hass
    result = await flow.async_step_init()
    assert result["type"] == "abort"
    assert result["reason"] == "outdated"


async def test_no_fix_flow_for_other_issues(hass: HomeAssistant) -> None:
    """Only the certificate issue is fixable."""
    with pytest.raises(ValueError, match="No fix flow"):
        await async_create_fix_flow(hass, RIGHTS_ISSUE, {"entry_id": ENTRY_ID})
