"""A box whose "access for applications" (TR-064) is off: no description, every action refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .helpers import DEVICE_INFO, call, raw_post

if TYPE_CHECKING:
    import aiohttp

    from tests.conftest import SimulatorFactory


async def _status(session: aiohttp.ClientSession, url: str) -> int:
    async with session.get(url) as response:
        return response.status


async def test_tr064_disabled(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(tr064_enabled=False)
    assert await _status(session, f"{sim.url}/tr64desc.xml") == 404
    reply = await raw_post(session, sim)  # without credentials: the same answer
    assert (reply.status, reply.error_code) == (500, 401)
    reply = await call(session, sim, "GetInfo")
    assert reply.error_code == 401
    reply = await call(session, sim, "GetSecurityPort", service_type=DEVICE_INFO)
    assert reply.error_code == 401
    # Not a fault that can be switched off: it is the box's configuration.
    assert not sim.faults.app_access_disabled
    assert sim.log.count(path="/tr64desc.xml", status=404) == 1


async def test_tr064_enabled_by_default(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory()
    assert sim.config.tr064_enabled
    assert await _status(session, f"{sim.url}/tr64desc.xml") == 200
    assert (await call(session, sim, "GetInfo")).status == 200
