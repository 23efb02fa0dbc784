"""Clients written elsewhere can use the simulator: aiohttp's middleware and curl --digest."""

from __future__ import annotations

import asyncio
import shutil
from typing import TYPE_CHECKING

import aiohttp
import pytest

from .helpers import PASSWORD, REMOTE, USERNAME, envelope

if TYPE_CHECKING:
    from fritzbox_simulator import FritzBoxSimulator


async def test_plain_aiohttp_digest_middleware(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    middleware = aiohttp.DigestAuthMiddleware(USERNAME, PASSWORD)
    for action in ("GetInfo", "GetDDNSInfo", "GetDDNSProviders"):
        async with session.post(
            f"{simulator.url}/upnp/control/x_remote",
            data=envelope(REMOTE, action),
            headers={
                "Content-Type": 'text/xml; charset="utf-8"',
                "SOAPACTION": f"{REMOTE}#{action}",
            },
            middlewares=(middleware,),
        ) as response:
            assert response.status == 200
            assert f"<u:{action}Response".encode() in await response.read()
    # Preemptive reuse of the nonce: one challenge for all three calls.
    assert simulator.log.count(status=401) == 1


async def test_curl_digest(simulator: FritzBoxSimulator) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    process = await asyncio.create_subprocess_exec(
        curl,
        "--silent",
        "--show-error",
        "--digest",
        "--user",
        f"{USERNAME}:{PASSWORD}",
        "--header",
        'Content-Type: text/xml; charset="utf-8"',
        "--header",
        f'SOAPACTION: "{REMOTE}#GetInfo"',
        "--data-binary",
        "@-",
        "--write-out",
        "\n%{http_code}",
        f"{simulator.url}/upnp/control/x_remote",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(30):
        stdout, stderr = await process.communicate(envelope(REMOTE, "GetInfo"))
    assert process.returncode == 0, stderr
    assert stdout.endswith(b"\n200")
    assert b"<NewEnabled>0</NewEnabled>" in stdout
    assert [r.status for r in simulator.log.entries] == [401, 200]
