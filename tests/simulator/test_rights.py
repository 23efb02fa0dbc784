"""Every action enforces AVM's rights table; the user that authenticated decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from fritzbox_simulator import BoxUser

from .helpers import DEVICE_INFO, DISABLED_DDNS, RIGHTS, USERNAME, call

if TYPE_CHECKING:
    import aiohttp

    from tests.conftest import SimulatorFactory

ANY = frozenset(RIGHTS)
#: action -> (arguments that succeed, rights that allow it), as in docs/tr064.md.
TABLE: dict[str, tuple[dict[str, str], frozenset[str]]] = {
    "GetInfo": ({}, ANY),
    "GetDDNSInfo": ({}, ANY),
    "GetDDNSProviders": ({}, frozenset("C")),
    "SetConfig": (
        {
            "NewEnabled": "0",
            "NewPort": "443",
            "NewUsername": "remote",
            "NewPassword": "Remote-Pw-1",
        },
        frozenset("C"),
    ),
    "SetDDNSConfig": (DISABLED_DDNS, frozenset("C")),
    "SetEnable": ({"NewEnabled": "0"}, frozenset("C")),
    "SetLetsEncryptEnable": ({"NewLetsEncryptEnabled": "0"}, frozenset("CA")),
}
DEVICE_INFO_TABLE: dict[str, tuple[dict[str, str], frozenset[str]]] = {
    "GetInfo": ({}, ANY),
    "GetDeviceLog": ({}, frozenset("C")),
    "SetProvisioningCode": ({"NewProvisioningCode": "001.000.000.000"}, frozenset("C")),
}


@pytest.mark.parametrize("right", RIGHTS)
@pytest.mark.parametrize("action", list(TABLE))
async def test_remote_access_rights(
    simulator_factory: SimulatorFactory,
    session: aiohttp.ClientSession,
    action: str,
    right: str,
) -> None:
    sim = await simulator_factory(users=(BoxUser("user", "User-Pw-1", frozenset(right)),))
    arguments, allowed = TABLE[action]
    reply = await call(session, sim, action, arguments, username="user", password="User-Pw-1")
    if right in allowed:
        assert reply.status == 200, reply.text
    else:
        assert reply.status == 500
        assert reply.error_code == 606
        assert b"<errorDescription>Action Not Authorized</errorDescription>" in reply.body


@pytest.mark.parametrize("right", RIGHTS)
@pytest.mark.parametrize("action", list(DEVICE_INFO_TABLE))
async def test_device_info_rights(
    simulator_factory: SimulatorFactory,
    session: aiohttp.ClientSession,
    action: str,
    right: str,
) -> None:
    sim = await simulator_factory(users=(BoxUser("user", "User-Pw-1", frozenset(right)),))
    arguments, allowed = DEVICE_INFO_TABLE[action]
    reply = await call(
        session,
        sim,
        action,
        arguments,
        service_type=DEVICE_INFO,
        username="user",
        password="User-Pw-1",
    )
    assert reply.status == (200 if right in allowed else 500)
    assert reply.error_code == (None if right in allowed else 606)


async def test_user_without_rights(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(users=(BoxUser("user", "User-Pw-1", frozenset()),))
    reply = await call(session, sim, "GetInfo", username="user", password="User-Pw-1")
    assert reply.error_code == 606


async def test_the_authenticated_user_decides(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(
        users=(
            BoxUser(USERNAME, "Admin-Pw-1"),
            BoxUser("phone", "Phone-Pw-1", frozenset("P")),
        )
    )
    args = {"NewEnabled": "0"}
    phone = await call(session, sim, "SetEnable", args, username="phone", password="Phone-Pw-1")
    assert phone.error_code == 606
    assert sim.log.entries[-1].username == "phone"
    admin = await call(session, sim, "SetEnable", args, username=USERNAME, password="Admin-Pw-1")
    assert admin.status == 200
    # The phone user's password does not open the admin account.
    crossed = await call(session, sim, "SetEnable", args, username=USERNAME, password="Phone-Pw-1")
    assert crossed.status == 401


async def test_security_port_needs_no_credentials(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory()
    reply = await call(session, sim, "GetSecurityPort", service_type=DEVICE_INFO, username=None)
    assert reply.status == 200
    assert reply.values == {"NewSecurityPort": "49443"}
    assert not sim.log.entries[-1].authenticated


def test_unknown_rights_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown rights"):
        BoxUser("x", "y", frozenset({"Z"}))
