"""tr64desc.xml and the SCPDs are shaped like a FRITZ!Box 7590's."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from fritzbox_simulator import FritzBoxSimulator, SimulatorConfig

from .helpers import TIME, call, local, parse_document

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    import aiohttp

    from tests.conftest import SimulatorFactory

NS = "{urn:dslforum-org:device-1-0}"
SCPD_NS = "{urn:schemas-upnp-org:service-1-0}"
EXPECTED_SERVICES = {
    "InternetGatewayDevice": {
        "DeviceInfo:1",
        "DeviceConfig:1",
        "Layer3Forwarding:1",
        "LANConfigSecurity:1",
        "ManagementServer:1",
        "Time:1",
        "UserInterface:1",
        "X_AVM-DE_Storage:1",
        "X_AVM-DE_WebDAVClient:1",
        "X_AVM-DE_UPnP:1",
        "X_AVM-DE_Speedtest:1",
        "X_AVM-DE_RemoteAccess:1",
        "X_AVM-DE_MyFritz:1",
        "X_VoIP:1",
        "X_AVM-DE_OnTel:1",
        "X_AVM-DE_Dect:1",
        "X_AVM-DE_TAM:1",
        "X_AVM-DE_AppSetup:1",
        "X_AVM-DE_Homeauto:1",
        "X_AVM-DE_Homeplug:1",
        "X_AVM-DE_Filelinks:1",
        "X_AVM-DE_Auth:1",
        "X_AVM-DE_HostFilter:1",
    },
    "LANDevice": {
        "WLANConfiguration:1",
        "WLANConfiguration:2",
        "WLANConfiguration:3",
        "Hosts:1",
        "LANEthernetInterfaceConfig:1",
        "LANHostConfigManagement:1",
    },
    "WANDevice": {"WANCommonInterfaceConfig:1", "WANDSLInterfaceConfig:1"},
    "WANConnectionDevice": {
        "WANDSLLinkConfig:1",
        "WANEthernetLinkConfig:1",
        "WANPPPConnection:1",
        "WANIPConnection:1",
    },
}


async def _description(session: aiohttp.ClientSession, sim: FritzBoxSimulator) -> ET.Element:
    async with session.get(f"{sim.url}/tr64desc.xml") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/xml")
        assert response.headers["Server"].startswith("FRITZ!Box 7590 UPnP/1.0 AVM FRITZ!Box 7590 1")
        return parse_document(await response.read())


def _devices(root: ET.Element) -> dict[str, ET.Element]:
    return {
        (device.findtext(f"{NS}deviceType") or "").split(":")[-2]: device
        for device in root.iter(f"{NS}device")
    }


def _services(device: ET.Element) -> list[ET.Element]:
    return device.findall(f"{NS}serviceList/{NS}service")


async def test_root_and_system_version(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    root = await _description(session, simulator)
    assert root.tag == f"{NS}root"
    assert root.findtext(f"{NS}specVersion/{NS}major") == "1"
    assert root.findtext(f"{NS}specVersion/{NS}minor") == "0"
    assert root.findtext(f"{NS}systemVersion/{NS}Display") == "154.07.57"
    device = root.find(f"{NS}device")
    assert device is not None
    assert device.findtext(f"{NS}deviceType") == "urn:dslforum-org:device:InternetGatewayDevice:1"
    assert device.findtext(f"{NS}friendlyName") == "FRITZ!Box 7590"
    assert device.findtext(f"{NS}modelName") == "FRITZ!Box 7590"
    assert device.findtext(f"{NS}manufacturer") == "AVM"
    assert device.findtext(f"{NS}UDN") == simulator.udn
    assert simulator.udn.startswith("uuid:")


async def test_nesting_and_service_count(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    root = await _description(session, simulator)
    devices = _devices(root)
    found = {
        kind: {
            (s.findtext(f"{NS}serviceType") or "").removeprefix("urn:dslforum-org:service:")
            for s in _services(device)
        }
        for kind, device in devices.items()
    }
    assert found == EXPECTED_SERVICES
    assert sum(len(services) for services in found.values()) == 35
    # LANDevice and WANDevice hang below the root, WANConnectionDevice below WANDevice.
    root_device = root.find(f"{NS}device")
    assert root_device is not None
    children = root_device.findall(f"{NS}deviceList/{NS}device")
    assert [c.findtext(f"{NS}deviceType") for c in children] == [
        "urn:dslforum-org:device:LANDevice:1",
        "urn:dslforum-org:device:WANDevice:1",
    ]
    grandchildren = children[1].findall(f"{NS}deviceList/{NS}device")
    assert [c.findtext(f"{NS}deviceType") for c in grandchildren] == [
        "urn:dslforum-org:device:WANConnectionDevice:1"
    ]
    udns = [device.findtext(f"{NS}UDN") for device in devices.values()]
    assert len(set(udns)) == 4
    assert all(udn and udn.startswith("uuid:") for udn in udns)


async def test_remote_access_entry(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    root = await _description(session, simulator)
    entry = next(
        s
        for s in root.iter(f"{NS}service")
        if s.findtext(f"{NS}serviceType") == "urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1"
    )
    assert entry.findtext(f"{NS}serviceId") == (
        "urn:X_AVM-DE_RemoteAccess-com:serviceId:X_AVM-DE_RemoteAccess1"
    )
    assert entry.findtext(f"{NS}controlURL") == "/upnp/control/x_remote"
    assert entry.findtext(f"{NS}eventSubURL") == "/upnp/control/x_remote"
    assert entry.findtext(f"{NS}SCPDURL") == "/x_remoteSCPD.xml"


async def test_every_scpd_is_served(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    root = await _description(session, simulator)
    scpd_urls = {s.findtext(f"{NS}SCPDURL") for s in root.iter(f"{NS}service")}
    assert len(scpd_urls) == 33  # the three WLANConfiguration services share one
    for url in scpd_urls:
        async with session.get(f"{simulator.url}{url}") as response:
            assert response.status == 200, url
            scpd = parse_document(await response.read())
        assert scpd.tag == f"{SCPD_NS}scpd"
        assert scpd.findall(f"{SCPD_NS}actionList/{SCPD_NS}action"), url
        assert scpd.findall(f"{SCPD_NS}serviceStateTable/{SCPD_NS}stateVariable"), url


async def test_unimplemented_services_answer_invalid_action(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    reply = await call(session, simulator, "GetInfo", service_type=TIME)
    assert reply.status == 500
    assert reply.error_code == 401


async def test_unknown_paths(simulator: FritzBoxSimulator, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{simulator.url}/nothing.xml") as response:
        assert response.status == 404
    async with session.post(f"{simulator.url}/upnp/control/nothing", data=b"") as response:
        assert response.status == 404
    async with session.put(f"{simulator.url}/tr64desc.xml", data=b"") as response:
        assert response.status == 405


async def test_udn_is_stable_and_configurable(simulator_factory: SimulatorFactory) -> None:
    first = await simulator_factory()
    assert first.udn == first.udn
    second = await simulator_factory()
    assert second.udn != first.udn
    fixed = await simulator_factory(udn="uuid:12345678-1234-1234-1234-123456789abc")
    assert fixed.udn == "uuid:12345678-1234-1234-1234-123456789abc"
    seeded = FritzBoxSimulator(SimulatorConfig(seed=7))
    assert seeded.udn == FritzBoxSimulator(SimulatorConfig(seed=7)).udn


def test_udn_must_be_a_uuid_urn() -> None:
    with pytest.raises(ValueError, match="uuid"):
        SimulatorConfig(udn="12345")


async def test_legacy_system_version(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(profile="legacy")
    root = await _description(session, sim)
    assert root.findtext(f"{NS}systemVersion/{NS}Display") == "154.07.21"
    assert local(root.tag) == "root"
