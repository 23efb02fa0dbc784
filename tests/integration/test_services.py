"""Service actions against the simulated box: what they write, what they refuse, and when.

Every refusal is checked on the simulator's own request log. Arguments that are wrong on their
own are refused by the schema; settings that would be wrong are refused on the last poll's
snapshot and the provider list the integration keeps: no request at all, except the one read
of the provider list (GetDDNSProviders) while the entry does not know it yet. A write is
preceded by a fresh read (GetDDNSInfo, GetInfo) that is checked again; refusing on that read
costs that one request and still no write.
"""

from __future__ import annotations

from dataclasses import replace
import json
import logging
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any, cast

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_CONFIG_ENTRY_ID, CONF_PASSWORD
from homeassistant.core import Context
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from custom_components.fritzbox_remote_access import services, validation
from custom_components.fritzbox_remote_access.const import DOMAIN
from fritzbox_simulator import BoxUser, FritzBoxSimulator
from fritzbox_simulator.providers import provider_list
from fritzbox_simulator.soap import UPnPError

from .conftest import ENTRY_ID, PASSWORD, USERNAME, reauth_flows

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from homeassistant.core import HomeAssistant, ServiceResponse
    from pytest_homeassistant_custom_component.common import MockUser

    from custom_components.fritzbox_remote_access.coordinator import (
        FritzRemoteAccessCoordinator,
    )

PACKAGE = Path(services.__file__).parent
SET_DDNS = services.SERVICE_SET_DDNS_CONFIG
GET_PROVIDERS = services.SERVICE_GET_DDNS_PROVIDERS
SET_USER = services.SERVICE_SET_REMOTE_ACCESS_USER

DOMAIN_SENSOR = "sensor.fritz_box_7590_dynamic_dns_domain"
MODE_SENSOR = "sensor.fritz_box_7590_dynamic_dns_mode"
PORT_SENSOR = "sensor.fritz_box_7590_remote_access_port"

# Clearly fake secrets; the tests check that none of them shows up in a message or a log.
DDNS_PASSWORD = "fake-ddns-Secret-7"
NEW_PASSWORD = "fake-New-Passw0rd"
WEAK_PASSWORD = "onlyletters"
REMOTE_USER = "remote"
REMOTE_PASSWORD = "fake-Remote-Passw0rd"
SECRETS = (PASSWORD, DDNS_PASSWORD, NEW_PASSWORD, WEAK_PASSWORD, REMOTE_PASSWORD)

USER_URL = "https://ddns.example.org/nic/update?hostname=<domain>&myip=<ipaddr>"
IPV6_URL = "https://ddns.example.org/nic/update?hostname=<domain>&myip=<ip6addr>"

TR064_TLS_PORT = 49443  # the box's own TR-064 over HTTPS: not free for remote access
PROVIDERS = ["GetDDNSProviders"]  # read once per entry, on first need
REFRESH = ["GetInfo", "GetDDNSInfo"]
# A changed DDNS state makes the refresh read the external addresses too.
DDNS_REFRESH = [*REFRESH, "GetAppRemoteInfo"]


async def call(
    hass: HomeAssistant,
    service: str,
    data: dict[str, Any],
    *,
    entry_id: str | None = ENTRY_ID,
    context: Context | None = None,
) -> ServiceResponse:
    """Call one of our actions for the test entry, the way the frontend does."""
    if entry_id is not None:
        data = {ATTR_CONFIG_ENTRY_ID: entry_id, **data}
    return await hass.services.async_call(
        DOMAIN,
        service,
        data,
        blocking=True,
        context=context,
        return_response=service == GET_PROVIDERS,
    )


def actions(box: FritzBoxSimulator) -> list[str | None]:
    return [entry.action for entry in box.log.entries]


def assert_translated(err: HomeAssistantError, key: str) -> str:
    """Our domain and key; placeholders all filled; no secret anywhere. Returns the message."""
    assert err.translation_domain == DOMAIN
    assert err.translation_key == key
    message = str(err)
    assert message != key
    assert "{" not in message, message
    shown = f"{message} {err.translation_placeholders!r} {err!r}"
    for secret in SECRETS:
        assert secret not in shown
    return message


async def refused(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    service: str,
    data: dict[str, Any],
    key: str,
    *,
    sent: Sequence[str] = (),
) -> str:
    """A ServiceValidationError with ``key`` after exactly the reads ``sent``; returns its message.

    Nothing else reaches the box: in particular no write.
    """
    box.log.clear()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, service, data)
    assert actions(box) == list(sent)
    return assert_translated(err.value, key)


async def failed(
    hass: HomeAssistant, box: FritzBoxSimulator, service: str, data: dict[str, Any], key: str
) -> str:
    """A HomeAssistantError (not a validation error) with ``key``; returns its message."""
    box.log.clear()
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, service, data)
    assert not isinstance(err.value, ServiceValidationError)
    return assert_translated(err.value, key)


def coordinator(hass: HomeAssistant) -> FritzRemoteAccessCoordinator:
    entry = hass.config_entries.async_get_entry(ENTRY_ID)
    assert entry is not None
    return cast("FritzRemoteAccessCoordinator", entry.runtime_data)


async def change_box(hass: HomeAssistant, box: FritzBoxSimulator, **ddns: Any) -> None:
    """Change the box's DDNS settings, then poll: the snapshot shows the change."""
    for name, value in ddns.items():
        setattr(box.state.ddns, name, value)
    await coordinator(hass).async_refresh()


async def learn_providers(hass: HomeAssistant) -> None:
    """Let the entry know the provider list, as any earlier action needing it would."""
    await call(hass, GET_PROVIDERS, {})
    assert coordinator(hass).ddns_providers is not None


def offer_modes(box: FritzBoxSimulator, *modes: str) -> None:
    """Serve a RemoteAccess SCPD whose Mode allows only ``modes``, as firmware before 2022 does.

    The simulator has no option for this, so its served document is rewritten before the
    integration reads it; the box itself keeps accepting every mode.
    """
    documents = cast("dict[str, bytes]", box._handler._endpoints.documents)
    path = "/x_remoteSCPD.xml"
    allowed = "".join(f"<allowedValue>{mode}</allowedValue>" for mode in modes)
    scpd, count = re.subn(
        r"(<name>Mode</name>.*?<allowedValueList>).*?(</allowedValueList>)",
        lambda match: f"{match[1]}{allowed}{match[2]}",
        documents[path].decode(),
        flags=re.DOTALL,
    )
    assert count == 1
    documents[path] = scpd.encode()


# --- registration -----------------------------------------------------------------------------


async def test_services_registered_with_descriptions(hass: HomeAssistant) -> None:
    """Set-up registers all actions, without any entry; services.yaml loads and matches."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert set(hass.services.async_services_for_domain(DOMAIN)) == {
        SET_DDNS,
        GET_PROVIDERS,
        SET_USER,
    }
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]
    spec = yaml.safe_load((PACKAGE / "services.yaml").read_text("utf-8"))
    assert set(descriptions) == set(spec)
    for service, description in descriptions.items():
        assert set(description["fields"]) == set(spec[service]["fields"])
        assert description["fields"][ATTR_CONFIG_ENTRY_ID]["selector"] == {
            "config_entry": {"integration": DOMAIN}
        }
    icons = json.loads((PACKAGE / "icons.json").read_text("utf-8"))["services"]
    assert set(icons) == set(spec)
    assert all(icon["service"].startswith("mdi:") for icon in icons.values())


async def test_entry_must_exist_and_be_loaded(
    hass: HomeAssistant, box: FritzBoxSimulator, init_integration: MockConfigEntry
) -> None:
    """Home Assistant's own translated errors for an unknown, foreign or unloaded entry."""
    other = MockConfigEntry(domain="other_integration", title="Other")
    other.add_to_hass(hass)
    await hass.config_entries.async_unload(init_integration.entry_id)
    box.log.clear()
    for entry_id, key in (
        ("no-such-entry", "service_config_entry_not_found"),
        (other.entry_id, "service_config_entry_wrong_domain"),
        (ENTRY_ID, "service_config_entry_not_loaded"),
    ):
        for service, data in (
            (SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD}),
            (GET_PROVIDERS, {}),
            (SET_USER, {CONF_PASSWORD: NEW_PASSWORD}),
        ):
            with pytest.raises(ServiceValidationError) as err:
                await call(hass, service, data, entry_id=entry_id)
            assert err.value.translation_domain == "homeassistant"
            assert err.value.translation_key == key
    assert box.log.entries == []


@pytest.mark.usefixtures("init_integration")
async def test_writers_are_for_administrators(
    hass: HomeAssistant, box: FritzBoxSimulator, hass_read_only_user: MockUser
) -> None:
    """Changing the box is for administrators; listing providers is for everybody."""
    context = Context(user_id=hass_read_only_user.id)
    box.log.clear()
    with pytest.raises(Unauthorized):
        await call(hass, SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD}, context=context)
    with pytest.raises(Unauthorized):
        await call(hass, SET_USER, {CONF_PASSWORD: NEW_PASSWORD}, context=context)
    assert box.log.entries == []
    response = await call(hass, GET_PROVIDERS, {}, context=context)
    assert response is not None
    assert actions(box) == ["GetDDNSProviders"]


# --- set_ddns_config: success -----------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_user_defined(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """A user-defined provider with its URL: written, then the entities show the box's state."""
    box.log.clear()
    await call(
        hass,
        SET_DDNS,
        {
            "enabled": True,
            "provider": "Benutzerdefiniert",
            "domain": "nas.example.net",
            "username": "ddns-owner",
            CONF_PASSWORD: DDNS_PASSWORD,
            "mode": "ddns_v4",
            "update_url": USER_URL,
            "server_ipv4": "ddns.example.org",
            "server_ipv6": "",
        },
    )
    assert actions(box) == [*PROVIDERS, "GetDDNSInfo", "SetDDNSConfig", *DDNS_REFRESH]
    ddns = box.state.ddns
    assert (ddns.enabled, ddns.provider_name, ddns.domain, ddns.mode) == (
        True,
        "Benutzerdefiniert",
        "nas.example.net",
        "ddns_v4",
    )
    assert (ddns.update_url, ddns.server_ipv4, ddns.server_ipv6) == (
        USER_URL,
        "ddns.example.org",
        "",
    )
    assert (ddns.username, ddns.password) == ("ddns-owner", DDNS_PASSWORD)
    assert hass.states.get(DOMAIN_SENSOR).state == "nas.example.net"
    assert hass.states.get(MODE_SENSOR).state == "ddns_v4"


@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_keeps_left_out_fields(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """Only the password: everything else is written back as GetDDNSInfo reported it."""
    before = (box.state.ddns.provider_name, box.state.ddns.domain, box.state.ddns.mode)
    box.log.clear()
    await call(hass, SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD})
    assert actions(box) == [*PROVIDERS, "GetDDNSInfo", "SetDDNSConfig", *DDNS_REFRESH]
    ddns = box.state.ddns
    assert ddns.enabled is True
    assert (ddns.provider_name, ddns.domain, ddns.mode) == before
    assert (ddns.server_ipv4, ddns.username, ddns.password) == (
        "ipv4.dynv6.com",
        "ddns-user",
        DDNS_PASSWORD,
    )


@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_switch_off(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """Switching off checks nothing about the target, so the provider list is not read."""
    box.log.clear()
    await call(hass, SET_DDNS, {"enabled": False, CONF_PASSWORD: DDNS_PASSWORD})
    assert actions(box) == ["GetDDNSInfo", "SetDDNSConfig", *DDNS_REFRESH]
    assert box.state.ddns.enabled is False
    assert box.state.ddns.status_ipv4 == "offline"

    # A provider that is given is looked up; what only matters when on is not checked.
    box.log.clear()
    await call(hass, SET_DDNS, {"provider": "benutzerdefiniert", CONF_PASSWORD: DDNS_PASSWORD})
    assert actions(box) == [*PROVIDERS, "GetDDNSInfo", "SetDDNSConfig", *REFRESH]
    assert (box.state.ddns.enabled, box.state.ddns.provider_name) == (False, "Benutzerdefiniert")
    assert box.state.ddns.update_url == ""


@pytest.mark.parametrize(
    "box_config",
    [{"mode_spelling": "ddns_together"}, {"mode_spelling": "ddns_both_together"}],
    ids=["ddns_together", "ddns_both_together"],
)
@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_writes_the_box_spelling(
    hass: HomeAssistant, box: FritzBoxSimulator, box_config: dict[str, str]
) -> None:
    """ddns_together goes out in the spelling this box advertises."""
    box.state.ddns.mode = "ddns_v4"
    await call(hass, SET_DDNS, {"mode": "ddns_together", CONF_PASSWORD: DDNS_PASSWORD})
    assert box.state.ddns.mode == box_config["mode_spelling"]
    assert hass.states.get(MODE_SENSOR).state == "ddns_together"


@pytest.mark.parametrize("box_config", [{"locale": "en"}])
@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_both_urls_english_box(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """ddns_both with one URL per family; the provider name's case is the box's."""
    await call(
        hass,
        SET_DDNS,
        {
            "provider": "user-DEFINED",
            "mode": "ddns_both",
            "update_url": f"{USER_URL} {IPV6_URL}",
            CONF_PASSWORD: DDNS_PASSWORD,
        },
    )
    ddns = box.state.ddns
    assert (ddns.provider_name, ddns.mode) == ("User-defined", "ddns_both")
    assert ddns.update_url == f"{USER_URL} {IPV6_URL}"


@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_listed_provider_url_optional(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """A listed provider brings its own URL: an empty one is fine, a scheme-less one is HTTP."""
    await call(hass, SET_DDNS, {"provider": "No-IP.com", "update_url": "", "password": ""})
    assert (box.state.ddns.provider_name, box.state.ddns.update_url) == ("No-IP.com", "")
    await call(hass, SET_DDNS, {"update_url": "dynupdate.no-ip.com/nic/update", "password": ""})
    assert box.state.ddns.update_url == "dynupdate.no-ip.com/nic/update"


# --- set_ddns_config: refused before any request ---------------------------------------------


@pytest.mark.parametrize(
    ("data", "key"),
    [
        pytest.param(
            {"update_url": "ftp://ddns.example.org/update"}, "invalid_update_url", id="scheme"
        ),
        pytest.param(
            {"update_url": "https://ddns.example.org"}, "invalid_update_url", id="no_path"
        ),
        pytest.param({"update_url": "https:///update"}, "invalid_update_url", id="no_host"),
        pytest.param(
            {"update_url": f"{USER_URL} {IPV6_URL} {USER_URL}"},
            "invalid_update_url",
            id="three_urls",
        ),
        pytest.param(
            {"update_url": f"{USER_URL}  {IPV6_URL}"}, "invalid_update_url", id="two_spaces"
        ),
        pytest.param(
            {"mode": "ddns_both", "update_url": USER_URL}, "update_url_needs_two", id="both_one_url"
        ),
        pytest.param(
            {"mode": "ddns_v6", "update_url": f"{USER_URL} {IPV6_URL}"},
            "update_url_needs_one",
            id="v6_two_urls",
        ),
        pytest.param({"domain": "my nas.example.org"}, "invalid_ddns_domain", id="domain_space"),
        pytest.param({"domain": "-nas.example.org"}, "invalid_ddns_domain", id="domain_hyphen"),
        pytest.param({"domain": "nas"}, "invalid_ddns_domain", id="domain_one_label"),
        pytest.param({"domain": "192.168.178.1"}, "invalid_ddns_domain", id="domain_address"),
        pytest.param({"domain": "müller.example.org"}, "invalid_ddns_domain", id="domain_unicode"),
        pytest.param(
            {"domain": f"{'a' * 64}.example.org"}, "invalid_ddns_domain", id="domain_label_64"
        ),
        pytest.param({"mode": "ddns_v5"}, "invalid_ddns_mode", id="mode"),
        pytest.param({"provider": ""}, "field_empty", id="provider_empty"),
        pytest.param({"username": "ddns\nuser"}, "field_control_characters", id="username_newline"),
        pytest.param(
            {CONF_PASSWORD: f"{DDNS_PASSWORD}\x00"}, "field_control_characters", id="password_nul"
        ),
        pytest.param({"enabled": "perhaps"}, "field_invalid", id="enabled"),
        pytest.param({"server_ipv4": ["a", "b"]}, "field_invalid", id="server_list"),
        pytest.param({"token": "x"}, "field_unknown", id="unknown_field"),
        pytest.param({CONF_PASSWORD: None}, "field_invalid", id="password_none"),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_invalid_arguments(
    hass: HomeAssistant, box: FritzBoxSimulator, data: dict[str, Any], key: str
) -> None:
    """Wrong on their own: refused by the schema, not a single request to the box."""
    before = (box.state.ddns.domain, box.state.ddns.password)
    await refused(hass, box, SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD, **data}, key)
    assert (box.state.ddns.domain, box.state.ddns.password) == before


@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_required_fields(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """The password (never readable from the box) and the entry must be given."""
    message = await refused(hass, box, SET_DDNS, {}, "field_required")
    assert "password" in message
    box.log.clear()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD}, entry_id=None)
    assert "config_entry_id" in assert_translated(err.value, "field_required")
    assert box.log.entries == []


# Settings that would be wrong: (call data, the box's settings at the last poll, key, whether
# the check needs the provider list).
DDNS_REFUSALS = [
    pytest.param({"provider": "dyndns"}, {}, "ddns_provider_unknown", True, id="provider_unknown"),
    pytest.param(
        {"enabled": False, "provider": "dyndns"},
        {},
        "ddns_provider_unknown",
        True,
        id="provider_unknown_switching_off",
    ),
    pytest.param(
        {"provider": "Benutzerdefiniert"},
        {},
        "update_url_required",
        True,
        id="user_defined_without_url",
    ),
    pytest.param(
        {"mode": "ddns_both"},
        {"update_url": USER_URL},
        "update_url_needs_two",
        False,
        id="kept_url_one_for_both",
    ),
    pytest.param(
        {"mode": "ddns_v6"},
        {"mode": "ddns_both", "update_url": f"{USER_URL} {IPV6_URL}"},
        "update_url_needs_one",
        False,
        id="kept_urls_two_for_v6",
    ),
    pytest.param(
        {"enabled": True},
        {"enabled": False, "domain": ""},
        "ddns_domain_required",
        False,
        id="switch_on_without_domain",
    ),
    pytest.param({"domain": ""}, {}, "ddns_domain_required", False, id="domain_cleared_while_on"),
]


@pytest.mark.parametrize("list_known", [True, False], ids=["list_known", "list_unknown"])
@pytest.mark.parametrize(("data", "on_box", "key", "needs_list"), DDNS_REFUSALS)
@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_refused_on_what_is_known(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    *,
    data: dict[str, Any],
    on_box: dict[str, Any],
    key: str,
    needs_list: bool,
    list_known: bool,
) -> None:
    """Checked on the last poll and the kept provider list: no request, no write.

    Only while the entry does not know the provider list yet, a check that needs it reads it:
    exactly one GetDDNSProviders.
    """
    await change_box(hass, box, **on_box)
    if list_known:
        await learn_providers(hass)
    before = replace(box.state.ddns)
    message = await refused(
        hass,
        box,
        SET_DDNS,
        {**data, CONF_PASSWORD: DDNS_PASSWORD},
        key,
        sent=PROVIDERS if needs_list and not list_known else [],
    )
    if key == "ddns_provider_unknown":
        for name, _ in provider_list("de"):
            assert name in message
    if key == "update_url_required":
        assert "Benutzerdefiniert" in message
    assert box.state.ddns == before


@pytest.mark.parametrize(
    ("data", "after_poll", "list_known", "key", "sent"),
    [
        pytest.param(
            {"enabled": True},
            {"domain": ""},
            True,
            "ddns_domain_required",
            ["GetDDNSInfo"],
            id="domain_cleared_on_the_box",
        ),
        pytest.param(
            {"domain": "nas.example.net"},
            {"enabled": True, "provider_name": "Benutzerdefiniert"},
            False,
            "update_url_required",
            ["GetDDNSInfo", *PROVIDERS],
            id="switched_on_on_the_box",
        ),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_refused_on_the_fresh_read(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    *,
    data: dict[str, Any],
    after_poll: dict[str, Any],
    list_known: bool,
    key: str,
    sent: list[str],
) -> None:
    """The box changed since the last poll: the read before the write refuses, nothing written.

    When the fresh settings need the provider list for the first time, it is read then.
    """
    await change_box(hass, box, enabled=False)
    if list_known:
        await learn_providers(hass)
    for name, value in after_poll.items():
        setattr(box.state.ddns, name, value)
    await refused(hass, box, SET_DDNS, {**data, CONF_PASSWORD: DDNS_PASSWORD}, key, sent=sent)
    assert box.state.ddns.domain == after_poll.get("domain", "home.example.org")


@pytest.mark.usefixtures("init_integration")
async def test_provider_list_kept_per_entry(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """Read on first need, then kept; get_ddns_providers reads it anew; a reload forgets it."""
    box.log.clear()
    await call(hass, SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD})
    await call(hass, SET_DDNS, {"provider": "No-IP.com", CONF_PASSWORD: DDNS_PASSWORD})
    write = ["GetDDNSInfo", "SetDDNSConfig", *DDNS_REFRESH]
    # The second write changes only the provider: the update status stays as the first left it.
    again = ["GetDDNSInfo", "SetDDNSConfig", *REFRESH]
    assert actions(box) == [*PROVIDERS, *write, *again]
    assert box.state.ddns.provider_name == "No-IP.com"

    box.log.clear()
    await call(hass, GET_PROVIDERS, {})
    await call(hass, SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD})
    assert actions(box) == [*PROVIDERS, *again]

    # After a firmware update that changes the list, a reload reads it again.
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert coordinator(hass).ddns_providers is None
    box.log.clear()
    await call(hass, SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD})
    assert actions(box) == [*PROVIDERS, *again]


async def test_set_ddns_config_mode_the_box_does_not_offer(
    hass: HomeAssistant, box: FritzBoxSimulator, mock_config_entry: MockConfigEntry
) -> None:
    """Firmware without ddns_together: refused from the SCPD read at set-up, no request."""
    offer_modes(box, "ddns_v4", "ddns_v6", "ddns_both", "ddns_of_the_future")
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    message = await refused(
        hass,
        box,
        SET_DDNS,
        {"mode": "ddns_together", CONF_PASSWORD: DDNS_PASSWORD},
        "ddns_mode_not_offered",
    )
    assert "ddns_both, ddns_v4, ddns_v6" in message
    assert box.log.entries == []

    await call(hass, SET_DDNS, {"mode": "ddns_v6", CONF_PASSWORD: DDNS_PASSWORD})
    assert box.state.ddns.mode == "ddns_v6"


# --- set_ddns_config: the box says no ---------------------------------------------------------


@pytest.mark.parametrize(
    "box_config", [{"users": (BoxUser(USERNAME, PASSWORD, rights=frozenset({"A"})),)}]
)
@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_needs_settings_right(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """606 from GetDDNSProviders, and from SetDDNSConfig itself when no list is needed."""
    # A list the box refused is not kept: the next call asks again.
    for _ in range(2):
        await failed(
            hass, box, SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD}, "insufficient_rights_settings"
        )
        assert [(e.action, e.status) for e in box.log.entries] == [("GetDDNSProviders", 500)]
    await failed(
        hass,
        box,
        SET_DDNS,
        {"enabled": False, CONF_PASSWORD: DDNS_PASSWORD},
        "insufficient_rights_settings",
    )
    assert [(e.action, e.status) for e in box.log.entries] == [
        ("GetDDNSInfo", 200),
        ("SetDDNSConfig", 500),
    ]
    assert box.state.ddns.enabled is True


@pytest.mark.parametrize(
    ("fault", "key"),
    [("drop_connection", "cannot_connect"), ("app_access_disabled", "tr064_disabled")],
)
@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_box_failures(
    hass: HomeAssistant, box: FritzBoxSimulator, fault: str, key: str
) -> None:
    """Network trouble and switched-off TR-064 are box failures, not validation errors."""
    setattr(box.faults, fault, True)
    await failed(hass, box, SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD}, key)
    assert box.log.count(action="SetDDNSConfig") == 0


@pytest.mark.usefixtures("init_integration")
async def test_set_ddns_config_wrong_login_starts_reauth(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """A rejected login during the action asks for new credentials."""
    box.state.users[USERNAME] = BoxUser(USERNAME, "fake-changed-on-the-box")
    await failed(hass, box, SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD}, "invalid_auth")
    await hass.async_block_till_done()
    assert len(reauth_flows(hass)) == 1


# --- get_ddns_providers -----------------------------------------------------------------------


@pytest.mark.parametrize("box_config", [{"locale": "de"}, {"locale": "en"}], ids=["de", "en"])
@pytest.mark.usefixtures("init_integration")
async def test_get_ddns_providers(
    hass: HomeAssistant, box: FritzBoxSimulator, box_config: dict[str, Any]
) -> None:
    """The box's list as it is, the localised user-defined entry included."""
    box.log.clear()
    response = await call(hass, GET_PROVIDERS, {})
    assert response == {
        "providers": [
            {"name": name, "info_url": url} for name, url in provider_list(box_config["locale"])
        ]
    }
    assert actions(box) == ["GetDDNSProviders"]


@pytest.mark.usefixtures("init_integration")
async def test_get_ddns_providers_needs_a_response(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """A response-only action: calling it without asking for the response is refused."""
    box.log.clear()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, GET_PROVIDERS, {ATTR_CONFIG_ENTRY_ID: ENTRY_ID}, blocking=True
        )
    assert err.value.translation_key == "service_lacks_response_request"
    assert box.log.entries == []


@pytest.mark.parametrize(
    "box_config", [{"users": (BoxUser(USERNAME, PASSWORD, rights=frozenset({"A"})),)}]
)
@pytest.mark.usefixtures("init_integration")
async def test_get_ddns_providers_needs_settings_right(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """GetDDNSProviders needs the right "FRITZ!Box settings"."""
    await failed(hass, box, GET_PROVIDERS, {}, "insufficient_rights_settings")
    assert actions(box) == ["GetDDNSProviders"]


@pytest.mark.usefixtures("init_integration")
async def test_get_ddns_providers_unreachable(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """A box that is away is a box failure."""
    box.faults.drop_connection = True
    await failed(hass, box, GET_PROVIDERS, {}, "cannot_connect")


@pytest.mark.usefixtures("init_integration")
async def test_get_ddns_providers_invalid_arguments(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """Only the entry is taken."""
    box.log.clear()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, GET_PROVIDERS, {"locale": "de"})
    assert_translated(err.value, "field_unknown")
    assert box.log.entries == []


# --- set_remote_access_user -------------------------------------------------------------------

TWO_USERS = {
    "users": (
        BoxUser(USERNAME, PASSWORD),
        BoxUser(REMOTE_USER, REMOTE_PASSWORD),
        BoxUser("viewer", "fake-Viewer-Passw0rd", rights=frozenset({"A"})),
    )
}


@pytest.mark.parametrize("box_config", [TWO_USERS])
@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user(
    hass: HomeAssistant, box: FritzBoxSimulator, init_integration: MockConfigEntry
) -> None:
    """SetConfig for a user other than ours; the entities show the new port."""
    box.state.remote_access_username = REMOTE_USER
    box.log.clear()
    await call(
        hass,
        SET_USER,
        {"enabled": True, "port": 8443, "username": REMOTE_USER, CONF_PASSWORD: NEW_PASSWORD},
    )
    assert actions(box) == ["GetInfo", "SetConfig", *REFRESH]
    assert box.state.users[REMOTE_USER].password == NEW_PASSWORD
    assert (box.state.remote_access_enabled, box.state.remote_access_port) == (True, 8443)
    assert hass.states.get(PORT_SENSOR).state == "8443"
    assert init_integration.data[CONF_PASSWORD] == PASSWORD


@pytest.mark.parametrize("box_config", [TWO_USERS])
@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user_keeps_left_out_fields(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """Only the password: switch, port and user stay as GetInfo reported them."""
    box.state.remote_access_username = REMOTE_USER
    await call(hass, SET_USER, {CONF_PASSWORD: NEW_PASSWORD})
    assert box.state.remote_access_username == REMOTE_USER
    assert (box.state.remote_access_enabled, box.state.remote_access_port) == (True, 40443)
    assert box.state.users[REMOTE_USER].password == NEW_PASSWORD


@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user_new_password_for_our_login(
    hass: HomeAssistant, box: FritzBoxSimulator, init_integration: MockConfigEntry
) -> None:
    """Our own user gets a new password: the entry stores it and logs in with it."""
    await call(hass, SET_USER, {"username": USERNAME, CONF_PASSWORD: NEW_PASSWORD})
    await hass.async_block_till_done()
    assert box.state.users[USERNAME].password == NEW_PASSWORD
    assert init_integration.data[CONF_PASSWORD] == NEW_PASSWORD
    assert init_integration.state is ConfigEntryState.LOADED
    assert reauth_flows(hass) == []
    box.log.clear()
    await init_integration.runtime_data.async_refresh()
    assert init_integration.runtime_data.last_update_success
    assert [e.status for e in box.log.entries] == [200, 200]


@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user_renames_our_login(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """A new name renames the remote access user; when that is ours, re-authentication starts."""
    await call(hass, SET_USER, {"username": "remote-admin", CONF_PASSWORD: NEW_PASSWORD})
    await hass.async_block_till_done()
    assert USERNAME not in box.state.users
    assert box.state.users["remote-admin"].password == NEW_PASSWORD
    assert len(reauth_flows(hass)) == 1


@pytest.mark.parametrize(
    ("data", "key"),
    [
        pytest.param({"port": 0}, "invalid_port", id="port_0"),
        pytest.param({"port": 65536}, "invalid_port", id="port_65536"),
        pytest.param({"port": -443}, "invalid_port", id="port_negative"),
        pytest.param({"port": "https"}, "field_invalid", id="port_text"),
        pytest.param({"username": ""}, "field_empty", id="username_empty"),
        pytest.param({"username": "tab\tuser"}, "field_control_characters", id="username_tab"),
        pytest.param({CONF_PASSWORD: ""}, "field_empty", id="password_empty"),
        pytest.param(
            {CONF_PASSWORD: f"{NEW_PASSWORD}\n"}, "field_control_characters", id="password_newline"
        ),
        pytest.param({"enabled": "perhaps"}, "field_invalid", id="enabled"),
        pytest.param({"role": "admin"}, "field_unknown", id="unknown_field"),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user_invalid_arguments(
    hass: HomeAssistant, box: FritzBoxSimulator, data: dict[str, Any], key: str
) -> None:
    """Wrong on their own: refused by the schema, not a single request to the box."""
    await refused(hass, box, SET_USER, {CONF_PASSWORD: NEW_PASSWORD, **data}, key)
    assert box.state.users[USERNAME].password == PASSWORD


@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user_password_required(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """There is no password to keep."""
    await refused(hass, box, SET_USER, {"port": 443}, "field_required")


@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user_nothing_to_keep(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """A box without remote access user or port: those must be given; known from the last poll."""
    box.state.remote_access_username = ""
    await coordinator(hass).async_refresh()
    await refused(
        hass, box, SET_USER, {CONF_PASSWORD: NEW_PASSWORD}, "remote_access_username_missing"
    )

    box.state.remote_access_port = 0
    await coordinator(hass).async_refresh()
    await refused(
        hass,
        box,
        SET_USER,
        {"username": USERNAME, CONF_PASSWORD: NEW_PASSWORD},
        "remote_access_port_missing",
    )
    assert box.state.users[USERNAME].password == PASSWORD


@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user_refused_on_the_fresh_read(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """The box lost its user and port since the last poll: GetInfo before the write refuses."""
    box.state.remote_access_username = ""
    await refused(
        hass,
        box,
        SET_USER,
        {CONF_PASSWORD: NEW_PASSWORD},
        "remote_access_username_missing",
        sent=["GetInfo"],
    )
    box.state.remote_access_port = 0
    await refused(
        hass,
        box,
        SET_USER,
        {"username": USERNAME, CONF_PASSWORD: NEW_PASSWORD},
        "remote_access_port_missing",
        sent=["GetInfo"],
    )
    assert box.state.users[USERNAME].password == PASSWORD


@pytest.mark.parametrize("box_config", [TWO_USERS])
@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user_820(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """820 has two meanings; for the current remote access user only the password is left."""
    # A user without configuration rights: the box cannot tell this apart from bad input.
    message = await failed(
        hass,
        box,
        SET_USER,
        {"username": "viewer", CONF_PASSWORD: NEW_PASSWORD},
        services.USER_REJECTED,
    )
    assert '"viewer"' in message
    assert "820" in message
    assert "FRITZ!Box settings" in message
    assert actions(box) == ["GetInfo", "SetConfig"]

    # A new name with a password the box refuses: the same answer, the same message.
    await failed(
        hass,
        box,
        SET_USER,
        {"username": "newcomer", CONF_PASSWORD: WEAK_PASSWORD},
        services.USER_REJECTED,
    )

    # The current remote access user already has the rights: it must be the password.
    message = await failed(
        hass,
        box,
        SET_USER,
        {"username": USERNAME, CONF_PASSWORD: WEAK_PASSWORD},
        services.PASSWORD_REJECTED,
    )
    assert f'"{USERNAME}"' in message
    assert actions(box) == ["GetInfo", "SetConfig"]
    assert box.state.users[USERNAME].password == PASSWORD
    assert "newcomer" not in box.state.users
    assert box.state.remote_access_username == USERNAME


def refuse_ports_in_use(box: FritzBoxSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make SetConfig answer 402 for a port the box serves itself, as a real box does.

    The port is valid (1-65535), so the schema lets it through: only the box can say no.
    """
    dispatcher = box._handler._dispatcher
    dispatch = dispatcher.call

    def call_action(
        service_type: str, action: str, arguments: Mapping[str, str], user: BoxUser | None
    ) -> list[tuple[str, str]]:
        if action == "SetConfig" and arguments.get("NewPort") == str(TR064_TLS_PORT):
            raise UPnPError(402)
        return dispatch(service_type, action, arguments, user)

    monkeypatch.setattr(dispatcher, "call", call_action)


@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user_402(
    hass: HomeAssistant, box: FritzBoxSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The box's 402 becomes its own message, naming the port it refused."""
    refuse_ports_in_use(box, monkeypatch)
    message = await failed(
        hass,
        box,
        SET_USER,
        {"port": TR064_TLS_PORT, CONF_PASSWORD: NEW_PASSWORD},
        services.PORT_REJECTED,
    )
    assert str(TR064_TLS_PORT) in message
    assert "402" in message
    assert actions(box) == ["GetInfo", "SetConfig"]
    assert box.state.remote_access_port == 40443
    assert box.state.users[USERNAME].password == PASSWORD


@pytest.mark.parametrize(
    "box_config", [{"users": (BoxUser(USERNAME, PASSWORD, rights=frozenset({"A"})),)}]
)
@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user_needs_settings_right(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """606 keeps its general meaning."""
    await failed(
        hass,
        box,
        SET_USER,
        {"username": "other", CONF_PASSWORD: NEW_PASSWORD},
        "insufficient_rights_settings",
    )
    assert actions(box) == ["GetInfo", "SetConfig"]


@pytest.mark.usefixtures("init_integration")
async def test_set_remote_access_user_unreachable(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """A box that is away is a box failure."""
    box.faults.drop_connection = True
    await failed(hass, box, SET_USER, {CONF_PASSWORD: NEW_PASSWORD}, "cannot_connect")


# --- secrets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("box_config", [TWO_USERS])
@pytest.mark.usefixtures("init_integration")
async def test_passwords_never_logged(
    hass: HomeAssistant, box: FritzBoxSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Successes, refusals and box errors: no password in what our code or the box logs."""
    caplog.set_level(logging.DEBUG)
    await call(hass, SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD})
    await call(hass, SET_USER, {"username": REMOTE_USER, CONF_PASSWORD: NEW_PASSWORD})
    for service, data in (
        (SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD, "port": 1}),
        (SET_DDNS, {CONF_PASSWORD: DDNS_PASSWORD, "provider": "nope"}),
        (SET_USER, {CONF_PASSWORD: WEAK_PASSWORD, "port": 0}),
        (SET_USER, {CONF_PASSWORD: WEAK_PASSWORD, "username": "viewer"}),
    ):
        with pytest.raises(HomeAssistantError):
            await call(hass, service, data)
    ours = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(("custom_components", "fritzbox_simulator"))
    ]
    assert ours
    for text in ours:
        for secret in SECRETS:
            assert secret not in text


# --- rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://ddns.example.org/update?ip=<ipaddr>", True),
        ("http://user:<pass>@ddns.example.org/nic/update", True),
        ("https://ddns.do.de/?myip=<ipaddr>", True),
        ("ddns.example.org/update", True),
        ("HTTPS://DDNS.EXAMPLE.ORG/", True),
        ("ddns.example.org/update?redirect=https://x", True),
        ("https://ddns.example.org", False),
        ("https://ddns.example.org?x=/", False),
        ("ftp://ddns.example.org/update", False),
        ("/update", False),
        ("https://ddns.example.org/up date", False),
    ],
)
def test_update_url_rule(url: str, valid: bool) -> None:
    """http(s) or no scheme, a host, then a path with a slash; no white space."""
    assert validation.is_update_url(url) is valid


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("home.example.org", True),
        ("xn--mller-kva.example.org", True),
        ("a-b.c0", True),
        (f"{'a' * 63}.example.org", True),
        (".".join(["a" * 63] * 4), False),
        ("home.example.org.", False),
        ("home..example.org", False),
        ("home_nas.example.org", False),
        ("nas-.example.org", False),
    ],
)
def test_host_name_rule(name: str, valid: bool) -> None:
    """LDH labels of at most 63 characters, at least two, 253 in all, not an address."""
    assert validation.is_host_name(name) is valid
