"""Every path of the config flow, against the simulator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import SOURCE_SSDP, SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.ssdp import (
    ATTR_UPNP_FRIENDLY_NAME,
    ATTR_UPNP_MODEL_NAME,
    ATTR_UPNP_UDN,
    SsdpServiceInfo,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.fritzbox_remote_access.config_flow import _connection
from custom_components.fritzbox_remote_access.const import (
    CONF_FINGERPRINT,
    CONF_USE_TLS,
    DOMAIN,
)
from fritzbox_simulator import BoxUser, FritzBoxSimulator

from .conftest import PASSWORD, TITLE, UDN, USERNAME, BoxFactory, entry_data

if TYPE_CHECKING:
    from collections.abc import Generator

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

ST_TR064 = "urn:dslforum-org:device:InternetGatewayDevice:1"
ST_FRITZBOX = "urn:schemas-upnp-org:device:fritzbox:1"
OTHER_UDN = "uuid:11111111-2222-3333-4444-555555555555"


@pytest.fixture
def mock_setup_entry() -> Generator[AsyncMock]:
    """Keep created entries from setting up: these tests are about the flow."""
    with patch(
        "custom_components.fritzbox_remote_access.async_setup_entry", return_value=True
    ) as mock:
        yield mock


def user_input(sim: FritzBoxSimulator, **overrides: Any) -> dict[str, Any]:
    """What a user types for the simulator."""
    values: dict[str, Any] = {
        CONF_HOST: sim.host,
        CONF_PORT: sim.port,
        CONF_USERNAME: USERNAME,
        CONF_PASSWORD: PASSWORD,
        CONF_USE_TLS: False,
    }
    values.update(overrides)
    return values


def ssdp_info(
    sim: FritzBoxSimulator,
    *,
    st: str = ST_TR064,
    location: str | None = None,
    udn: str | None = UDN,
) -> SsdpServiceInfo:
    """An SSDP answer as the box sends it for ``st``."""
    return SsdpServiceInfo(
        ssdp_usn=f"{udn}::{st}",
        ssdp_st=st,
        ssdp_location=location or f"http://{sim.host}:{sim.port}/tr64desc.xml",
        ssdp_udn=udn,
        upnp={
            ATTR_UPNP_FRIENDLY_NAME: "FRITZ!Box 7590",
            ATTR_UPNP_MODEL_NAME: "FRITZ!Box 7590",
            ATTR_UPNP_UDN: udn,
        },
    )


# --- user step ------------------------------------------------------------------------------


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """The user types address and login; the entry is named after the model."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    schema = result["data_schema"]
    assert schema is not None
    assert schema({CONF_USERNAME: "u", CONF_PASSWORD: "p", CONF_HOST: "h"}) == {
        CONF_HOST: "h",
        CONF_USERNAME: "u",
        CONF_PASSWORD: "p",
        CONF_USE_TLS: False,
    }
    # The default address of a FRITZ!Box is offered.
    host_key = next(key for key in schema.schema if key == CONF_HOST)
    assert host_key.description == {"suggested_value": "192.168.178.1"}

    box.log.clear()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(box))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == TITLE
    assert result["result"].unique_id == box.udn
    assert result["data"] == entry_data(box)
    # The flow read DeviceInfo and called GetInfo before creating the entry.
    assert box.log.count(action="GetInfo", status=200) == 2


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_tls_pins_certificate(hass: HomeAssistant, box_factory: BoxFactory) -> None:
    """With TLS the fingerprint seen at creation is stored for pinning."""
    box = await box_factory(tls=True)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(box, **{CONF_PORT: box.tls_port, CONF_USE_TLS: True})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert box.certificate_fingerprint
    assert result["data"][CONF_FINGERPRINT] == box.certificate_fingerprint
    assert result["data"][CONF_USE_TLS] is True
    assert result["data"][CONF_PORT] == box.tls_port


@pytest.mark.parametrize(("use_tls", "port"), [(False, 49000), (True, 49443)], ids=["plain", "tls"])
def test_default_port(use_tls: bool, port: int) -> None:
    """An empty port field means TR-064's default port for the chosen transport."""
    assert _connection({CONF_HOST: " fritz.box ", CONF_USE_TLS: use_tls}) == {
        CONF_HOST: "fritz.box",
        CONF_PORT: port,
        CONF_USE_TLS: use_tls,
    }
    assert (
        _connection({CONF_HOST: "fritz.box", CONF_PORT: 8443.0, CONF_USE_TLS: use_tls})[CONF_PORT]
        == 8443
    )


async def test_user_flow_empty_port(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """The port is optional in the form (the login is refused before anything is sent)."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    values = user_input(box, **{CONF_USERNAME: "ha:user"})
    del values[CONF_PORT]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], values)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert box.log.entries == []


async def _user_error(hass: HomeAssistant, values: dict[str, Any]) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], values)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return str(result["errors"]["base"])


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_recovers_after_error(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """A wrong password shows invalid_auth; the right one then creates the entry."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(box, **{CONF_PASSWORD: "wrong-fake-password"})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(box))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_cannot_connect(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """A rebooting box refuses connections."""
    box.reboot(3600)
    assert await _user_error(hass, user_input(box)) == "cannot_connect"


async def test_user_flow_username_with_colon(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """HTTP digest cannot carry a ':' in the username; nothing is sent."""
    assert await _user_error(hass, user_input(box, **{CONF_USERNAME: "ha:user"})) == (
        "invalid_auth"
    )
    assert box.log.entries == []


async def test_user_flow_tr064_disabled(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """'Allow access for applications' switched off: every action is 401 Invalid Action."""
    box.faults.app_access_disabled = True
    assert await _user_error(hass, user_input(box)) == "tr064_disabled"


async def test_user_flow_tr064_description_missing(
    hass: HomeAssistant, box_factory: BoxFactory
) -> None:
    """TR-064 switched off so that the box serves no description (404): nothing else is tried."""
    box = await box_factory(tr064_enabled=False)
    box.log.clear()
    assert await _user_error(hass, user_input(box)) == "tr064_disabled"
    assert [(entry.path, entry.status) for entry in box.log.entries] == [("/tr64desc.xml", 404)]


async def test_user_flow_unknown_error(
    hass: HomeAssistant, box: FritzBoxSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """An answer nobody can parse is logged and shown as unknown."""
    box.faults.malformed_xml = True
    assert await _user_error(hass, user_input(box)) == "unknown"
    assert "Unexpected answer from the box" in caplog.text


@pytest.mark.parametrize(
    "box_config",
    [{"users": (BoxUser(USERNAME, PASSWORD, rights=frozenset()),)}],
    ids=["no_rights"],
)
async def test_user_flow_insufficient_rights(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """A user without any right gets 606 even for reading."""
    assert await _user_error(hass, user_input(box)) == "insufficient_rights"


@pytest.mark.parametrize("box_config", [{"lockout_threshold": 1}], ids=["threshold_1"])
async def test_user_flow_login_blocked(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """After too many failed logins the box answers 503."""
    bad = user_input(box, **{CONF_PASSWORD: "wrong-fake-password"})
    assert await _user_error(hass, bad) == "invalid_auth"
    assert await _user_error(hass, user_input(box)) == "login_blocked"
    assert box.log.count(status=503) >= 1


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_already_configured(
    hass: HomeAssistant, box: FritzBoxSimulator, mock_config_entry: MockConfigEntry
) -> None:
    """The same box (by UDN) cannot be added twice, even under another address."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    box.log.clear()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(box, **{CONF_PASSWORD: "not-even-checked"})
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    # Recognised from the description alone: no login was tried.
    assert box.log.count(path="/upnp/control/deviceinfo") == 0


# --- SSDP -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("mock_setup_entry")
async def test_ssdp_new_box(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """A discovered box asks for the login, with the model in the title."""
    box.log.clear()
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=ssdp_info(box)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"] == {"name": TITLE, "host": box.host}
    flows = hass.config_entries.flow.async_progress()
    assert flows[0]["context"]["title_placeholders"] == {"name": TITLE}
    assert flows[0]["context"]["unique_id"] == UDN
    # The TR-064 search target carries the UDN: nothing was asked of the box yet.
    assert box.log.entries == []

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: "wrong-fake-password"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == TITLE
    assert result["result"].unique_id == UDN
    assert result["data"] == entry_data(box)


@pytest.mark.usefixtures("mock_setup_entry")
async def test_ssdp_fritzbox_search_target(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """The device HA's FRITZ!Box integrations find has another UDN; tr64desc.xml tells ours."""
    info = ssdp_info(
        box,
        st=ST_FRITZBOX,
        udn=OTHER_UDN,
        location=f"http://{box.host}:{box.port}/fboxdesc.xml",
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=info
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    assert hass.config_entries.flow.async_progress()[0]["context"]["unique_id"] == UDN
    # Read without credentials.
    assert box.log.count(path="/tr64desc.xml", status=200) == 1
    assert box.log.count(path="/upnp/control/deviceinfo") == 0

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == UDN


async def test_ssdp_fritzbox_search_target_unreachable(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """Without the TR-064 description the box cannot be identified."""
    box.reboot(3600)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=ssdp_info(box, st=ST_FRITZBOX, udn=None)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


@pytest.mark.parametrize(
    "location",
    [
        "http://[fe80::3631:c4ff:fea1:b2c3]:49000/tr64desc.xml",
        "http://169.254.12.34:49000/tr64desc.xml",
    ],
    ids=["ipv6", "ipv4"],
)
@pytest.mark.parametrize("st", [ST_TR064, ST_FRITZBOX])
async def test_ssdp_link_local_ignored(
    hass: HomeAssistant, box: FritzBoxSimulator, location: str, st: str
) -> None:
    """Link-local addresses change and are scoped to one interface: ignored."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=ssdp_info(box, st=st, location=location)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "ignore_link_local"


async def test_ssdp_without_location(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """An answer without a usable LOCATION cannot be followed."""
    info = ssdp_info(box)
    info.ssdp_location = None
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_host"


@pytest.mark.parametrize(
    ("usn", "reads_description"),
    [(f"{UDN}::{ST_TR064}", False), ("not-a-uuid", True)],
    ids=["udn_from_usn", "no_udn_at_all"],
)
async def test_ssdp_udn_sources(
    hass: HomeAssistant, box: FritzBoxSimulator, usn: str, reads_description: bool
) -> None:
    """Without ssdp_udn the USN tells the UDN; without both, tr64desc.xml does."""
    info = ssdp_info(box, udn=None)
    info.ssdp_usn = usn
    info.upnp = {ATTR_UPNP_MODEL_NAME: TITLE}
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=info
    )
    assert result["type"] is FlowResultType.FORM
    assert hass.config_entries.flow.async_progress()[0]["context"]["unique_id"] == UDN
    assert (box.log.count(path="/tr64desc.xml") == 1) is reads_description


async def test_ssdp_host_name(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """A host name in LOCATION is kept as it is."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_SSDP},
        data=ssdp_info(box, location="http://fritz.box:49000/tr64desc.xml"),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["description_placeholders"] == {"name": TITLE, "host": "fritz.box"}


async def test_ssdp_without_model(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """Without a model in the description the title says FRITZ!Box."""
    info = ssdp_info(box)
    info.upnp = {}
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=info
    )
    assert result["type"] is FlowResultType.FORM
    assert result["description_placeholders"] == {"name": "FRITZ!Box", "host": box.host}


@pytest.mark.parametrize("st", [ST_TR064, ST_FRITZBOX])
async def test_ssdp_known_box_new_address(
    hass: HomeAssistant, box: FritzBoxSimulator, mock_config_entry: MockConfigEntry, st: str
) -> None:
    """A known box at a new address: the entry follows it, reloads and the flow aborts."""
    # The entry still points where the box used to be (its old port is closed now).
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, CONF_PORT: 9}
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=ssdp_info(box, st=st, udn=UDN)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert mock_config_entry.data[CONF_PORT] == box.port
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED


async def test_ssdp_known_tls_box_keeps_port(hass: HomeAssistant, box_factory: BoxFactory) -> None:
    """SSDP announces the plain port; a TLS entry only takes the new address."""
    box = await box_factory(tls=True)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=TITLE,
        unique_id=UDN,
        data={**entry_data(box, use_tls=True), CONF_HOST: "192.0.2.1"},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=ssdp_info(box)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == box.host
    assert entry.data[CONF_PORT] == box.tls_port


async def test_ssdp_already_in_progress(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """The box answers for both search targets; one flow is enough."""
    first = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=ssdp_info(box)
    )
    assert first["type"] is FlowResultType.FORM
    second = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=ssdp_info(box, st=ST_FRITZBOX, udn=None)
    )
    assert second["type"] is FlowResultType.ABORT
    assert second["reason"] == "already_in_progress"


# --- re-authentication ----------------------------------------------------------------------


async def test_reauth(
    hass: HomeAssistant, box: FritzBoxSimulator, mock_config_entry: MockConfigEntry
) -> None:
    """New credentials are checked against the same box, stored, and the entry reloads."""
    mock_config_entry.add_to_hass(hass)
    new_password = "another-fake-password"
    box.state.users[USERNAME] = BoxUser(USERNAME, new_password)

    result = await mock_config_entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"] == {"name": TITLE, "host": box.host}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: new_password}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert mock_config_entry.data[CONF_PASSWORD] == new_password
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED


async def test_reauth_wrong_device(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """Credentials for another box must not end up in this entry."""
    entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=OTHER_UDN, data=entry_data(box))
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    assert entry.data[CONF_PASSWORD] == PASSWORD


async def test_reauth_certificate_changed(hass: HomeAssistant, box_factory: BoxFactory) -> None:
    """A pinned certificate stays pinned while re-authenticating."""
    box = await box_factory(tls=True)
    entry = MockConfigEntry(
        domain=DOMAIN, title=TITLE, unique_id=UDN, data=entry_data(box, use_tls=True)
    )
    entry.add_to_hass(hass)
    box.swap_certificate()
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "certificate_changed"}


# --- reconfiguration ------------------------------------------------------------------------


async def test_reconfigure(
    hass: HomeAssistant, box_factory: BoxFactory, mock_config_entry: MockConfigEntry
) -> None:
    """Switching to TLS on the same box pins the certificate it presents now."""
    box = await box_factory(tls=True)
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, data=entry_data(box))

    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {"name": TITLE}
    # The current, non-default port is offered.
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested == {CONF_HOST: box.host, CONF_PORT: box.port, CONF_USE_TLS: False}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: box.host, CONF_PORT: box.tls_port, CONF_USE_TLS: True}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data == {
        **entry_data(box, use_tls=True),
        CONF_FINGERPRINT: box.certificate_fingerprint,
    }
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_default_port_not_prefilled(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """A default port stays empty, so that switching TLS picks the other default."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=TITLE, unique_id=UDN, data={**entry_data(box), CONF_PORT: 49000}
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    suggested = {str(key) for key in result["data_schema"].schema if key.description}
    assert suggested == {CONF_HOST, CONF_USE_TLS}


async def test_reconfigure_wrong_device(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """Pointing an entry at another box is refused."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=TITLE,
        unique_id=OTHER_UDN,
        data={**entry_data(box), CONF_HOST: "192.0.2.1"},
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: box.host, CONF_PORT: box.port, CONF_USE_TLS: False}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    assert entry.data[CONF_HOST] == "192.0.2.1"


async def test_reconfigure_cannot_connect(
    hass: HomeAssistant, box: FritzBoxSimulator, mock_config_entry: MockConfigEntry
) -> None:
    """An unreachable address keeps the form open with an error."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    box.reboot(3600)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: box.host, CONF_PORT: box.port, CONF_USE_TLS: False}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_forms_reach_the_frontend(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    box: FritzBoxSimulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """The forms serialise for the frontend (selectors, optional port, defaults)."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_client()
    response = await client.post(
        "/api/config/config_entries/flow", json={"handler": DOMAIN, "show_advanced_options": False}
    )
    assert response.status == 200
    form = await response.json()
    fields = {field["name"]: field for field in form["data_schema"]}
    assert list(fields) == [CONF_HOST, CONF_PORT, CONF_USE_TLS, CONF_USERNAME, CONF_PASSWORD]
    assert fields[CONF_HOST]["required"] is True
    assert fields[CONF_PORT]["optional"] is True
    assert fields[CONF_PORT]["selector"]["number"]["max"] == 65535
    assert fields[CONF_PASSWORD]["selector"]["text"]["type"] == "password"
    assert fields[CONF_USE_TLS]["default"] is False

    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    response = await client.get(f"/api/config/config_entries/flow/{result['flow_id']}")
    assert response.status == 200
    form = await response.json()
    assert [field["name"] for field in form["data_schema"]] == [
        CONF_HOST,
        CONF_PORT,
        CONF_USE_TLS,
    ]
