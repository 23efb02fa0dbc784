"""GetAppRemoteInfo against the simulator over HTTP: addresses per line, rights, no service."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address
from typing import TYPE_CHECKING

import pytest

from custom_components.fritzbox_remote_access.tr064 import (
    AppRemoteInfo,
    TR064PermissionError,
    TR064UnsupportedError,
)
from custom_components.fritzbox_remote_access.tr064.models import app_remote_info_from
from fritzbox_simulator import BoxUser
from fritzbox_simulator.state import LINES

from .conftest import PASSWORD, USERNAME

if TYPE_CHECKING:
    from .conftest import BoxFactory, ClientFactory


@pytest.mark.parametrize(
    ("line", "ipv4", "ipv6"),
    [
        ("public", IPv4Address(LINES["public"][0]), IPv6Address(LINES["public"][1])),
        ("ds-lite", None, IPv6Address(LINES["ds-lite"][1])),
        ("cgnat", IPv4Address("100.72.14.203"), IPv6Address(LINES["cgnat"][1])),
        ("private", IPv4Address("192.168.1.20"), None),
    ],
)
async def test_addresses_per_line_in_one_request(
    box_factory: BoxFactory,
    make_client: ClientFactory,
    line: str,
    ipv4: IPv4Address | None,
    ipv6: IPv6Address | None,
) -> None:
    box = await box_factory(line=line)
    box.state.ddns.enabled = True
    box.state.ddns.domain = "home.dynv6.net"
    box.state.myfritz_enabled = True
    box.state.myfritz_dyndns_name = "abc123.myfritz.net"
    client = make_client(box)
    await client.connect()
    assert client.has_app_setup is True
    assert [e.path for e in box.log.entries] == ["/tr64desc.xml", "/x_remoteSCPD.xml"]

    box.log.clear()
    info = await client.get_app_remote_info()

    assert info == AppRemoteInfo(
        external_ipv4=ipv4,
        external_ipv6=ipv6,
        ddns_enabled=True,
        ddns_domain="home.dynv6.net",
        myfritz_enabled=True,
        myfritz_name="abc123.myfritz.net",
    )
    assert [(e.path, e.action, e.status) for e in box.log.entries] == [
        ("/upnp/control/x_appsetup", "GetAppRemoteInfo", 401),  # the digest challenge
        ("/upnp/control/x_appsetup", "GetAppRemoteInfo", 200),
    ]


async def test_address_change_is_read_on_the_next_request(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    box = await box_factory()
    client = make_client(box)
    assert (await client.get_app_remote_info()).external_ipv4 == IPv4Address(LINES["public"][0])
    box.state.set_line("ds-lite")
    box.log.clear()
    info = await client.get_app_remote_info()
    assert [(e.action, e.status) for e in box.log.entries] == [("GetAppRemoteInfo", 200)]
    assert info.external_ipv4 is None
    assert info.external_ipv6 == IPv6Address(LINES["ds-lite"][1])


@pytest.mark.parametrize(("rights", "allowed"), [("A", True), ("P", False), ("NH", False)])
async def test_rights_c_or_a(
    box_factory: BoxFactory, make_client: ClientFactory, rights: str, allowed: bool
) -> None:
    box = await box_factory(users=(BoxUser(USERNAME, PASSWORD, rights=frozenset(rights)),))
    client = make_client(box)
    if allowed:
        info = await client.get_app_remote_info()
        assert info.external_ipv4 == IPv4Address(LINES["public"][0])
    else:
        with pytest.raises(TR064PermissionError) as caught:
            await client.get_app_remote_info()
        assert caught.value.code == 606


async def test_box_without_app_setup(box_factory: BoxFactory, make_client: ClientFactory) -> None:
    box = await box_factory(app_setup=False)
    client = make_client(box)
    await client.connect()
    assert client.has_app_setup is False
    box.log.clear()
    with pytest.raises(TR064UnsupportedError, match="X_AVM-DE_AppSetup"):
        await client.get_app_remote_info()
    assert box.log.entries == []


async def test_has_app_setup_needs_connect(
    box_factory: BoxFactory, make_client: ClientFactory
) -> None:
    client = make_client(await box_factory())
    with pytest.raises(RuntimeError, match="connect"):
        _ = client.has_app_setup


@pytest.mark.parametrize(
    ("ipv4", "ipv6", "expected"),
    [
        ("", "", (None, None)),
        ("0.0.0.0", "::", (None, None)),  # noqa: S104 - the box's "no address"
        (" 84.152.23.17 ", "2003:c2::1", (IPv4Address("84.152.23.17"), IPv6Address("2003:c2::1"))),
        ("not an address", "84.152.23.17", (None, None)),
    ],
)
def test_addresses_a_box_may_send(
    ipv4: str, ipv6: str, expected: tuple[IPv4Address | None, IPv6Address | None]
) -> None:
    info = app_remote_info_from(
        {
            "NewIPAddress": "192.168.178.1",
            "NewSubnetMask": "255.255.255.0",
            "NewExternalIPAddress": ipv4,
            "NewExternalIPv6Address": ipv6,
            "NewRemoteAccessDDNSEnabled": "0",
            "NewRemoteAccessDDNSDomain": "",
            "NewMyFritzEnabled": "0",
            "NewMyFritzDynDNSName": "",
        }
    )
    assert (info.external_ipv4, info.external_ipv6) == expected
    assert (info.ddns_enabled, info.myfritz_enabled) == (False, False)
