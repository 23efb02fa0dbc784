"""The documented state machine of X_AVM-DE_RemoteAccess, case by case."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from fritzbox_simulator import BoxUser

from .helpers import DEVICE_INFO, PASSWORD, USERNAME, call, parse_document

if TYPE_CHECKING:
    import aiohttp

    from fritzbox_simulator import FritzBoxSimulator
    from tests.conftest import SimulatorFactory


REMOTE_PASSWORD = "Remote-Pw-1"
DDNS_PASSWORD = "Ddns-Pw-1"


def _config(
    *,
    enabled: str = "1",
    port: str = "44443",
    username: str = "remote",
    password: str = REMOTE_PASSWORD,
) -> dict[str, str]:
    return {
        "NewEnabled": enabled,
        "NewPort": port,
        "NewUsername": username,
        "NewPassword": password,
    }


# -- GetInfo / SetEnable ---------------------------------------------------------------------


async def test_initial_info(simulator: FritzBoxSimulator, session: aiohttp.ClientSession) -> None:
    reply = await call(session, simulator, "GetInfo")
    assert reply.values == {
        "NewEnabled": "0",
        "NewPort": "0",
        "NewUsername": "",
        "NewLetsEncryptEnabled": "0",
        "NewLetsEncryptState": "not_used",
    }


async def test_set_enable_when_off_picks_a_random_port(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    reply = await call(session, simulator, "SetEnable", {"NewEnabled": "1"})
    port = int(reply.values["NewPort"])
    assert 40_000 <= port <= 65_000
    assert simulator.state.remote_access_enabled
    assert simulator.state.remote_access_port == port
    info = await call(session, simulator, "GetInfo")
    assert info.values["NewEnabled"] == "1"
    assert info.values["NewPort"] == str(port)


async def test_set_enable_when_on_returns_the_configured_port(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    simulator.state.remote_access_enabled = True
    simulator.state.remote_access_port = 44_443
    reply = await call(session, simulator, "SetEnable", {"NewEnabled": "1"})
    assert reply.values == {"NewPort": "44443"}
    assert simulator.state.remote_access_port == 44_443


async def test_set_enable_without_any_internet_user_returns_port_zero(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(users=(BoxUser(USERNAME, PASSWORD, internet_access=False),))
    reply = await call(session, sim, "SetEnable", {"NewEnabled": "1"})
    assert reply.values == {"NewPort": "0"}
    assert not sim.state.remote_access_enabled
    assert sim.state.remote_access_port == 0


async def test_set_enable_off_returns_the_port(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    simulator.state.remote_access_enabled = True
    simulator.state.remote_access_port = 50_000
    reply = await call(session, simulator, "SetEnable", {"NewEnabled": "0"})
    assert reply.values == {"NewPort": "50000"}
    assert not simulator.state.remote_access_enabled


async def test_set_enable_with_a_bad_boolean(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    for value in ("2", "true", ""):
        reply = await call(session, simulator, "SetEnable", {"NewEnabled": value})
        assert reply.error_code == 402


async def test_wrong_argument_sets(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    assert (await call(session, simulator, "SetEnable", {})).error_code == 402
    extra = {"NewEnabled": "1", "NewPort": "1"}
    assert (await call(session, simulator, "SetEnable", extra)).error_code == 402
    assert (await call(session, simulator, "GetInfo", {"NewX": "1"})).error_code == 402
    assert (await call(session, simulator, "NoSuchAction")).error_code == 401


# -- SetConfig ----------------------------------------------------------------------------------


async def test_set_config_creates_the_remote_user(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    reply = await call(session, simulator, "SetConfig", _config())
    assert reply.status == 200
    assert reply.values == {}
    state = simulator.state
    assert (state.remote_access_enabled, state.remote_access_port) == (True, 44_443)
    assert state.remote_access_username == "remote"
    user = state.users["remote"]
    assert user.configuration_rights
    assert user.internet_access
    assert user.enabled
    info = await call(session, simulator, "GetInfo")
    assert info.values["NewUsername"] == "remote"
    # The configured user can log in and configure the box.
    again = await call(
        session,
        simulator,
        "SetEnable",
        {"NewEnabled": "1"},
        username="remote",
        password="Remote-Pw-1",
    )
    assert again.values == {"NewPort": "44443"}


@pytest.mark.parametrize("port", ["0", "65536", "-1", "abc", "", "4.5"])
async def test_set_config_bad_port(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession, port: str
) -> None:
    reply = await call(session, simulator, "SetConfig", _config(port=port))
    assert reply.error_code == 402
    assert "remote" not in simulator.state.users


@pytest.mark.parametrize("port", ["1", "65535"])
async def test_set_config_port_bounds(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession, port: str
) -> None:
    assert (await call(session, simulator, "SetConfig", _config(port=port))).status == 200
    assert simulator.state.remote_access_port == int(port)


@pytest.mark.parametrize(
    "username", ["", " remote", "remote ", "re:mote", "x" * 65, "re\x7fmote", "re\tmote"]
)
async def test_set_config_invalid_username(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession, username: str
) -> None:
    reply = await call(session, simulator, "SetConfig", _config(username=username))
    assert reply.error_code == 820


@pytest.mark.parametrize(
    "password",
    ["", "Short-1", "onlyletters", "12345678-", "Long-Pw-1" * 4, "remote1", "Pw-\x7f-123"],
)
async def test_set_config_invalid_password(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession, password: str
) -> None:
    username = "remote1" if password == "remote1" else "remote"
    reply = await call(
        session, simulator, "SetConfig", _config(username=username, password=password)
    )
    assert reply.error_code == 820


async def test_set_config_accepts_e_mail_and_special_characters(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    for name in ("someone@example.org", "r<e&m>o]]>te 'u\" ä"):
        assert (await call(session, simulator, "SetConfig", _config(username=name))).status == 200
        info = await call(session, simulator, "GetInfo")
        assert info.values["NewUsername"] == name


async def test_set_config_name_of_a_user_without_configuration_rights(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(
        users=(BoxUser(USERNAME, PASSWORD), BoxUser("phone", "Phone-Pw-1", frozenset("P")))
    )
    reply = await call(session, sim, "SetConfig", _config(username="phone"))
    assert reply.error_code == 820
    assert sim.state.users["phone"].password == "Phone-Pw-1"


async def test_set_config_enables_a_disabled_user_of_that_name(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(
        users=(
            BoxUser(USERNAME, PASSWORD),
            BoxUser("old", "Old-Pw-123", frozenset("N"), internet_access=False, enabled=False),
        )
    )
    assert (await call(session, sim, "SetConfig", _config(username="old"))).status == 200
    user = sim.state.users["old"]
    assert user.enabled
    assert user.internet_access
    assert user.rights == frozenset("CN")
    assert user.password == "Remote-Pw-1"


async def test_set_config_reuses_a_user_with_configuration_rights(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(
        users=(BoxUser(USERNAME, PASSWORD), BoxUser("ops", "Ops-Pw-123", internet_access=False))
    )
    assert (await call(session, sim, "SetConfig", _config(username="ops"))).status == 200
    assert sim.state.users["ops"].internet_access
    assert sim.state.users["ops"].password == "Remote-Pw-1"
    assert len(sim.state.users) == 2


async def test_set_config_renames_the_user_last_used(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    assert (await call(session, simulator, "SetConfig", _config(username="first"))).status == 200
    renamed = _config(username="second", password="Second-Pw-2", enabled="0")
    assert (await call(session, simulator, "SetConfig", renamed)).status == 200
    users = simulator.state.users
    assert "first" not in users
    assert users["second"].password == "Second-Pw-2"
    assert simulator.state.remote_access_username == "second"
    assert not simulator.state.remote_access_enabled
    assert set(users) == {USERNAME, "second"}


async def test_set_config_bad_boolean(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    assert (await call(session, simulator, "SetConfig", _config(enabled="x"))).error_code == 402


# -- DDNS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "user_defined"), [("de", "Benutzerdefiniert"), ("en", "User-defined")]
)
async def test_ddns_providers(
    simulator_factory: SimulatorFactory,
    session: aiohttp.ClientSession,
    locale: str,
    user_defined: str,
) -> None:
    sim = await simulator_factory(locale=locale)
    reply = await call(session, sim, "GetDDNSProviders")
    assert b"<NewProviderList>&lt;List&gt;&lt;Item&gt;&lt;ProviderName&gt;" in reply.body
    document = parse_document(reply.values["NewProviderList"])
    assert document.tag == "List"
    items = [
        (item.findtext("ProviderName"), item.findtext("InfoURL")) for item in document.iter("Item")
    ]
    assert len(items) >= 10
    assert items[-1] == (user_defined, "")
    assert all(name and url and url.startswith("https://") for name, url in items[:-1])


def _ddns(
    *,
    enabled: str = "1",
    provider: str = "Benutzerdefiniert",
    url: str = "https://ddns.example.org/update?host=<domain>&ip=<ipaddr>",
    domain: str = "home.example.org",
    mode: str = "ddns_v4",
    password: str = DDNS_PASSWORD,
) -> dict[str, str]:
    return {
        "NewEnabled": enabled,
        "NewProviderName": provider,
        "NewUpdateURL": url,
        "NewServerIPv4": "",
        "NewServerIPv6": "",
        "NewDomain": domain,
        "NewUsername": "ddns-user",
        "NewPassword": password,
        "NewMode": mode,
    }


async def test_ddns_update_progresses_over_time(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    assert (await call(session, simulator, "SetDDNSConfig", _ddns())).status == 200
    ddns = simulator.state.ddns
    assert (ddns.status_ipv4, ddns.status_ipv6) == ("checking", "offline")
    simulator.advance(2)
    assert simulator.state.ddns.status_ipv4 == "updating"
    simulator.advance(3)
    info = await call(session, simulator, "GetDDNSInfo")
    assert info.values == {
        "NewDomain": "home.example.org",
        "NewEnabled": "1",
        "NewMode": "ddns_v4",
        "NewProviderName": "Benutzerdefiniert",
        "NewServerIPv4": "",
        "NewServerIPv6": "",
        "NewStatusIPv4": "updated",
        "NewStatusIPv6": "offline",
        "NewUpdateURL": "https://ddns.example.org/update?host=<domain>&ip=<ipaddr>",
        "NewUsername": "ddns-user",
    }
    assert simulator.state.ddns.password == "Ddns-Pw-1"


@pytest.mark.parametrize(
    ("mode", "v4", "v6"),
    [
        ("ddns_v4", "updated", "offline"),
        ("ddns_v6", "offline", "updated"),
        ("ddns_together", "updated", "updated"),
    ],
)
async def test_ddns_status_per_address_family(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession, mode: str, v4: str, v6: str
) -> None:
    assert (await call(session, simulator, "SetDDNSConfig", _ddns(mode=mode))).status == 200
    simulator.advance(10)
    ddns = simulator.state.ddns
    assert (ddns.status_ipv4, ddns.status_ipv6) == (v4, v6)


async def test_ddns_both_takes_two_urls(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    two = "http://a.example.org/v4?ip=<ipaddr> http://a.example.org/v6?ip=<ip6addr>"
    assert (
        await call(session, simulator, "SetDDNSConfig", _ddns(mode="ddns_both", url=two))
    ).status == 200
    one = "http://a.example.org/v4?ip=<ipaddr>"
    reply = await call(session, simulator, "SetDDNSConfig", _ddns(mode="ddns_both", url=one))
    assert reply.error_code == 600


async def test_ddns_bad_credentials_end_in_account_disabled(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    simulator.state.ddns.credentials_valid = False
    await call(session, simulator, "SetDDNSConfig", _ddns(mode="ddns_together"))
    simulator.advance(10)
    ddns = simulator.state.ddns
    assert (ddns.status_ipv4, ddns.status_ipv6) == ("account-disabled", "account-disabled")


async def test_ddns_disabled_is_offline_and_keeps_the_password(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    await call(session, simulator, "SetDDNSConfig", _ddns())
    disabled = _ddns(enabled="0", provider="", url="", domain="", password="")
    assert (await call(session, simulator, "SetDDNSConfig", disabled)).status == 200
    ddns = simulator.state.ddns
    assert not ddns.enabled
    assert (ddns.status_ipv4, ddns.status_ipv6) == ("offline", "offline")
    assert ddns.password == "Ddns-Pw-1"


@pytest.mark.parametrize(
    ("spelling", "accepted", "refused"),
    [
        ("ddns_together", "ddns_together", "ddns_both_together"),
        ("ddns_both_together", "ddns_both_together", "ddns_together"),
    ],
)
async def test_ddns_mode_in_the_box_spelling(
    simulator_factory: SimulatorFactory,
    session: aiohttp.ClientSession,
    spelling: str,
    accepted: str,
    refused: str,
) -> None:
    sim = await simulator_factory(mode_spelling=spelling)
    assert (await call(session, sim, "SetDDNSConfig", _ddns(mode=accepted))).status == 200
    assert sim.state.ddns.mode == accepted
    assert (await call(session, sim, "SetDDNSConfig", _ddns(mode=refused))).error_code == 600
    assert (await call(session, sim, "SetDDNSConfig", _ddns(mode="v4"))).error_code == 600


@pytest.mark.parametrize(
    "changes",
    [
        {"provider": "No Such DNS"},
        {"provider": "User-defined"},  # the English name on a German box
        {"url": "ddns.example.org"},
        {"url": "https://ddns.example.org"},
        {"url": "https:///update"},
        {"url": ""},
        {"url": "http://a.example.org/x http://b.example.org/y"},
        {"domain": ""},
        {"domain": "two words"},
        {"enabled": "on"},
    ],
)
async def test_ddns_invalid_settings(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession, changes: dict[str, str]
) -> None:
    reply = await call(session, simulator, "SetDDNSConfig", _ddns(**changes))
    assert reply.error_code == (402 if "enabled" in changes else 600)
    assert not simulator.state.ddns.enabled


@pytest.mark.parametrize(
    "url",
    ["ddns.example.org/update", "http://ddns.example.org/", "HTTPS://x.example.org:8443/u?a=1"],
)
async def test_ddns_url_forms(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession, url: str
) -> None:
    assert (await call(session, simulator, "SetDDNSConfig", _ddns(url=url))).status == 200


async def test_listed_provider_without_url(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    reply = await call(session, simulator, "SetDDNSConfig", _ddns(provider="dynv6.com", url=""))
    assert reply.status == 200
    assert simulator.state.ddns.provider_name == "dynv6.com"


async def test_values_are_escaped_both_ways(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    await call(session, simulator, "SetDDNSConfig", _ddns(domain="a&b<c>.example.org"))
    reply = await call(session, simulator, "GetDDNSInfo")
    assert b"<NewDomain>a&amp;b&lt;c&gt;.example.org</NewDomain>" in reply.body
    assert reply.values["NewDomain"] == "a&b<c>.example.org"


# -- Let's Encrypt ------------------------------------------------------------------------------


async def test_lets_encrypt_progression(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    on = {"NewLetsEncryptEnabled": "1"}
    assert (await call(session, simulator, "SetLetsEncryptEnable", on)).status == 200
    info = await call(session, simulator, "GetInfo")
    assert (info.values["NewLetsEncryptEnabled"], info.values["NewLetsEncryptState"]) == (
        "1",
        "get",
    )
    simulator.advance(29)
    assert simulator.state.lets_encrypt_state == "get"
    simulator.advance(1)
    info = await call(session, simulator, "GetInfo")
    assert info.values["NewLetsEncryptState"] == "valid"
    await call(session, simulator, "SetLetsEncryptEnable", on)  # already on: stays valid
    assert simulator.state.lets_encrypt_state == "valid"
    await call(session, simulator, "SetLetsEncryptEnable", {"NewLetsEncryptEnabled": "0"})
    info = await call(session, simulator, "GetInfo")
    assert (info.values["NewLetsEncryptEnabled"], info.values["NewLetsEncryptState"]) == (
        "0",
        "not_used",
    )


async def test_lets_encrypt_switched_off_while_pending(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    await call(session, simulator, "SetLetsEncryptEnable", {"NewLetsEncryptEnabled": "1"})
    await call(session, simulator, "SetLetsEncryptEnable", {"NewLetsEncryptEnabled": "0"})
    simulator.advance(60)
    assert simulator.state.lets_encrypt_state == "not_used"


async def test_legacy_has_no_lets_encrypt(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(profile="legacy")
    info = await call(session, sim, "GetInfo")
    assert set(info.values) == {"NewEnabled", "NewPort", "NewUsername"}
    reply = await call(session, sim, "SetLetsEncryptEnable", {"NewLetsEncryptEnabled": "1"})
    assert reply.error_code == 401
    assert b"<errorDescription>Invalid Action</errorDescription>" in reply.body


# -- DeviceInfo ----------------------------------------------------------------------------------


async def test_device_info(simulator: FritzBoxSimulator, session: aiohttp.ClientSession) -> None:
    info = await call(session, simulator, "GetInfo", service_type=DEVICE_INFO)
    values = info.values
    assert values["NewManufacturerName"] == "AVM"
    assert values["NewModelName"] == "FRITZ!Box 7590"
    assert values["NewSerialNumber"] == simulator.serial_number
    assert values["NewSoftwareVersion"] == "154.07.57"
    uptime = int(values["NewUpTime"])
    simulator.advance(100)
    later = await call(session, simulator, "GetInfo", service_type=DEVICE_INFO)
    assert int(later.values["NewUpTime"]) >= uptime + 100
    code = {"NewProvisioningCode": "001.002.003.004"}
    await call(session, simulator, "SetProvisioningCode", code, service_type=DEVICE_INFO)
    assert simulator.state.provisioning_code == "001.002.003.004"
    too_long = {"NewProvisioningCode": "1" * 65}
    reply = await call(
        session, simulator, "SetProvisioningCode", too_long, service_type=DEVICE_INFO
    )
    assert reply.error_code == 402
    log = await call(session, simulator, "GetDeviceLog", service_type=DEVICE_INFO)
    assert "154.07.57" in log.values["NewDeviceLog"]
