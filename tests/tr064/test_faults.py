"""Every way a box or the network can fail maps to one exception of the contract."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from custom_components.fritzbox_remote_access.tr064 import (
    TR064AuthenticationError,
    TR064ConnectionError,
    TR064Error,
    TR064LoginBlockedError,
    TR064MalformedResponseError,
    TR064UnsupportedError,
)

from .conftest import PASSWORD, USERNAME

if TYPE_CHECKING:
    from fritzbox_simulator import FritzBoxSimulator

    from .conftest import BoxFactory, ClientFactory


async def test_latency_beyond_the_timeout(
    box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    client = make_client(box, timeout=0.3)
    await client.get_info()
    box.faults.latency = 1.0
    started = time.monotonic()
    with pytest.raises(TR064ConnectionError, match=r"within 0\.3 s"):
        await client.get_info()
    assert time.monotonic() - started < 0.9
    assert client.stats.failures == 1
    box.faults.latency = 0.0
    await client.get_info()


async def test_latency_within_the_timeout(
    box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    box.faults.latency = 0.05
    assert (await make_client(box, timeout=2.0).get_info()).username is not None


async def test_dropped_connection(box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    client = make_client(box)
    await client.connect()
    box.faults.drop_connection = True
    with pytest.raises(TR064ConnectionError):
        await client.get_info()
    box.faults.drop_connection = False
    await client.get_info()


async def test_refused_while_rebooting(box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    client = make_client(box)
    await client.get_info()
    box.reboot(30)
    with pytest.raises(TR064ConnectionError):
        await client.get_info()
    with pytest.raises(TR064ConnectionError):
        await client.get_ddns_info()
    assert client.stats.failures == 2
    await box.end_reboot()
    # Back again with fresh nonces: the middleware's retry answers the new challenge.
    box.log.clear()
    await client.get_info()
    assert [entry.status for entry in box.log.entries] == [401, 200]


async def test_connect_to_nothing(make_client: ClientFactory, box: FritzBoxSimulator) -> None:
    client = make_client(box)
    await box.stop()
    with pytest.raises(TR064ConnectionError):
        await client.connect()
    assert client.stats.failures == 1


@pytest.mark.parametrize(
    ("fault", "match"),
    [
        ("http_500_garbage", "HTTP 500|Unparseable"),
        ("malformed_xml", "Unparseable"),
        ("entity_bomb", "DTD"),
        ("oversized_body", "limit"),
    ],
)
async def test_broken_answers_are_malformed(
    box: FritzBoxSimulator, make_client: ClientFactory, fault: str, match: str
) -> None:
    client = make_client(box)
    await client.connect()
    setattr(box.faults, fault, True)
    with pytest.raises(TR064MalformedResponseError, match=match):
        await client.get_info()
    with pytest.raises(TR064MalformedResponseError):
        await client.get_ddns_info()
    # Descriptions break the same way.
    fresh = make_client(box)
    with pytest.raises(TR064MalformedResponseError):
        await fresh.connect()
    assert (fresh.stats.requests, fresh.stats.failures) == (1, 1)
    setattr(box.faults, fault, False)
    await client.get_info()


async def test_app_access_disabled(box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    box.faults.app_access_disabled = True
    client = make_client(box)
    await client.connect()  # descriptions are still served
    with pytest.raises(TR064UnsupportedError, match="access for applications"):
        await client.get_info()
    with pytest.raises(TR064UnsupportedError):
        await client.get_device_info()


async def test_wrong_password(box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    client = make_client(box, password="wrong-Password-9")
    await client.connect()  # the description needs no credentials
    with pytest.raises(TR064AuthenticationError) as caught:
        await client.get_info()
    assert "wrong-Password-9" not in str(caught.value)
    assert "wrong-Password-9" not in repr(caught.value)
    # One unauthenticated try and one with the middleware's answer to the challenge.
    assert box.log.count(action="GetInfo") == 2
    assert box.log.count(action="GetInfo", status=401) == 2


async def test_wrong_username(box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    with pytest.raises(TR064AuthenticationError):
        await make_client(box, username="nobody").get_info()


async def test_lockout_after_repeated_failures(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box = await box_factory(lockout_threshold=3, unauthenticated_allowance=0)
    client = make_client(box, password="wrong-Password-9")
    errors: list[TR064Error] = []
    for _ in range(10):
        try:
            await client.get_info()
        except TR064LoginBlockedError as err:
            errors.append(err)
            break
        except TR064AuthenticationError as err:
            errors.append(err)
    assert isinstance(errors[-1], TR064LoginBlockedError)
    assert len(errors) > 1
    assert box.log.count(status=503) >= 1
    assert "wrong-Password-9" not in str(errors[-1])


async def test_stale_nonce_is_handled_by_the_middleware(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box = await box_factory(nonce_lifetime=5.0)
    client = make_client(box)
    await client.get_info()
    box.advance(30)
    box.log.clear()
    info = await client.get_info()
    assert info.username is not None
    # The preemptive header carried a stale nonce: one 401 with a new challenge, one retry.
    assert [entry.status for entry in box.log.entries] == [401, 200]
    box.log.clear()
    await client.get_info()
    assert [entry.status for entry in box.log.entries] == [200]
    assert client.stats.failures == 0


async def test_credentials_of_the_default_user(
    box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    client = make_client(box)
    await client.get_info()
    assert {entry.username for entry in box.log.entries if entry.authenticated} == {USERNAME}
    assert PASSWORD not in repr(client)
