"""Writes the box wants confirmed: every outcome against the simulator over HTTP, with counts.

The client polls every 2 s in real time; each test that waits for a poll takes that long.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import pytest

from custom_components.fritzbox_remote_access.tr064 import (
    AUTH_POLL_INTERVAL,
    AuthMethod,
    Confirmation,
    DDNSMode,
    SecondFactorChallenge,
    TR064Error,
    TR064SecondFactorBlockedError,
    TR064SecondFactorBusyError,
    TR064SecondFactorError,
    TR064SecondFactorFailedError,
    TR064SecondFactorRequiredError,
    TR064SecondFactorTimeoutError,
    TR064UPnPError,
)

from .conftest import PASSWORD, USERNAME

if TYPE_CHECKING:
    from collections.abc import Callable

    from custom_components.fritzbox_remote_access.tr064 import FritzBoxRemoteAccess
    from fritzbox_simulator import FritzBoxSimulator

    from .conftest import BoxFactory, ClientFactory

PHONE_CODE = "*11234"


def _trace(box: FritzBoxSimulator) -> list[tuple[str | None, int, bool]]:
    """What the client sent since the last clear: (action, status, carried a token)."""
    return [(e.action, e.status, e.with_token) for e in box.log.entries]


class Challenges:
    """Records the challenges a write reports; ``then`` runs on each (e.g. presses the button)."""

    def __init__(self, then: Callable[[], object] | None = None) -> None:
        """Start with none seen."""
        self.seen: list[SecondFactorChallenge] = []
        self._then = then

    def __call__(self, challenge: SecondFactorChallenge) -> None:
        """Record, then act."""
        self.seen.append(challenge)
        if self._then is not None:
            self._then()


async def _connected(
    box_factory: BoxFactory, make_client: ClientFactory, **settings: object
) -> tuple[FritzBoxSimulator, FritzBoxRemoteAccess]:
    box = await box_factory(confirm=True, **settings)
    client = make_client(box)
    await client.connect()
    await client.get_info()  # the digest challenge, out of the way of the counts
    box.log.clear()
    return box, client


STOP_START = [("SetConfig", 200, False), ("SetConfig", 200, False)]


def _stopped(action: str, polls: int) -> list[tuple[str | None, int, bool]]:
    """The trace of a write whose confirmation ended unconfirmed: 866, start, polls, stop."""
    return [
        (action, 500, False),
        *STOP_START,
        *[("GetState", 200, True)] * polls,
        ("SetConfig", 200, False),
    ]


async def test_without_confirmation_866_is_raised_and_nothing_else_sent(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box, client = await _connected(box_factory, make_client)
    with pytest.raises(TR064SecondFactorRequiredError) as caught:
        await client.set_enable(True)
    assert isinstance(caught.value, TR064SecondFactorError)
    assert isinstance(caught.value, TR064UPnPError)
    assert caught.value.code == 866
    assert _trace(box) == [("SetEnable", 500, False)]
    assert box.state.remote_access_enabled is False


async def test_button_confirms_and_the_write_is_retried_once_with_the_token(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box, client = await _connected(box_factory, make_client)
    challenges = Challenges(then=box.press_button)

    port = await client.set_enable(True, confirmation=Confirmation(challenges, timeout=30))

    assert port == box.state.remote_access_port > 0
    assert box.state.remote_access_enabled is True
    assert challenges.seen == [
        SecondFactorChallenge(
            action="SetEnable",
            methods=(AuthMethod.BUTTON, AuthMethod.PHONE),
            phone_code=PHONE_CODE,
            timeout=30,
        )
    ]
    assert _trace(box) == [
        ("SetEnable", 500, False),  # 866
        *STOP_START,
        ("GetState", 200, True),
        ("SetEnable", 200, True),
    ]
    assert box.second_factor.state == "stopped"  # the token was spent on the write


async def test_phone_code_confirms_after_polls_at_most_every_two_seconds(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box, client = await _connected(box_factory, make_client)
    loop = asyncio.get_running_loop()

    def dial_later() -> None:
        # Dialled between the first and the second poll.
        loop.call_later(AUTH_POLL_INTERVAL * 1.25, box.dial, PHONE_CODE)

    await client.set_ddns_config(
        enabled=True,
        provider_name="dynv6.com",
        update_url="dynv6.com/api/update?hostname=<domain>&ipv4=<ipaddr>&token=<pass>",
        server_ipv4="",
        server_ipv6="",
        domain="home.dynv6.net",
        username="none",
        password="ddns-Secret-9",
        mode=DDNSMode.V4,
        confirmation=Confirmation(Challenges(then=dial_later), timeout=30),
    )

    assert box.state.ddns.domain == "home.dynv6.net"
    # A code dialled 2.5 s in meets the second poll: a faster client would have polled more.
    assert box.log.count(action="GetState") == 2
    assert _trace(box) == [
        ("SetDDNSConfig", 500, False),
        *STOP_START,
        ("GetState", 200, True),  # waitingforauth
        ("GetState", 200, True),  # authenticated
        ("SetDDNSConfig", 200, True),
    ]


async def test_timeout_stops_the_process_and_changes_nothing(
    box_factory: BoxFactory, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    box, client = await _connected(box_factory, make_client, second_factor_attempts=1)
    tokens: list[str] = []

    def remember_token() -> None:
        # Read from the simulator's own state, to prove it appears nowhere on our side.
        process = box.second_factor._process
        assert process is not None
        tokens.append(process.token)

    challenges = Challenges(then=remember_token)
    username_before = box.state.remote_access_username
    with pytest.raises(TR064SecondFactorTimeoutError) as caught:
        await client.set_config(
            enabled=True,
            port=443,
            username="remote",
            password="Remote-Pw-1",
            confirmation=Confirmation(challenges, timeout=2.5),
        )

    assert len(challenges.seen) == 1
    # RemoteAccess SetConfig answers 866; the poll at 2 s finds it still waiting; stop at 2.5 s.
    assert _trace(box) == _stopped("SetConfig", polls=1)
    assert box.second_factor.state == "stopped"
    assert box.state.remote_access_username == username_before
    (token,) = tokens
    for text in (str(caught.value), repr(caught.value), repr(client), caplog.text):
        assert token not in text
        assert "Remote-Pw-1" not in text
        assert PASSWORD not in text

    # One unconfirmed start was all this box allows: the next start answers "blocked" ...
    box.log.clear()
    with pytest.raises(TR064SecondFactorBlockedError) as blocked:
        await client.set_enable(True, confirmation=Confirmation(challenges, timeout=30))
    assert blocked.value.code == 867
    assert len(challenges.seen) == 1  # nobody is asked to confirm what cannot start
    assert _trace(box) == _stopped("SetEnable", polls=0)

    # ... and then the box refuses the write itself with 867, before any process.
    box.log.clear()
    with pytest.raises(TR064SecondFactorBlockedError):
        await client.set_enable(True, confirmation=Confirmation(challenges, timeout=30))
    assert _trace(box) == [("SetEnable", 500, False)]
    assert box.state.remote_access_enabled is False


async def test_failure_on_the_box_ends_the_wait(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box, client = await _connected(box_factory, make_client)
    confirmation = Confirmation(Challenges(then=box.fail_second_factor), timeout=30)
    with pytest.raises(TR064SecondFactorFailedError, match="failure"):
        await client.set_lets_encrypt_enable(True, confirmation=confirmation)
    assert _trace(box) == _stopped("SetLetsEncryptEnable", polls=1)
    assert box.state.lets_encrypt_enabled is False


async def test_process_expired_on_the_box(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box, client = await _connected(box_factory, make_client, second_factor_seconds=30)
    # Nobody confirms within the box's own lifetime of the process (simulator clock).
    confirmation = Confirmation(Challenges(then=lambda: box.advance(31)), timeout=30)
    with pytest.raises(TR064SecondFactorFailedError, match="stopped"):
        await client.set_enable(True, confirmation=confirmation)
    assert _trace(box) == _stopped("SetEnable", polls=1)
    assert box.state.remote_access_enabled is False


async def test_another_process_took_over_while_waiting(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box, client = await _connected(box_factory, make_client)

    def take_over() -> None:
        # Our process ends and another user of the box starts one of their own.
        assert box.second_factor.stop(None, owner=USERNAME) == "stopped"
        box.second_factor.start(owner="someone-else")

    confirmation = Confirmation(Challenges(then=take_over), timeout=30)
    with pytest.raises(TR064SecondFactorBusyError, match="anotherauthprocess"):
        await client.set_enable(True, confirmation=confirmation)
    assert _trace(box) == _stopped("SetEnable", polls=1)
    # Our stop ended nobody else's process.
    assert box.second_factor.state == "waitingforauth"


async def test_cancellation_stops_the_process_at_once(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box, client = await _connected(box_factory, make_client)
    task: asyncio.Task[int] | None = None

    def cancel() -> None:
        assert task is not None
        task.cancel()

    task = asyncio.create_task(
        client.set_enable(True, confirmation=Confirmation(Challenges(then=cancel), timeout=30))
    )
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _trace(box) == _stopped("SetEnable", polls=0)
    assert box.second_factor.state == "stopped"
    assert box.state.remote_access_enabled is False


async def test_a_failing_callback_stops_the_process(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box, client = await _connected(box_factory, make_client)

    def broken(_challenge: SecondFactorChallenge) -> None:
        raise RuntimeError("notification service down")

    with pytest.raises(RuntimeError, match="notification service down"):
        await client.set_enable(True, confirmation=Confirmation(broken, timeout=30))
    assert _trace(box) == _stopped("SetEnable", polls=0)
    assert box.second_factor.state == "stopped"


async def test_another_process_on_the_box_is_busy(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box, client = await _connected(box_factory, make_client)
    # Someone else's confirmation is waiting: the box answers 868, the client leaves it alone.
    other_client = make_client(box)
    started = asyncio.Event()

    async def others_write() -> None:
        def started_set() -> None:
            started.set()

        await other_client.set_enable(
            True, confirmation=Confirmation(Challenges(then=started_set), timeout=2.5)
        )

    others = asyncio.create_task(others_write())
    async with asyncio.timeout(30):
        await started.wait()
    box.log.clear()
    with pytest.raises(TR064SecondFactorBusyError) as caught:
        await client.set_enable(True, confirmation=Confirmation(Challenges(), timeout=30))
    assert caught.value.code == 868
    assert _trace(box) == [("SetEnable", 500, False)]
    assert box.second_factor.state == "waitingforauth"
    others.cancel()
    with pytest.raises(asyncio.CancelledError):
        await others


async def test_one_confirmation_at_a_time_per_client(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box, client = await _connected(box_factory, make_client)
    challenges = Challenges(then=box.press_button)
    confirmation = Confirmation(challenges, timeout=30)
    first, second = await asyncio.gather(
        client.set_enable(True, confirmation=confirmation),
        client.set_lets_encrypt_enable(True, confirmation=confirmation),
        return_exceptions=True,
    )
    assert isinstance(first, int)
    assert isinstance(second, TR064SecondFactorBusyError)
    assert len(challenges.seen) == 1
    assert box.log.count(action="SetConfig") == 2  # one stop, one start: a single process
    assert box.state.remote_access_enabled is True
    assert box.state.lets_encrypt_enabled is False


async def test_second_factor_enabled(box_factory: BoxFactory, make_client: ClientFactory) -> None:
    on = make_client(await box_factory())
    off = make_client(await box_factory(second_factor_enabled=False))
    assert await on.second_factor_enabled() is True
    assert await off.second_factor_enabled() is False


async def test_unprotected_write_sends_no_auth_request(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box = await box_factory()
    client = make_client(box)
    await client.get_info()
    box.log.clear()
    await client.set_enable(True, confirmation=Confirmation(Challenges(), timeout=30))
    assert _trace(box) == [("SetEnable", 200, False)]


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan")])
def test_confirmation_needs_a_bound(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        Confirmation(Challenges(), timeout=timeout)


def test_every_second_factor_error_shares_the_base() -> None:
    errors = (
        TR064SecondFactorRequiredError(866, "x"),
        TR064SecondFactorBlockedError(867, "x"),
        TR064SecondFactorBusyError(868, "x"),
        TR064SecondFactorTimeoutError("x"),
        TR064SecondFactorFailedError("x"),
    )
    assert all(isinstance(error, TR064Error) for error in errors)
    assert all(isinstance(error, TR064SecondFactorError) for error in errors)
    assert [isinstance(error, TR064UPnPError) for error in errors] == [True] * 3 + [False] * 2
