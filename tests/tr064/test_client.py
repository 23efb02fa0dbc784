"""The client against the real simulator over HTTP on loopback: every action, counts, profiles."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING
from unittest.mock import patch

import aiohttp
from aiohttp import client_middleware_digest_auth
import pytest

from custom_components.fritzbox_remote_access.tr064 import (
    DDNSMode,
    DDNSStatus,
    LetsEncryptState,
    TR064ActionFailedError,
    TR064AuthenticationError,
    TR064InvalidArgumentError,
    TR064PermissionError,
    TR064UnsupportedError,
    fetch_udn,
    transport as transport_module,
)
from custom_components.fritzbox_remote_access.tr064.soap import build_envelope
from fritzbox_simulator import BoxUser

from .conftest import PASSWORD, USERNAME

if TYPE_CHECKING:
    from fritzbox_simulator import FritzBoxSimulator

    from .conftest import BoxFactory, ClientFactory


async def test_first_contact_and_polls_need_few_requests(
    box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    client = make_client(box)
    await client.connect()
    await client.get_device_info()
    await client.get_info()
    await client.get_ddns_info()

    entries = box.log.entries
    # description 1 + RemoteAccess SCPD 1 + one digest challenge + 3 actions
    assert len(entries) <= 6
    gets = [entry.path for entry in entries if entry.method == "GET"]
    assert gets[0] == "/tr64desc.xml"
    assert len(gets) == 2  # no other SCPD, DeviceInfo's included
    assert "x_remote" in gets[1].lower()
    assert box.log.count(status=401) <= 1
    assert client.stats.requests == 5
    assert client.stats.failures == 0

    for _ in range(3):
        box.log.clear()
        await client.get_info()
        await client.get_ddns_info()
        assert [(e.action, e.status) for e in box.log.entries] == [
            ("GetInfo", 200),
            ("GetDDNSInfo", 200),
        ]
        assert all(e.authenticated and e.username == USERNAME for e in box.log.entries)
    assert client.stats.requests == 11


async def test_polls_format_no_debug_message_unless_asked(
    box: FritzBoxSimulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(box)
    await client.get_info()
    caplog.set_level(logging.INFO, logger=transport_module.__name__)
    with patch.object(transport_module._LOGGER, "debug") as debug:
        await client.get_info()
        await client.get_ddns_info()
    debug.assert_not_called()
    caplog.set_level(logging.DEBUG, logger=transport_module.__name__)
    await client.get_info()
    assert any("GetInfo -> HTTP 200" in record.getMessage() for record in caplog.records)


async def test_connect_is_idempotent_and_needed_only_once(
    box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    client = make_client(box)
    with pytest.raises(RuntimeError):
        _ = client.udn
    with pytest.raises(RuntimeError):
        _ = client.capabilities
    await asyncio.gather(client.connect(), client.connect(), client.get_info())
    await client.connect()
    assert box.log.count(path="/tr64desc.xml") == 1
    assert client.udn == box.udn
    assert client.udn.startswith("uuid:")


async def test_fetch_udn_needs_no_credentials(
    box: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    assert await fetch_udn(session, box.host, port=box.port, timeout=5) == box.udn
    assert len(box.log.entries) == 1
    assert not box.log.entries[0].authenticated


async def test_device_info(box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    device = await make_client(box).get_device_info()
    assert device.manufacturer == "AVM"
    assert device.model.startswith("FRITZ!Box")
    assert device.serial_number
    assert device.software_version.count(".") == 2
    assert device.hardware_version
    assert isinstance(device.uptime, int)
    assert device.uptime >= 0
    assert box.log.count(action="GetInfo", status=200) == 1


async def test_get_info_reflects_the_box(
    box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    box.state.remote_access_enabled = True
    box.state.remote_access_port = 44321
    box.state.remote_access_username = USERNAME
    box.state.lets_encrypt_enabled = True
    box.state.lets_encrypt_state = "valid"
    info = await make_client(box).get_info()
    assert info.enabled is True
    assert info.port == 44321
    assert info.username == USERNAME
    assert info.lets_encrypt_enabled is True
    assert info.lets_encrypt_state is LetsEncryptState.VALID


async def test_modern_capabilities(box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    client = make_client(box)
    await client.connect()
    caps = client.capabilities
    assert caps.lets_encrypt
    assert caps.actions >= {
        "GetInfo",
        "SetConfig",
        "GetDDNSInfo",
        "GetDDNSProviders",
        "SetDDNSConfig",
        "SetEnable",
        "SetLetsEncryptEnable",
    }
    assert caps.supports("SetEnable")
    assert "ddns_together" in caps.mode_values


async def test_legacy_box(box_factory: BoxFactory, make_client: ClientFactory) -> None:
    box = await box_factory(profile="legacy")
    client = make_client(box)
    info = await client.get_info()
    assert info.lets_encrypt_enabled is None
    assert info.lets_encrypt_state is None
    assert not client.capabilities.lets_encrypt
    assert not client.capabilities.supports("SetLetsEncryptEnable")
    box.log.clear()
    requests = client.stats.requests
    with pytest.raises(TR064UnsupportedError, match="SetLetsEncryptEnable"):
        await client.set_lets_encrypt_enable(True)
    assert box.log.entries == []
    assert client.stats.requests == requests


async def test_lets_encrypt_enable(box_factory: BoxFactory, make_client: ClientFactory) -> None:
    box = await box_factory(lets_encrypt_seconds=5.0)
    client = make_client(box)
    await client.set_lets_encrypt_enable(True)
    assert box.state.lets_encrypt_enabled
    info = await client.get_info()
    assert info.lets_encrypt_enabled is True
    assert info.lets_encrypt_state is LetsEncryptState.GET
    box.advance(6)
    assert (await client.get_info()).lets_encrypt_state is LetsEncryptState.VALID
    await client.set_lets_encrypt_enable(False)
    info = await client.get_info()
    assert info.lets_encrypt_enabled is False
    assert info.lets_encrypt_state is LetsEncryptState.NOT_USED


async def test_set_enable_returns_the_port(
    box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    client = make_client(box)
    port = await client.set_enable(True)
    assert 0 < port < 65536
    assert (box.state.remote_access_enabled, box.state.remote_access_port) == (True, port)
    # Already on: the configured port again.
    assert await client.set_enable(True) == port
    await client.set_enable(False)
    assert (box.state.remote_access_enabled, box.state.remote_access_port) == (False, port)
    assert (await client.get_info()).enabled is False


async def test_set_enable_without_internet_user_returns_zero(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box = await box_factory(users=(BoxUser(USERNAME, PASSWORD, internet_access=False),))
    assert await make_client(box).set_enable(True) == 0


async def test_set_config_round_trips_xml_special_characters(
    box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    client = make_client(box)
    username = "r<e&m>o]]>te 'u\" ä"
    await client.set_config(enabled=True, port=44443, username=username, password="Remote-Pw-123")
    assert box.state.remote_access_username == username
    assert username in box.state.users
    info = await client.get_info()
    assert info.username == username
    assert info.enabled is True
    assert info.port == 44443


async def test_set_config_invalid_port(box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    with pytest.raises(TR064InvalidArgumentError) as caught:
        await make_client(box).set_config(
            enabled=True, port=70000, username="remote", password="Remote-Pw-123"
        )
    assert caught.value.code == 402


async def test_set_config_username_taken_by_user_without_rights(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box = await box_factory(
        users=(
            BoxUser(USERNAME, PASSWORD),
            BoxUser("phone", "Phone-Pw-123", rights=frozenset({"P"})),
        )
    )
    with pytest.raises(TR064ActionFailedError) as caught:
        await make_client(box).set_config(
            enabled=True, port=44443, username="phone", password="Remote-Pw-123"
        )
    assert caught.value.code == 820
    assert "Remote-Pw-123" not in str(caught.value)
    assert "Remote-Pw-123" not in repr(caught.value)


async def test_permission_denied(box_factory: BoxFactory, make_client: ClientFactory) -> None:
    box = await box_factory(users=(BoxUser(USERNAME, PASSWORD, rights=frozenset({"A"})),))
    client = make_client(box)
    await client.get_info()  # allowed with right A
    await client.set_lets_encrypt_enable(True)  # C or A
    with pytest.raises(TR064PermissionError) as caught:
        await client.set_enable(True)
    assert caught.value.code == 606
    with pytest.raises(TR064PermissionError):
        await client.get_ddns_providers()


@pytest.mark.parametrize("locale", ["de", "en"])
async def test_ddns_providers(
    box_factory: BoxFactory, make_client: ClientFactory, locale: str
) -> None:
    box = await box_factory(locale=locale)
    providers = await make_client(box).get_ddns_providers()
    names = [provider.name for provider in providers]
    assert len(names) >= 2
    assert len(set(names)) == len(names)
    assert ("Benutzerdefiniert" in names) is (locale == "de")
    assert all(isinstance(provider.info_url, str) for provider in providers)


@pytest.mark.parametrize("spelling", ["ddns_together", "ddns_both_together"])
async def test_mode_spellings_read_and_write(
    box_factory: BoxFactory, make_client: ClientFactory, spelling: str
) -> None:
    box = await box_factory(mode_spelling=spelling)
    client = make_client(box)
    await client.connect()
    assert spelling in client.capabilities.mode_values
    providers = await client.get_ddns_providers()
    await client.set_ddns_config(
        enabled=True,
        provider_name=providers[-1].name,
        update_url="https://ddns.example.org/update?host=<domain>&ip=<ipaddr>&ip6=<ip6addr>",
        server_ipv4="",
        server_ipv6="",
        domain="home.example.org",
        username="ddns-user",
        password="Ddns-Pw-456",
        mode=DDNSMode.TOGETHER,
    )
    assert box.state.ddns.mode == spelling
    assert box.state.ddns.password == "Ddns-Pw-456"
    assert box.state.ddns.update_url.endswith("&ip=<ipaddr>&ip6=<ip6addr>")
    info = await client.get_ddns_info()
    assert info.mode is DDNSMode.TOGETHER
    assert info.enabled is True
    assert info.domain == "home.example.org"
    assert info.username == "ddns-user"
    assert info.provider_name == providers[-1].name
    assert info.update_url == box.state.ddns.update_url

    for mode in (DDNSMode.V4, DDNSMode.V6, DDNSMode.BOTH):
        box.state.ddns.mode = mode.value
        assert (await client.get_ddns_info()).mode is mode


async def test_ddns_status_spellings(box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    box.state.ddns.enabled = True
    box.state.ddns.status_ipv4 = "new address"
    box.state.ddns.status_ipv6 = "new-address"
    info = await make_client(box).get_ddns_info()
    assert info.status_ipv4 is DDNSStatus.NEW_ADDRESS
    assert info.status_ipv6 is DDNSStatus.NEW_ADDRESS


async def test_ddns_update_progress(box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    client = make_client(box)
    providers = await client.get_ddns_providers()
    await client.set_ddns_config(
        enabled=True,
        provider_name=providers[0].name,
        update_url="",
        server_ipv4="",
        server_ipv6="",
        domain="box.example.net",
        username="u",
        password="Ddns-Pw-456",
        mode=DDNSMode.V4,
    )
    assert (await client.get_ddns_info()).status_ipv4 is DDNSStatus.CHECKING
    box.advance(60)
    info = await client.get_ddns_info()
    assert info.status_ipv4 is DDNSStatus.UPDATED
    assert info.status_ipv6 is DDNSStatus.OFFLINE


async def test_concurrent_requests(box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    client = make_client(box)
    cold = await asyncio.gather(*(client.get_info() for _ in range(5)))
    assert len(set(cold)) == 1
    assert box.log.count(path="/tr64desc.xml") == 1
    box.log.clear()
    warm = await asyncio.gather(
        *(client.get_info() for _ in range(10)), *(client.get_ddns_info() for _ in range(10))
    )
    assert len(warm) == 20
    assert box.log.count(status=200) == 20


async def test_session_is_left_alone(
    box: FritzBoxSimulator, make_client: ClientFactory, session: aiohttp.ClientSession
) -> None:
    client = make_client(box)
    await client.get_info()
    assert not session.closed
    # The digest middleware was per request: the session itself sends no credentials.
    service_type = "urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1"
    async with session.post(
        f"{box.url}/upnp/control/x_remote",
        data=build_envelope(service_type, "GetInfo", {}),
        headers={
            "Content-Type": 'text/xml; charset="utf-8"',
            "SOAPACTION": f'"{service_type}#GetInfo"',
        },
    ) as response:
        assert response.status == 401
    assert box.log.entries[-1].authenticated is False


def _escape_quotes_only(value: str) -> str:
    """How aiohttp 3.13 (Home Assistant 2026.3) quotes digest header values."""
    return value.replace('"', '\\"')


@pytest.fixture(params=["installed", "3.13"])
def aiohttp_quoting(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The installed aiohttp, and the same with aiohttp 3.13's quoting of digest values."""
    if request.param == "3.13":
        monkeypatch.setattr(client_middleware_digest_auth, "escape_quotes", _escape_quotes_only)
        monkeypatch.setattr(transport_module, "escape_quotes", _escape_quotes_only)
    return str(request.param)


BACKSLASH_USER = 'office\\remote "ha"'


async def test_username_with_backslash_logs_in(
    box_factory: BoxFactory, make_client: ClientFactory, aiohttp_quoting: str
) -> None:
    """Backslashes and quotes in the username reach the box intact, whatever aiohttp does."""
    box = await box_factory(users=(BoxUser(BACKSLASH_USER, PASSWORD),))
    client = make_client(box, username=BACKSLASH_USER)
    await client.get_info()
    assert [(e.authenticated, e.username) for e in box.log.entries if e.action] == [
        (False, None),
        (True, BACKSLASH_USER),
    ]


async def test_aiohttp_quoting_alone_loses_the_backslash(
    box_factory: BoxFactory, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why the client corrects aiohttp 3.13: its middleware as it is cannot log this user in."""
    monkeypatch.setattr(client_middleware_digest_auth, "escape_quotes", _escape_quotes_only)
    monkeypatch.setattr(
        transport_module,
        "_digest_auth",
        lambda username, password: aiohttp.DigestAuthMiddleware(
            username, password, preemptive=True
        ),
    )
    box = await box_factory(users=(BoxUser(BACKSLASH_USER, PASSWORD),))
    with pytest.raises(TR064AuthenticationError):
        await make_client(box, username=BACKSLASH_USER).get_info()
