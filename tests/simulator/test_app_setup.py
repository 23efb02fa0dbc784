"""X_AVM-DE_AppSetup GetAppRemoteInfo: addresses per line, DDNS and MyFRITZ!, rights, absence."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

import pytest

from fritzbox_simulator import BoxUser, SimulatorConfig
from fritzbox_simulator.__main__ import build_parser, config_from_args

from .helpers import APP_SETUP, DEVICE_NS, call, control, description_services, parse_document

if TYPE_CHECKING:
    import aiohttp

    from fritzbox_simulator import FritzBoxSimulator
    from tests.conftest import SimulatorFactory

NS = "{urn:schemas-upnp-org:service-1-0}"
OUT = [
    "NewSubnetMask",
    "NewIPAddress",
    "NewExternalIPAddress",
    "NewExternalIPv6Address",
    "NewRemoteAccessDDNSEnabled",
    "NewRemoteAccessDDNSDomain",
    "NewMyFritzEnabled",
    "NewMyFritzDynDNSName",
]
CGNAT = ipaddress.ip_network("100.64.0.0/10")
DDNS = {
    "NewEnabled": "1",
    "NewProviderName": "dynv6.com",
    "NewUpdateURL": "",
    "NewServerIPv4": "",
    "NewServerIPv6": "",
    "NewDomain": "box.dynv6.net",
    "NewUsername": "none",
    "NewPassword": "Ddns-Pw-123",
    "NewMode": "ddns_both",
}


async def _info(
    session: aiohttp.ClientSession, sim: FritzBoxSimulator, **kw: Any
) -> dict[str, str]:
    reply = await call(session, sim, "GetAppRemoteInfo", service_type=APP_SETUP, **kw)
    assert reply.status == 200, reply.text
    assert list(reply.values) == OUT
    return reply.values


async def test_described_like_a_7590(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    entry = (await description_services(session, simulator))[APP_SETUP]
    assert entry.findtext(f"{DEVICE_NS}controlURL") == "/upnp/control/x_appsetup"
    assert entry.findtext(f"{DEVICE_NS}SCPDURL") == "/x_appsetupSCPD.xml"
    async with session.get(f"{simulator.url}/x_appsetupSCPD.xml") as response:
        scpd = parse_document(await response.read())
    (action,) = scpd.iter(f"{NS}action")
    assert action.findtext(f"{NS}name") == "GetAppRemoteInfo"
    arguments = [
        (
            a.findtext(f"{NS}name"),
            a.findtext(f"{NS}direction"),
            a.findtext(f"{NS}relatedStateVariable"),
        )
        for a in action.iter(f"{NS}argument")
    ]
    assert arguments == [(name, "out", name.removeprefix("New")) for name in OUT]
    types = {
        v.findtext(f"{NS}name"): v.findtext(f"{NS}dataType")
        for v in scpd.iter(f"{NS}stateVariable")
    }
    assert types["RemoteAccessDDNSEnabled"] == types["MyFritzEnabled"] == "boolean"
    assert types["ExternalIPAddress"] == types["MyFritzDynDNSName"] == "string"


async def test_answers_from_the_box_state(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    assert await _info(session, simulator) == {
        "NewSubnetMask": "255.255.255.0",
        "NewIPAddress": "192.168.178.1",
        "NewExternalIPAddress": "84.152.23.17",
        "NewExternalIPv6Address": "2003:c2:e70f:5a00:3a10:d5ff:fe4b:9c21",
        "NewRemoteAccessDDNSEnabled": "0",
        "NewRemoteAccessDDNSDomain": "",
        "NewMyFritzEnabled": "0",
        "NewMyFritzDynDNSName": "",
    }
    assert (await call(session, simulator, "SetDDNSConfig", DDNS)).status == 200
    simulator.state.myfritz_enabled = True
    simulator.state.myfritz_dyndns_name = "a1b2c3d4e5f6g7h8.myfritz.net"
    info = await _info(session, simulator)
    assert info["NewRemoteAccessDDNSEnabled"] == "1"
    assert info["NewRemoteAccessDDNSDomain"] == "box.dynv6.net"
    assert info["NewMyFritzEnabled"] == "1"
    assert info["NewMyFritzDynDNSName"] == "a1b2c3d4e5f6g7h8.myfritz.net"


@pytest.mark.parametrize(
    ("right", "allowed"), [("C", True), ("A", True), ("P", False), ("N", False), ("H", False)]
)
async def test_rights_c_or_a(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession, right: str, allowed: bool
) -> None:
    user = BoxUser("app", "App-Pw-1234", frozenset({right}))
    sim = await simulator_factory(users=(user,))
    reply = await call(
        session,
        sim,
        "GetAppRemoteInfo",
        service_type=APP_SETUP,
        username="app",
        password="App-Pw-1234",
    )
    assert (reply.status, reply.error_code) == ((200, None) if allowed else (500, 606))


@pytest.mark.parametrize("line", ["public", "ds-lite", "cgnat", "private"])
async def test_lines(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession, line: str
) -> None:
    sim = await simulator_factory(line=line)
    info = await _info(session, sim)
    ipv4, ipv6 = info["NewExternalIPAddress"], info["NewExternalIPv6Address"]
    if line == "ds-lite":
        assert ipv4 == ""
    else:
        address = ipaddress.IPv4Address(ipv4)
        assert (address in CGNAT) is (line == "cgnat")
        assert address.is_private is (line == "private")
        assert address.is_global is (line == "public")
    if line == "private":
        assert ipv6 == ""
    else:
        assert ipaddress.IPv6Address(ipv6).is_global


async def test_line_changes_at_run_time(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(control_api=True)
    sim.set_line("ds-lite")
    assert (await _info(session, sim))["NewExternalIPAddress"] == ""
    sim.set_external_addresses(ipv4="100.100.1.2")
    info = await _info(session, sim)
    assert info["NewExternalIPAddress"] == "100.100.1.2"
    assert info["NewExternalIPv6Address"].startswith("2a02:")
    for bad in ({"ipv4": "2003::1"}, {"ipv6": "84.152.23.17"}, {"ipv4": "box"}):
        with pytest.raises(ValueError, match="not"):
            sim.set_external_addresses(**bad)
    with pytest.raises(ValueError, match="unknown line"):
        sim.set_line("dial-up")
    assert (await _info(session, sim))["NewExternalIPAddress"] == "100.100.1.2"

    async def post(operation: str, expected: int = 200, **params: str) -> dict[str, Any]:
        return await control(session, sim, operation, expected, params=params)

    line = (await post("line", profile="cgnat"))["line"]
    assert (line["external_ipv4"], line["external_ipv6"]) == (
        "100.72.14.203",
        "2a02:8108:1a40:3e00:3a10:d5ff:fe4b:9c21",
    )
    await post("line", ipv6="")
    assert (await _info(session, sim))["NewExternalIPv6Address"] == ""
    await post("line", 400, profile="dial-up")
    await post("line", 400, ipv4="300.1.1.1")
    line = (await post("myfritz", enabled="1", name="xyz.myfritz.net"))["line"]
    assert (line["myfritz_enabled"], line["myfritz_dyndns_name"]) == (True, "xyz.myfritz.net")
    info = await _info(session, sim)
    assert (info["NewMyFritzEnabled"], info["NewMyFritzDynDNSName"]) == ("1", "xyz.myfritz.net")
    assert (info["NewExternalIPAddress"], info["NewExternalIPv6Address"]) == ("100.72.14.203", "")


async def test_a_box_without_the_service(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(app_setup=False)
    services = await description_services(session, sim)
    assert APP_SETUP not in services
    assert "urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1" in services
    async with session.get(f"{sim.url}/x_appsetupSCPD.xml") as response:
        assert response.status == 404
    reply = await call(session, sim, "GetAppRemoteInfo", service_type=APP_SETUP)
    assert reply.status == 404


def test_config_and_command_line() -> None:
    with pytest.raises(ValueError, match="line must be one of"):
        SimulatorConfig(line="dial-up")
    config = config_from_args(build_parser().parse_args(["--line", "cgnat", "--no-app-setup"]))
    assert (config.line, config.app_setup) == ("cgnat", False)
    defaults = config_from_args(build_parser().parse_args([]))
    assert (defaults.line, defaults.app_setup) == ("public", True)
