"""The optional HTTPS listener: a self-signed certificate, its fingerprint, and a swap."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import aiohttp
import pytest

from .helpers import DEVICE_INFO, call

if TYPE_CHECKING:
    from fritzbox_simulator import FritzBoxSimulator
    from tests.conftest import SimulatorFactory


def _pin(fingerprint: str | None) -> aiohttp.Fingerprint:
    assert fingerprint is not None
    return aiohttp.Fingerprint(bytes.fromhex(fingerprint))


async def _status(url: str, ssl: aiohttp.Fingerprint | bool) -> int:
    # A fresh session each time, so no pooled connection hides the current certificate.
    async with aiohttp.ClientSession() as session, session.get(url, ssl=ssl) as response:
        return response.status


@pytest.fixture
async def tls_sim(simulator_factory: SimulatorFactory) -> FritzBoxSimulator:
    return await simulator_factory(tls=True)


async def test_https_with_the_pinned_fingerprint(
    tls_sim: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    fingerprint = tls_sim.certificate_fingerprint
    assert fingerprint is not None
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint)
    assert tls_sim.tls_url == f"https://127.0.0.1:{tls_sim.tls_port}"
    assert await _status(f"{tls_sim.tls_url}/tr64desc.xml", _pin(fingerprint)) == 200
    reply = await call(session, tls_sim, "GetInfo", base_url=tls_sim.tls_url, ssl=_pin(fingerprint))
    assert reply.status == 200
    port = await call(session, tls_sim, "GetSecurityPort", service_type=DEVICE_INFO)
    assert port.values == {"NewSecurityPort": str(tls_sim.tls_port)}


async def test_verification_fails_without_pinning(tls_sim: FritzBoxSimulator) -> None:
    with pytest.raises(aiohttp.ClientConnectorCertificateError):
        await _status(f"{tls_sim.tls_url}/tr64desc.xml", True)


async def test_swap_certificate(tls_sim: FritzBoxSimulator) -> None:
    old = tls_sim.certificate_fingerprint
    new = tls_sim.swap_certificate()
    assert new == tls_sim.certificate_fingerprint
    assert new != old
    url = f"{tls_sim.tls_url}/tr64desc.xml"
    with pytest.raises(aiohttp.ServerFingerprintMismatch):
        await _status(url, _pin(old))
    assert await _status(url, _pin(new)) == 200


async def test_no_tls_without_the_option(simulator: FritzBoxSimulator) -> None:
    assert simulator.tls_port is None
    assert simulator.tls_url is None
    assert simulator.certificate_fingerprint is None
    with pytest.raises(RuntimeError):
        simulator.swap_certificate()
