"""The request log counts per path, status and action, and nothing leaks a password."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from fritzbox_simulator import BoxUser, RequestRecord, SimulatorConfig

from .helpers import DEVICE_INFO, PASSWORD, USERNAME, call

if TYPE_CHECKING:
    import aiohttp
    import pytest

    from fritzbox_simulator import FritzBoxSimulator
    from tests.conftest import SimulatorFactory


async def test_counts(simulator: FritzBoxSimulator, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{simulator.url}/tr64desc.xml") as response:
        assert response.status == 200
    await call(session, simulator, "GetInfo")
    await call(session, simulator, "GetInfo", service_type=DEVICE_INFO)
    await call(session, simulator, "SetEnable", {"NewEnabled": "1"})
    log = simulator.log
    assert log.count() == len(log.entries) == 7  # each call: one 401 challenge, one 200
    assert log.count(path="/tr64desc.xml") == 1
    assert log.count(path="/upnp/control/x_remote") == 4
    assert log.count(status=401) == 3
    assert log.count(action="GetInfo") == 4
    assert log.count(path="/upnp/control/x_remote", action="GetInfo", status=200) == 1
    assert log.entries[0] == RequestRecord("GET", "/tr64desc.xml", 200, None, False, None)
    assert log.entries[1] == RequestRecord(
        "POST", "/upnp/control/x_remote", 401, "GetInfo", False, None
    )
    assert log.entries[2] == RequestRecord(
        "POST", "/upnp/control/x_remote", 200, "GetInfo", True, USERNAME
    )
    log.clear()
    assert log.count() == 0


async def test_failed_actions_are_logged_as_such(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(users=(BoxUser("phone", "Phone-Pw-1", frozenset("P")),))
    await call(
        session, sim, "SetEnable", {"NewEnabled": "1"}, username="phone", password="Phone-Pw-1"
    )
    record = sim.log.entries[-1]
    assert (record.status, record.action, record.authenticated, record.username) == (
        500,
        "SetEnable",
        True,
        "phone",
    )


async def test_no_password_in_logging_or_reprs(
    simulator_factory: SimulatorFactory,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="fritzbox_simulator")
    sim = await simulator_factory()
    secrets = (PASSWORD, "Remote-Secret-1", "Ddns-Secret-2", "Wrong-Secret-3")
    await call(
        session,
        sim,
        "SetConfig",
        {
            "NewEnabled": "1",
            "NewPort": "443",
            "NewUsername": "remote",
            "NewPassword": secrets[1],
        },
    )
    await call(
        session,
        sim,
        "SetDDNSConfig",
        {
            "NewEnabled": "1",
            "NewProviderName": "dynv6.com",
            "NewUpdateURL": "",
            "NewServerIPv4": "",
            "NewServerIPv6": "",
            "NewDomain": "x.example.org",
            "NewUsername": "d",
            "NewPassword": secrets[2],
            "NewMode": "ddns_v4",
        },
    )
    await call(session, sim, "GetInfo", password=secrets[3])
    texts = [
        caplog.text,
        repr(sim.config),
        repr(sim.state),
        repr(sim.log.entries),
        repr(SimulatorConfig(password=PASSWORD)),
    ]
    assert any("SetConfig" in record.getMessage() for record in caplog.records)
    for secret in secrets:
        assert all(secret not in text for text in texts), secret
