"""The X_AVM-DE_RemoteAccess and DeviceInfo SCPDs per profile and Mode spelling."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .helpers import parse_document

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    import aiohttp

    from fritzbox_simulator import FritzBoxSimulator
    from tests.conftest import SimulatorFactory

NS = "{urn:schemas-upnp-org:service-1-0}"
STATUS_V4 = [
    "offline",
    "checking",
    "updating",
    "updated",
    "verifying",
    "complete",
    "new address",
    "account-disabled",
    "internet-not-connected",
    "undefined",
]


async def _scpd(session: aiohttp.ClientSession, sim: FritzBoxSimulator, path: str) -> ET.Element:
    async with session.get(f"{sim.url}{path}") as response:
        assert response.status == 200
        return parse_document(await response.read())


def _actions(scpd: ET.Element) -> dict[str, list[tuple[str, str, str]]]:
    return {
        action.findtext(f"{NS}name") or "": [
            (
                arg.findtext(f"{NS}name") or "",
                arg.findtext(f"{NS}direction") or "",
                arg.findtext(f"{NS}relatedStateVariable") or "",
            )
            for arg in action.findall(f"{NS}argumentList/{NS}argument")
        ]
        for action in scpd.iter(f"{NS}action")
    }


def _variables(scpd: ET.Element) -> dict[str, ET.Element]:
    return {var.findtext(f"{NS}name") or "": var for var in scpd.iter(f"{NS}stateVariable")}


def _allowed(var: ET.Element) -> list[str]:
    return [v.text or "" for v in var.iter(f"{NS}allowedValue")]


@pytest.mark.parametrize("spelling", ["ddns_together", "ddns_both_together"])
async def test_modern_remote_access_scpd(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession, spelling: str
) -> None:
    sim = await simulator_factory(mode_spelling=spelling)
    scpd = await _scpd(session, sim, "/x_remoteSCPD.xml")
    actions = _actions(scpd)
    assert list(actions) == [
        "GetInfo",
        "SetConfig",
        "GetDDNSInfo",
        "GetDDNSProviders",
        "SetDDNSConfig",
        "SetEnable",
        "SetLetsEncryptEnable",
    ]
    assert [name for name, _, _ in actions["GetInfo"]] == [
        "NewEnabled",
        "NewPort",
        "NewUsername",
        "NewLetsEncryptEnabled",
        "NewLetsEncryptState",
    ]
    assert actions["SetEnable"] == [
        ("NewEnabled", "in", "Enabled"),
        ("NewPort", "out", "Port"),
    ]
    assert actions["SetLetsEncryptEnable"] == [
        ("NewLetsEncryptEnabled", "in", "LetsEncryptEnabled")
    ]
    assert {d for args in actions.values() for _, d, _ in args} == {"in", "out"}
    variables = _variables(scpd)
    assert variables["Port"].findtext(f"{NS}dataType") == "string"
    assert variables["Enabled"].findtext(f"{NS}dataType") == "boolean"
    assert variables["Mode"].findtext(f"{NS}defaultValue") == "ddns_v4"
    assert _allowed(variables["Mode"]) == ["ddns_v4", "ddns_v6", "ddns_both", spelling]
    assert _allowed(variables["StatusIPv4"]) == STATUS_V4
    assert _allowed(variables["StatusIPv6"]) == [
        "new-address" if s == "new address" else s for s in STATUS_V4
    ]
    assert _allowed(variables["LetsEncryptState"]) == [
        "not_used",
        "get",
        "valid",
        "invalid",
        "unknown",
    ]
    related = {var for args in actions.values() for _, _, var in args}
    assert related <= set(variables)


async def test_legacy_remote_access_scpd(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(profile="legacy")
    scpd = await _scpd(session, sim, "/x_remoteSCPD.xml")
    actions = _actions(scpd)
    assert "SetLetsEncryptEnable" not in actions
    assert [name for name, _, _ in actions["GetInfo"]] == [
        "NewEnabled",
        "NewPort",
        "NewUsername",
    ]
    variables = _variables(scpd)
    assert "LetsEncryptEnabled" not in variables
    assert "LetsEncryptState" not in variables
    assert _allowed(variables["Mode"])[-1] == "ddns_together"


async def test_device_info_scpd(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    scpd = await _scpd(session, simulator, "/deviceinfoSCPD.xml")
    actions = _actions(scpd)
    assert set(actions) == {"GetInfo", "SetProvisioningCode", "GetDeviceLog", "GetSecurityPort"}
    assert [name for name, _, _ in actions["GetInfo"]] == [
        "NewManufacturerName",
        "NewManufacturerOUI",
        "NewModelName",
        "NewDescription",
        "NewProductClass",
        "NewSerialNumber",
        "NewSoftwareVersion",
        "NewHardwareVersion",
        "NewSpecVersion",
        "NewProvisioningCode",
        "NewUpTime",
        "NewDeviceLog",
    ]
    variables = _variables(scpd)
    assert variables["UpTime"].findtext(f"{NS}dataType") == "ui4"
    assert variables["SecurityPort"].findtext(f"{NS}dataType") == "ui2"
