"""The simulator's HTTP control interface: pressing the button and more, without a login."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from fritzbox_simulator.control_api import ControlError, apply

from .helpers import AUTH, call, control

if TYPE_CHECKING:
    import aiohttp

    from fritzbox_simulator import FritzBoxSimulator
    from tests.conftest import SimulatorFactory

ENABLE = {"NewEnabled": "1"}


async def _token(session: aiohttp.ClientSession, sim: FritzBoxSimulator) -> str:
    reply = await call(session, sim, "SetConfig", {"NewAction": "start"}, service_type=AUTH)
    return reply.values["NewToken"]


async def test_press_the_button_over_http(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(confirm=True, control_api=True)
    assert await control(session, sim, "press-button") == {
        "ok": True,
        "confirmed": False,
        "state": "stopped",
    }
    token = await _token(session, sim)
    sim.log.clear()
    assert await control(session, sim, "press-button") == {
        "ok": True,
        "confirmed": True,
        "state": "authenticated",
    }
    assert sim.log.entries == []  # the control interface is not the box's
    assert (await call(session, sim, "SetEnable", ENABLE, token=token)).status == 200


async def test_dial_over_http(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(confirm=True, control_api=True)
    await _token(session, sim)
    wrong = await control(session, sim, "dial", params={"code": "*19999"})
    assert (wrong["confirmed"], wrong["state"]) == (False, "waitingforauth")
    await control(session, sim, "dial", 400)  # no code
    right = await control(session, sim, "dial", json={"code": "*11234"})
    assert (right["confirmed"], right["state"]) == (True, "authenticated")


async def test_status_protect_fault_advance(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(control_api=True, second_factor_seconds=30)
    async with session.get(f"{sim.url}/simulator/status") as response:
        assert response.status == 200
        status = await response.json()
    assert status["second_factor"] == {
        "enabled": True,
        "state": "stopped",
        "methods": "button,dtmf;*11234",
        "phone_code": "*11234",
        "unconfirmed_starts": 0,
    }
    assert status["protected_actions"] == []
    assert status["faults"]["malformed_xml"] is False

    answer = await control(session, sim, "protect", params={"actions": "SetEnable,SetConfig"})
    assert answer["protected_actions"] == ["SetConfig", "SetEnable"]
    assert (await call(session, sim, "SetEnable", ENABLE)).error_code == 866
    await control(session, sim, "protect", 400, json={"actions": ["SetEverything"]})
    assert sim.protected_actions == {"SetConfig", "SetEnable"}
    await control(session, sim, "protect", json={"actions": []})
    assert (await call(session, sim, "SetEnable", ENABLE)).status == 200

    await control(session, sim, "fault", params={"name": "app-access-disabled"})
    assert (await call(session, sim, "GetInfo")).error_code == 401
    await control(session, sim, "fault", params={"name": "app_access_disabled", "on": "off"})
    assert (await call(session, sim, "GetInfo")).status == 200
    await control(session, sim, "fault", 400, params={"name": "explode"})
    await control(session, sim, "fault", 400, params={"name": "malformed_xml", "on": "maybe"})

    await _token(session, sim)
    assert (await control(session, sim, "advance", params={"seconds": "30"}))[
        "second_factor_state"
    ] == "stopped"
    await control(session, sim, "advance", 400, params={"seconds": "-1"})
    await control(session, sim, "advance", 400, params={"seconds": "soon"})

    token = await _token(session, sim)
    failed = await control(session, sim, "fail-second-factor")
    assert (failed["failed"], failed["state"]) == (True, "stopped")
    reply = await call(session, sim, "GetState", service_type=AUTH, token=token)
    assert reply.values["NewState"] == "failure"


async def test_refusals(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(control_api=True)
    await control(session, sim, "explode", 404)
    await control(session, sim, "dial", 400, data=b"[1, 2]")
    await control(session, sim, "dial", 400, data=b"{not json")
    async with session.get(f"{sim.url}/simulator/press-button") as response:
        assert response.status == 405
    assert sim.second_factor.state == "stopped"


async def test_off_unless_asked_for(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    async with session.post(f"{simulator.url}/simulator/press-button") as response:
        assert response.status == 404
        assert "text/html" in response.headers["Content-Type"]  # the box's own 404
    assert simulator.log.count(path="/simulator/press-button", status=404) == 1


def test_apply_without_http() -> None:
    from fritzbox_simulator import FritzBoxSimulator, SimulatorConfig  # noqa: PLC0415

    sim = FritzBoxSimulator(SimulatorConfig(confirm=True))
    assert apply(sim, "status", {})["protected_actions"] == [
        "SetConfig",
        "SetDDNSConfig",
        "SetEnable",
        "SetLetsEncryptEnable",
    ]
    assert apply(sim, "press_button", {}) == {"confirmed": False, "state": "stopped"}
    with pytest.raises(ControlError, match="unknown operation") as caught:
        apply(sim, "reboot", {})
    assert caught.value.status == 404
