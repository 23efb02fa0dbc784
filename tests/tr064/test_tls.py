"""HTTPS with the box's self-signed certificate: learn the fingerprint, then pin it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest

from custom_components.fritzbox_remote_access.tr064 import (
    FritzBoxRemoteAccess,
    TR064CertificateMismatchError,
    TR064ConnectionError,
    fetch_udn,
)

from .conftest import PASSWORD, USERNAME

if TYPE_CHECKING:
    from fritzbox_simulator import FritzBoxSimulator

    from .conftest import BoxFactory, ClientFactory


@pytest.fixture
async def tls_box(box_factory: BoxFactory) -> FritzBoxSimulator:
    return await box_factory(tls=True)


async def test_first_contact_records_the_fingerprint(
    tls_box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    client = make_client(tls_box, use_tls=True)
    before = client.certificate_fingerprint
    await client.connect()
    expected = tls_box.certificate_fingerprint
    assert expected is not None
    assert (before, client.certificate_fingerprint) == (None, expected)
    assert len(expected) == 64
    assert expected == expected.lower()
    assert (await client.get_info()).username is not None
    assert tls_box.log.entries[0].path == "/tr64desc.xml"


async def test_pinned_fingerprint(tls_box: FritzBoxSimulator, make_client: ClientFactory) -> None:
    fingerprint = tls_box.certificate_fingerprint
    client = make_client(tls_box, use_tls=True, fingerprint=fingerprint)
    await client.get_device_info()
    await client.get_info()
    assert client.certificate_fingerprint == fingerprint
    assert client.stats.failures == 0


async def test_changed_certificate_is_refused(
    tls_box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    old = tls_box.certificate_fingerprint
    assert old is not None
    tls_box.swap_certificate()
    new = tls_box.certificate_fingerprint
    assert new != old
    # A session without pooled connections, so the new certificate is what gets presented.
    async with aiohttp.ClientSession() as session:
        client = FritzBoxRemoteAccess(
            session,
            tls_box.host,
            port=tls_box.tls_port,
            username=USERNAME,
            password=PASSWORD,
            use_tls=True,
            fingerprint=old,
        )
        with pytest.raises(TR064CertificateMismatchError) as caught:
            await client.connect()
    error = caught.value
    assert not isinstance(error, TR064ConnectionError)
    assert error.fingerprint == new
    assert error.got == new
    assert error.expected == old
    assert client.certificate_fingerprint == old
    assert client.stats.failures == 1
    assert tls_box.log.entries == []  # refused during the handshake, before any request


async def test_changed_certificate_with_a_connected_client(
    tls_box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    old = tls_box.certificate_fingerprint
    client = make_client(tls_box, use_tls=True, fingerprint=old)
    await client.get_info()
    tls_box.swap_certificate()
    # Open connections keep the old certificate; a reboot cuts them, new ones meet the new one.
    tls_box.reboot(0)
    await tls_box.end_reboot()
    with pytest.raises(TR064CertificateMismatchError) as caught:
        await client.get_info()
    assert caught.value.fingerprint == tls_box.certificate_fingerprint
    assert client.certificate_fingerprint == old


async def test_plain_client_against_the_tls_port_fails(
    tls_box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    client = make_client(tls_box, port=tls_box.tls_port)
    with pytest.raises(TR064ConnectionError):
        await client.connect()


async def test_tls_client_against_the_plain_port_fails(
    tls_box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    client = make_client(tls_box, use_tls=True, port=tls_box.port)
    with pytest.raises(TR064ConnectionError, match="TLS handshake"):
        await client.connect()
    assert client.certificate_fingerprint is None


async def test_fetch_udn_over_tls(
    tls_box: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    udn = await fetch_udn(session, tls_box.host, port=tls_box.tls_port, use_tls=True, timeout=5)
    assert udn == tls_box.udn
    pinned = await fetch_udn(
        session,
        tls_box.host,
        port=tls_box.tls_port,
        use_tls=True,
        fingerprint=tls_box.certificate_fingerprint,
    )
    assert pinned == udn
    with pytest.raises(TR064CertificateMismatchError):
        await fetch_udn(
            session, tls_box.host, port=tls_box.tls_port, use_tls=True, fingerprint="00" * 32
        )
