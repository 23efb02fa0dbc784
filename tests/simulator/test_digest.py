"""HTTP digest as a box does it: challenge format, hash check, nonce counts, staleness, 503."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from fritzbox_simulator import BoxUser
from fritzbox_simulator.digest import parse_authorization

from .helpers import (
    CHALLENGE,
    DEVICE_INFO,
    PASSWORD,
    USERNAME,
    call,
    digest_authorization,
    fresh_nonce,
    raw_post,
)

if TYPE_CHECKING:
    import aiohttp

    from fritzbox_simulator import FritzBoxSimulator
    from tests.conftest import SimulatorFactory


async def test_challenge_and_401_page(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    reply = await raw_post(session, simulator)
    assert reply.status == 401
    assert reply.headers["Server"] == "Webserver"
    assert reply.headers["Content-Type"].startswith("text/html")
    assert reply.text.startswith(
        "<HTML><HEAD><TITLE>401 Unauthorized (ERR_NONE)</TITLE></HEAD><BODY>"
    )
    match = CHALLENGE.fullmatch(reply.headers["WWW-Authenticate"])
    assert match is not None
    assert match["stale"] is None
    second = await fresh_nonce(session, simulator)
    assert second != match["nonce"]


async def test_good_credentials_with_aiohttp_middleware(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    reply = await call(session, simulator, "GetInfo")
    assert reply.status == 200
    assert reply.values["NewEnabled"] == "0"
    record = simulator.log.entries[-1]
    assert record.authenticated
    assert record.username == USERNAME


async def test_concurrent_requests_share_a_nonce(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    import aiohttp  # noqa: PLC0415

    from .helpers import envelope, soap_headers  # noqa: PLC0415

    middleware = aiohttp.DigestAuthMiddleware(USERNAME, PASSWORD)

    async def one() -> int:
        async with session.post(
            f"{simulator.url}/upnp/control/x_remote",
            data=envelope("urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1", "GetInfo"),
            headers=soap_headers("urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1", "GetInfo"),
            middlewares=(middleware,),
        ) as response:
            return response.status

    assert await one() == 200
    statuses = await asyncio.gather(*(one() for _ in range(10)))
    assert statuses == [200] * 10
    assert simulator.log.count(status=401) == 1


@pytest.mark.parametrize(
    ("username", "password"),
    [(USERNAME, "wrong-password"), ("nobody", PASSWORD), (USERNAME, "")],
)
async def test_wrong_credentials(
    simulator: FritzBoxSimulator,
    session: aiohttp.ClientSession,
    username: str,
    password: str,
) -> None:
    reply = await call(session, simulator, "GetInfo", username=username, password=password)
    assert reply.status == 401
    assert "WWW-Authenticate" in reply.headers
    assert not any(record.authenticated for record in simulator.log.entries)


async def test_disabled_user_cannot_log_in(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(users=(BoxUser(USERNAME, PASSWORD, enabled=False),))
    assert (await call(session, sim, "GetInfo")).status == 401


async def test_rising_counts_in_any_order_but_no_replay(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    nonce = await fresh_nonce(session, simulator)
    for nc in (1, 3, 2):
        auth = digest_authorization(USERNAME, PASSWORD, nonce, nc)
        assert (await raw_post(session, simulator, authorization=auth)).status == 200
    replay = await raw_post(
        session, simulator, authorization=digest_authorization(USERNAME, PASSWORD, nonce, 2)
    )
    assert replay.status == 401
    match = CHALLENGE.fullmatch(replay.headers["WWW-Authenticate"])
    assert match is not None
    assert match["stale"] is None


async def test_malformed_authorization_headers(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    nonce = await fresh_nonce(session, simulator)
    good = digest_authorization(USERNAME, PASSWORD, nonce, 1)
    broken = [
        "Basic YWRtaW46cGFzcw==",
        good.replace("qop=auth", "qop=auth-int"),
        good.replace("nc=00000001", "nc=1"),
        good.replace('realm="HTTPS Access"', 'realm="Other"'),
        digest_authorization(USERNAME, PASSWORD, nonce, 0),
        digest_authorization(USERNAME, PASSWORD, nonce, 4, uri="/upnp/control/deviceinfo"),
        'Digest username="admin", =oops',
    ]
    for header in broken:
        assert (await raw_post(session, simulator, authorization=header)).status == 401, header


def test_authorization_parser() -> None:
    params = parse_authorization(
        'Digest username="a\\"b", realm="HTTPS Access",nc=00000001, qop=auth'
    )
    assert params == {"username": 'a"b', "realm": "HTTPS Access", "nc": "00000001", "qop": "auth"}
    assert parse_authorization("Basic abc") is None
    assert parse_authorization("Digest ") is None


async def test_stale_nonce_after_its_lifetime(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(nonce_lifetime=30, lockout_threshold=1)
    nonce = await fresh_nonce(session, sim)
    assert (
        await raw_post(
            session, sim, authorization=digest_authorization(USERNAME, PASSWORD, nonce, 1)
        )
    ).status == 200
    sim.advance(31)
    stale = await raw_post(
        session, sim, authorization=digest_authorization(USERNAME, PASSWORD, nonce, 2)
    )
    assert stale.status == 401
    match = CHALLENGE.fullmatch(stale.headers["WWW-Authenticate"])
    assert match is not None
    assert match["stale"] == ",stale=true"
    # A stale nonce with the right password is no failed login: the threshold of 1 is not hit.
    fresh = match["nonce"]
    assert (
        await raw_post(
            session, sim, authorization=digest_authorization(USERNAME, PASSWORD, fresh, 1)
        )
    ).status == 200


async def test_unknown_nonce_with_right_password_is_stale(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    reply = await raw_post(
        session,
        simulator,
        authorization=digest_authorization(USERNAME, PASSWORD, "0123456789ABCDEF", 1),
    )
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"].endswith(",stale=true")


async def test_aiohttp_recovers_from_a_stale_nonce(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    import aiohttp  # noqa: PLC0415

    from .helpers import REMOTE, envelope, soap_headers  # noqa: PLC0415

    middleware = aiohttp.DigestAuthMiddleware(USERNAME, PASSWORD)

    async def get_info() -> int:
        async with session.post(
            f"{simulator.url}/upnp/control/x_remote",
            data=envelope(REMOTE, "GetInfo"),
            headers=soap_headers(REMOTE, "GetInfo"),
            middlewares=(middleware,),
        ) as response:
            return response.status

    assert await get_info() == 200
    simulator.advance(simulator.config.nonce_lifetime + 1)
    assert await get_info() == 200
    assert [r.status for r in simulator.log.entries] == [401, 200, 401, 200]


async def test_lockout_after_wrong_passwords_and_its_end(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(lockout_threshold=3, lockout_seconds=60)
    nonce = await fresh_nonce(session, sim)
    for nc in range(1, 4):
        wrong = digest_authorization(USERNAME, "wrong", nonce, nc)
        assert (await raw_post(session, sim, authorization=wrong)).status == 401
    blocked = await raw_post(
        session, sim, authorization=digest_authorization(USERNAME, PASSWORD, nonce, 10)
    )
    assert blocked.status == 503
    assert blocked.headers["Server"] == "Webserver"
    assert "503" in blocked.text
    # Descriptions and the unauthenticated GetSecurityPort stay reachable.
    assert (await call(session, sim, "GetSecurityPort", service_type=DEVICE_INFO)).status == 200
    sim.advance(59)
    assert (await call(session, sim, "GetInfo")).status == 503
    sim.advance(2)
    assert (await call(session, sim, "GetInfo")).status == 200


async def test_unauthenticated_requests_count_beyond_the_allowance(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(
        lockout_threshold=2, unauthenticated_allowance=3, lockout_seconds=10
    )
    statuses = [(await raw_post(session, sim)).status for _ in range(6)]
    assert statuses == [401, 401, 401, 401, 401, 503]


async def test_a_successful_login_resets_the_counters(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(lockout_threshold=3, unauthenticated_allowance=1)
    for _ in range(10):
        # The middleware's first round trip is unauthenticated, then it logs in.
        assert (await call(session, sim, "GetInfo")).status == 200
    assert (await call(session, sim, "GetInfo", password="wrong")).status == 401
    assert (await call(session, sim, "GetInfo")).status == 200
