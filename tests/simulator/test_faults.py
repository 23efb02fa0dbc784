"""Every fault, switched at start and at run time, and reboots."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
import xml.etree.ElementTree as ET

import aiohttp
import pytest

from fritzbox_simulator import Faults
from fritzbox_simulator.soap import SoapParseError, parse_xml

from .helpers import (
    CHALLENGE,
    DEVICE_INFO,
    PASSWORD,
    USERNAME,
    call,
    digest_authorization,
    fresh_nonce,
    parse_document,
    raw_post,
)

if TYPE_CHECKING:
    from fritzbox_simulator import FritzBoxSimulator
    from tests.conftest import SimulatorFactory


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    async with session.get(url) as response:
        return response.status, await response.read()


async def test_latency(simulator: FritzBoxSimulator, session: aiohttp.ClientSession) -> None:
    loop = asyncio.get_running_loop()
    simulator.faults.latency = 0.2
    started = loop.time()
    assert (await _get(session, f"{simulator.url}/tr64desc.xml"))[0] == 200
    assert loop.time() - started >= 0.2
    simulator.faults.latency = 0
    started = loop.time()
    await _get(session, f"{simulator.url}/tr64desc.xml")
    assert loop.time() - started < 0.2


async def test_latency_after_the_client_gave_up(
    simulator: FritzBoxSimulator,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A client that timed out is not answered: no read from or write into its connection."""
    authorization = digest_authorization(
        USERNAME, PASSWORD, await fresh_nonce(session, simulator), 1
    )
    simulator.log.clear()
    simulator.faults.latency = 0.3
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await raw_post(session, simulator, authorization=authorization)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await _get(session, f"{simulator.url}/tr64desc.xml")
    await asyncio.sleep(0.5)  # the box's latency runs out meanwhile
    assert [entry.status for entry in simulator.log.entries] == [0, 0]
    assert not [record for record in caplog.records if record.name.startswith("aiohttp")]
    simulator.faults.latency = 0
    assert (await call(session, simulator, "GetInfo")).status == 200


async def test_drop_connection(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    simulator.faults.drop_connection = True
    with pytest.raises(aiohttp.ClientConnectionError):
        await _get(session, f"{simulator.url}/tr64desc.xml")
    with pytest.raises(aiohttp.ClientConnectionError):
        await call(session, simulator, "GetInfo")
    # aiohttp may retry a GET once on a dropped connection; every attempt was dropped.
    assert simulator.log.count(status=0) == len(simulator.log.entries) >= 2
    simulator.faults.drop_connection = False
    assert (await call(session, simulator, "GetInfo")).status == 200


async def test_http_500_with_garbage(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    simulator.faults.http_500_garbage = True
    reply = await call(session, simulator, "GetInfo")
    assert reply.status == 500
    assert not reply.body.startswith(b"<?xml")
    assert b"\x00" in reply.body
    status, _ = await _get(session, f"{simulator.url}/tr64desc.xml")
    assert status == 500


async def test_malformed_xml(simulator: FritzBoxSimulator, session: aiohttp.ClientSession) -> None:
    simulator.faults.malformed_xml = True
    for status, body in (
        await _soap_raw(session, simulator),
        await _get(session, f"{simulator.url}/tr64desc.xml"),
    ):
        assert status == 200
        with pytest.raises(ET.ParseError):
            parse_document(body)


async def _soap_raw(session: aiohttp.ClientSession, sim: FritzBoxSimulator) -> tuple[int, bytes]:
    reply = await raw_post(session, sim)
    return reply.status, reply.body


async def test_entity_bomb(simulator: FritzBoxSimulator, session: aiohttp.ClientSession) -> None:
    simulator.faults.entity_bomb = True
    status, body = await _soap_raw(session, simulator)
    assert status == 200
    assert b"<!DOCTYPE lolz [" in body
    assert b'<!ENTITY lol9 "&lol8;&lol8;' in body
    assert len(body) < 10_000  # small on the wire, enormous when expanded
    with pytest.raises(SoapParseError):
        parse_xml(body)


async def test_oversized_body(simulator: FritzBoxSimulator, session: aiohttp.ClientSession) -> None:
    simulator.faults.oversized_body = True
    status, body = await _soap_raw(session, simulator)
    assert status == 200
    assert len(body) > 1024 * 1024
    assert parse_document(body) is not None


async def test_app_access_disabled(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    simulator.faults.app_access_disabled = True
    reply = await raw_post(session, simulator)  # no credentials: still the same answer
    assert reply.status == 500
    assert reply.error_code == 401
    reply = await call(session, simulator, "GetSecurityPort", service_type=DEVICE_INFO)
    assert reply.error_code == 401
    assert (await _get(session, f"{simulator.url}/tr64desc.xml"))[0] == 200
    assert (await _get(session, f"{simulator.url}/x_remoteSCPD.xml"))[0] == 200
    simulator.faults.app_access_disabled = False
    assert (await call(session, simulator, "GetInfo")).status == 200


async def test_faults_at_start_are_copied(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    initial = Faults(malformed_xml=True)
    sim = await simulator_factory(faults=initial)
    assert sim.faults.malformed_xml
    assert (await _get(session, f"{sim.url}/tr64desc.xml"))[1].endswith(b"<mi")
    sim.faults.malformed_xml = False
    assert initial.malformed_xml
    assert (await _get(session, f"{sim.url}/tr64desc.xml"))[0] == 200
    sim.faults = Faults(http_500_garbage=True)
    assert (await _get(session, f"{sim.url}/tr64desc.xml"))[0] == 500


def test_negative_latency_is_refused() -> None:
    with pytest.raises(ValueError, match="latency"):
        Faults(latency=-1)


# -- reboot ---------------------------------------------------------------------------------------


async def _wait_until_up(sim: FritzBoxSimulator) -> None:
    for _ in range(500):
        if not sim.rebooting:
            return
        await asyncio.sleep(0.01)
    pytest.fail("the simulator did not come back")


async def test_reboot_refuses_connections_until_the_clock_says_so(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    nonce = CHALLENGE.fullmatch((await raw_post(session, simulator)).headers["WWW-Authenticate"])
    assert nonce is not None
    port = simulator.port
    simulator.reboot(30)
    assert simulator.rebooting
    with pytest.raises(aiohttp.ClientConnectorError):
        await _get(session, f"{simulator.url}/tr64desc.xml")
    simulator.advance(29)
    await asyncio.sleep(0.05)
    assert simulator.rebooting
    simulator.advance(1)
    await _wait_until_up(simulator)
    assert simulator.port == port
    # Fresh nonces: the old one is unknown now, so a correct answer to it is stale.
    old = digest_authorization(USERNAME, PASSWORD, nonce["nonce"], 1)
    reply = await raw_post(session, simulator, authorization=old)
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"].endswith(",stale=true")
    info = await call(session, simulator, "GetInfo", service_type=DEVICE_INFO)
    assert int(info.values["NewUpTime"]) < 5


async def test_reboot_cuts_open_connections(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    reader, writer = await asyncio.open_connection(simulator.host, simulator.port)
    writer.write(b"GET /tr64desc.xml HTTP/1.1\r\nHost: box\r\n\r\n")
    await writer.drain()
    assert (await reader.readline()).startswith(b"HTTP/1.1 200")
    simulator.reboot(10)
    async with asyncio.timeout(5):
        while await reader.read(65536):
            pass
    writer.close()
    await simulator.end_reboot()
    assert (await call(session, simulator, "GetInfo")).status == 200


async def test_end_reboot_and_reboot_zero(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(tls=True)
    ports = (sim.port, sim.tls_port)
    sim.reboot(1000)
    sim.reboot(2000)  # moves the end, still one reboot
    await sim.end_reboot()
    assert not sim.rebooting
    assert (sim.port, sim.tls_port) == ports
    assert (await _get(session, f"{sim.url}/tr64desc.xml"))[0] == 200
    sim.reboot(0)
    # The sockets listen again at once; the request queues until the box serves it.
    assert (await _get(session, f"{sim.url}/tr64desc.xml"))[0] == 200
    async with session.get(f"{sim.tls_url}/tr64desc.xml", ssl=False) as response:
        assert response.status == 200
    await sim.end_reboot()  # nothing to end any more


async def test_reboot_needs_a_running_box(simulator: FritzBoxSimulator) -> None:
    with pytest.raises(ValueError, match="negative"):
        simulator.reboot(-1)
    await simulator.stop()
    with pytest.raises(RuntimeError):
        simulator.reboot(1)


async def test_stop_during_a_reboot(simulator_factory: SimulatorFactory) -> None:
    sim = await simulator_factory()
    sim.reboot(100)
    await sim.stop()
    assert not sim.rebooting
