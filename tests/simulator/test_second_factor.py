"""X_AVM-DE_Auth and protected actions: the second factor over HTTP, as a client meets it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from fritzbox_simulator import BoxUser, SimulatorConfig
from fritzbox_simulator.soap import SoapParseError, parse_request

from .helpers import (
    AUTH,
    DEVICE_NS,
    DISABLED_DDNS,
    REMOTE,
    RIGHTS,
    USERNAME,
    call,
    description_services,
    envelope,
    parse_document,
)

if TYPE_CHECKING:
    import aiohttp

    from fritzbox_simulator import FritzBoxSimulator
    from tests.conftest import SimulatorFactory

NS = "{urn:schemas-upnp-org:service-1-0}"
ENABLE = {"NewEnabled": "1"}
WRITES: dict[str, dict[str, str]] = {
    "SetEnable": ENABLE,
    "SetLetsEncryptEnable": {"NewLetsEncryptEnabled": "1"},
    "SetConfig": {
        "NewEnabled": "1",
        "NewPort": "443",
        "NewUsername": "remote",
        "NewPassword": "Remote-Pw-1",
    },
    "SetDDNSConfig": DISABLED_DDNS,
}


async def _start(session: aiohttp.ClientSession, sim: FritzBoxSimulator, **kw: str) -> str:
    reply = await call(session, sim, "SetConfig", {"NewAction": "start"}, service_type=AUTH, **kw)
    assert reply.status == 200, reply.text
    assert reply.values["NewState"] == "waitingforauth"
    return reply.values["NewToken"]


async def _state(
    session: aiohttp.ClientSession, sim: FritzBoxSimulator, token: str | None, **kw: str
) -> str:
    reply = await call(session, sim, "GetState", service_type=AUTH, token=token, **kw)
    assert reply.status == 200, reply.text
    return reply.values["NewState"]


async def _stop(
    session: aiohttp.ClientSession, sim: FritzBoxSimulator, token: str | None, **kw: str
) -> str:
    reply = await call(
        session, sim, "SetConfig", {"NewAction": "stop"}, service_type=AUTH, token=token, **kw
    )
    assert reply.status == 200, reply.text
    assert (reply.values["NewToken"], reply.values["NewMethods"]) == ("", "")
    return reply.values["NewState"]


# -- description --------------------------------------------------------------------------


async def test_auth_service_in_description_and_scpd(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    entry = (await description_services(session, simulator))[AUTH]
    assert (
        entry.findtext(f"{DEVICE_NS}serviceId") == "urn:X_AVM-DE_Auth-com:serviceId:X_AVM-DE_Auth1"
    )
    assert entry.findtext(f"{DEVICE_NS}controlURL") == "/upnp/control/x_auth"
    assert entry.findtext(f"{DEVICE_NS}SCPDURL") == "/x_authSCPD.xml"

    async with session.get(f"{simulator.url}/x_authSCPD.xml") as response:
        assert response.status == 200
        scpd = parse_document(await response.read())
    actions = {
        a.findtext(f"{NS}name"): [
            (
                arg.findtext(f"{NS}name"),
                arg.findtext(f"{NS}direction"),
                arg.findtext(f"{NS}relatedStateVariable"),
            )
            for arg in a.iter(f"{NS}argument")
        ]
        for a in scpd.iter(f"{NS}action")
    }
    assert actions == {
        "GetInfo": [("NewEnabled", "out", "Enabled")],
        "GetState": [("NewState", "out", "State")],
        "SetConfig": [
            ("NewAction", "in", "Action"),
            ("NewState", "out", "State"),
            ("NewToken", "out", "Token"),
            ("NewMethods", "out", "Methods"),
        ],
    }
    variables = {
        v.findtext(f"{NS}name"): v.findtext(f"{NS}dataType")
        for v in scpd.iter(f"{NS}stateVariable")
    }
    assert variables == {
        "Enabled": "boolean",
        "State": "string",
        "Action": "string",
        "Token": "string",
        "Methods": "string",
    }


# -- rights and the default box -----------------------------------------------------------


@pytest.mark.parametrize("right", RIGHTS)
async def test_every_right_may_use_the_auth_actions(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession, right: str
) -> None:
    user = BoxUser("someone", "Some-Pw-123", frozenset({right}))
    sim = await simulator_factory(users=(user,))
    login = {"username": user.name, "password": user.password}
    info = await call(session, sim, "GetInfo", service_type=AUTH, **login)
    assert info.values == {"NewEnabled": "1"}
    token = await _start(session, sim, **login)
    assert await _state(session, sim, token, **login) == "waitingforauth"
    assert await _stop(session, sim, token, **login) == "stopped"


async def test_nothing_is_protected_by_default(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    assert simulator.protected_actions == frozenset()
    reply = await call(session, simulator, "SetEnable", ENABLE)
    assert reply.status == 200
    assert simulator.state.remote_access_enabled


@pytest.mark.parametrize("action", list(WRITES))
async def test_confirm_protects_every_write_and_changes_nothing(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession, action: str
) -> None:
    sim = await simulator_factory(confirm=True)
    before = repr(sim.state)
    reply = await call(session, sim, action, WRITES[action])
    assert (reply.status, reply.error_code) == (500, 866)
    assert b"second factor authentication required" in reply.body
    assert repr(sim.state) == before
    for read in ("GetInfo", "GetDDNSInfo", "GetDDNSProviders"):
        assert (await call(session, sim, read)).status == 200


async def test_a_box_without_the_auth_service_still_wants_confirmation(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(confirm=True, second_factor_service=False)
    services = await description_services(session, sim)
    assert AUTH not in services
    assert REMOTE in services
    async with session.get(f"{sim.url}/x_authSCPD.xml") as response:
        assert response.status == 404
    assert (await call(session, sim, "GetInfo", service_type=AUTH)).status == 404
    before = repr(sim.state)
    reply = await call(session, sim, "SetEnable", ENABLE)
    assert (reply.status, reply.error_code) == (500, 866)
    assert repr(sim.state) == before


async def test_rights_and_arguments_are_checked_before_the_second_factor(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    phone = BoxUser("phone", "Phone-Pw-123", frozenset({"P"}))
    sim = await simulator_factory(confirm=True, users=(BoxUser(USERNAME, "Admin-Pw-123"), phone))
    denied = await call(
        session, sim, "SetEnable", ENABLE, username="phone", password="Phone-Pw-123"
    )
    assert denied.error_code == 606
    wrong = await call(session, sim, "SetEnable", {}, password="Admin-Pw-123")
    assert wrong.error_code == 402


# -- the whole procedure ------------------------------------------------------------------


async def test_button_confirms_and_the_token_works_once(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(confirm=True)
    assert (await call(session, sim, "SetEnable", ENABLE)).error_code == 866
    start = await call(session, sim, "SetConfig", {"NewAction": "start"}, service_type=AUTH)
    assert start.values["NewState"] == "waitingforauth"
    assert start.values["NewMethods"] == "button,dtmf;*11234"
    token = start.values["NewToken"]
    assert len(token) >= 16
    assert await _state(session, sim, token) == "waitingforauth"
    assert not sim.state.remote_access_enabled

    assert sim.press_button()
    assert sim.second_factor.state == "authenticated"
    assert await _state(session, sim, token) == "authenticated"
    done = await call(session, sim, "SetEnable", ENABLE, token=token)
    assert done.status == 200
    assert sim.state.remote_access_enabled

    again = await call(session, sim, "SetEnable", {"NewEnabled": "0"}, token=token)
    assert again.error_code == 866
    assert sim.state.remote_access_enabled
    assert not sim.press_button()  # nothing waits any more
    assert [(e.action, e.status, e.with_token) for e in sim.log.entries if e.action] == [
        ("SetEnable", 401, False),
        ("SetEnable", 500, False),
        ("SetConfig", 401, False),
        ("SetConfig", 200, False),
        ("GetState", 401, False),
        ("GetState", 200, True),
        ("GetState", 401, False),
        ("GetState", 200, True),
        ("SetEnable", 401, False),
        ("SetEnable", 200, True),
        ("SetEnable", 401, False),
        ("SetEnable", 500, True),
    ]
    assert sim.log.count(path="/upnp/control/x_auth", action="GetState", status=200) == 2


async def test_dialling_the_code_confirms_a_wrong_code_does_not(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(
        protected_actions={"SetConfig"}, second_factor_methods="dtmf;*1742"
    )
    assert sim.second_factor.phone_code == "*1742"
    token = await _start(session, sim)
    assert not sim.press_button()  # no button among the methods
    assert not sim.dial("*11234")
    assert await _state(session, sim, token) == "waitingforauth"
    assert sim.dial("*1742")
    assert await _state(session, sim, token) == "authenticated"
    reply = await call(session, sim, "SetConfig", WRITES["SetConfig"], token=token)
    assert reply.status == 200
    assert sim.state.remote_access_username == "remote"


async def test_only_the_named_actions_are_protected(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(protected_actions=("SetLetsEncryptEnable",))
    assert (await call(session, sim, "SetEnable", ENABLE)).status == 200
    le = await call(session, sim, "SetLetsEncryptEnable", WRITES["SetLetsEncryptEnable"])
    assert le.error_code == 866
    sim.protected_actions = frozenset({"GetInfo"})
    assert (await call(session, sim, "GetInfo")).error_code == 866
    assert (
        await call(session, sim, "SetLetsEncryptEnable", {"NewLetsEncryptEnabled": "0"})
    ).status == 200
    with pytest.raises(ValueError, match="SetEverything"):
        sim.protected_actions = frozenset({"SetEverything"})
    assert sim.protected_actions == frozenset({"GetInfo"})


async def test_a_token_in_another_namespace_is_no_token(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(confirm=True)
    token = await _start(session, sim)
    assert sim.press_button()
    wrong = await call(session, sim, "SetEnable", ENABLE, token=token, token_namespace="urn:avm")
    assert wrong.error_code == 868  # the running process is not this caller's
    assert not sim.state.remote_access_enabled
    assert (await call(session, sim, "SetEnable", ENABLE, token=token)).status == 200


# -- one process at a time ----------------------------------------------------------------


async def test_one_process_at_a_time(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    other = BoxUser("other", "Other-Pw-123")
    sim = await simulator_factory(confirm=True, users=(BoxUser(USERNAME, "Admin-Pw-123"), other))
    mine = {"password": "Admin-Pw-123"}
    theirs = {"username": "other", "password": "Other-Pw-123"}
    token = await _start(session, sim, **mine)

    busy = await call(
        session, sim, "SetConfig", {"NewAction": "start"}, service_type=AUTH, **theirs
    )
    assert busy.error_code == 868
    stale = await call(session, sim, "SetConfig", {"NewAction": "start"}, service_type=AUTH, **mine)
    assert stale.error_code == 868  # a second start, even by the owner, finds it busy
    assert (await call(session, sim, "SetEnable", ENABLE, **theirs)).error_code == 868
    assert (await call(session, sim, "SetEnable", ENABLE, token=token, **mine)).error_code == 866
    assert await _state(session, sim, None, **theirs) == "anotherauthprocess"
    assert await _state(session, sim, "0" * 32, **theirs) == "anotherauthprocess"
    assert await _stop(session, sim, None, **theirs) == "anotherauthprocess"
    assert await _state(session, sim, token, **mine) == "waitingforauth"

    # Without its token the owner can still clear its own stale process.
    assert await _stop(session, sim, None, **mine) == "stopped"
    assert await _state(session, sim, token, **mine) == "stopped"
    assert not sim.press_button()
    assert (await call(session, sim, "SetEnable", ENABLE, token=token, **mine)).error_code == 866
    assert not sim.state.remote_access_enabled
    assert await _start(session, sim, **theirs)


async def test_stop_with_the_token_ends_that_process(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(confirm=True)
    token = await _start(session, sim)
    assert sim.press_button()
    assert await _stop(session, sim, token) == "stopped"
    assert await _state(session, sim, token) == "stopped"
    assert (await call(session, sim, "SetEnable", ENABLE, token=token)).error_code == 866
    assert await _stop(session, sim, None) == "stopped"  # nothing to stop is no error


async def test_unknown_set_config_action_is_invalid(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    reply = await call(session, simulator, "SetConfig", {"NewAction": "restart"}, service_type=AUTH)
    assert reply.error_code == 402
    assert simulator.second_factor.state == "stopped"


# -- time, blocking, failure, switched off ------------------------------------------------


async def test_a_process_expires_on_the_simulator_clock(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(confirm=True, second_factor_seconds=60)
    token = await _start(session, sim)
    sim.advance(59)
    assert await _state(session, sim, token) == "waitingforauth"
    sim.advance(1)
    assert await _state(session, sim, token) == "stopped"
    assert not sim.press_button()

    # A confirmed token lasts as long again, counted from the confirmation.
    token = await _start(session, sim)
    sim.advance(50)
    assert sim.press_button()
    sim.advance(59)
    assert await _state(session, sim, token) == "authenticated"
    sim.advance(1)
    assert await _state(session, sim, token) == "stopped"
    assert (await call(session, sim, "SetEnable", ENABLE, token=token)).error_code == 866


async def test_too_many_unconfirmed_starts_block(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(
        confirm=True, second_factor_attempts=2, second_factor_block_seconds=600
    )
    for _ in range(2):
        token = await _start(session, sim)
        assert await _stop(session, sim, token) == "stopped"
    assert sim.second_factor.unconfirmed_starts == 2
    blocked = await call(session, sim, "SetConfig", {"NewAction": "start"}, service_type=AUTH)
    assert blocked.values == {"NewState": "blocked", "NewToken": "", "NewMethods": ""}
    assert (await call(session, sim, "SetEnable", ENABLE)).error_code == 867
    assert await _state(session, sim, None) == "blocked"
    assert await _state(session, sim, token) == "blocked"
    sim.advance(599)
    assert sim.second_factor.state == "blocked"
    sim.advance(1)
    assert sim.second_factor.state == "stopped"

    # A confirmation resets the count: two more unconfirmed starts are fine again.
    await _start(session, sim)
    assert sim.press_button()
    assert sim.second_factor.unconfirmed_starts == 0
    for _ in range(2):
        assert await _stop(session, sim, None) == "stopped"
        await _start(session, sim)


async def test_failure_ends_the_process(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(confirm=True)
    assert not sim.fail_second_factor()
    token = await _start(session, sim)
    assert sim.fail_second_factor()
    assert await _state(session, sim, token) == "failure"
    assert not sim.press_button()
    assert (await call(session, sim, "SetEnable", ENABLE, token=token)).error_code == 866


async def test_switched_off_protects_nothing(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(confirm=True, second_factor_enabled=False)
    assert (await call(session, sim, "GetInfo", service_type=AUTH)).values == {"NewEnabled": "0"}
    start = await call(session, sim, "SetConfig", {"NewAction": "start"}, service_type=AUTH)
    assert start.values == {"NewState": "disabled", "NewToken": "", "NewMethods": ""}
    assert await _state(session, sim, None) == "disabled"
    assert (await call(session, sim, "SetEnable", ENABLE)).status == 200


async def test_app_only_methods(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(confirm=True, second_factor_methods="googleauth")
    start = await call(session, sim, "SetConfig", {"NewAction": "start"}, service_type=AUTH)
    assert start.values["NewMethods"] == "googleauth"
    assert sim.second_factor.phone_code is None
    assert not sim.press_button()
    assert not sim.dial("*11234")


# -- configuration and secrecy ------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"protected_actions": {"SetEverything"}}, "no such X_AVM-DE_RemoteAccess action"),
        ({"protected_actions": {"SetLetsEncryptEnable"}, "profile": "legacy"}, "no such"),
        ({"second_factor_methods": "button,fax"}, "unknown confirmation method"),
        ({"second_factor_methods": "dtmf;"}, "unknown confirmation method"),
        ({"second_factor_methods": "button,button"}, "twice"),
        ({"second_factor_attempts": 0}, "second_factor_attempts"),
        ({"second_factor_seconds": -1}, "second_factor_seconds"),
    ],
)
def test_config_is_checked(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SimulatorConfig(**settings)  # type: ignore[arg-type]


def test_confirm_covers_the_writes_the_firmware_has() -> None:
    assert SimulatorConfig(confirm=True).protected == set(WRITES)
    assert SimulatorConfig(confirm=True, profile="legacy").protected == set(WRITES) - {
        "SetLetsEncryptEnable"
    }
    assert SimulatorConfig(protected_actions=["GetInfo"], confirm=True).protected == {
        "GetInfo",
        *WRITES,
    }


async def test_the_token_never_shows(
    simulator_factory: SimulatorFactory,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    sim = await simulator_factory(confirm=True, control_api=True)
    token = await _start(session, sim)
    assert sim.press_button()
    assert (await call(session, sim, "SetEnable", ENABLE, token=token)).status == 200
    async with session.get(f"{sim.url}/simulator/status") as response:
        assert response.status == 200
        status = await response.text()
    call_repr = repr(parse_request(envelope(REMOTE, "SetEnable", ENABLE, token=token)))
    seen = [caplog.text, status, call_repr, repr(sim.second_factor), repr(sim.log.entries)]
    assert all(token not in text for text in seen)
    assert parse_request(envelope(REMOTE, "SetEnable", ENABLE, token=token)).token == token


async def test_a_failing_action_spends_the_token(
    simulator_factory: SimulatorFactory, session: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(confirm=True)
    token = await _start(session, sim)
    assert sim.press_button()
    weak = WRITES["SetConfig"] | {"NewPassword": "short"}
    assert (await call(session, sim, "SetConfig", weak, token=token)).error_code == 820
    assert await _state(session, sim, token) == "stopped"
    retry = await call(session, sim, "SetConfig", WRITES["SetConfig"], token=token)
    assert retry.error_code == 866
    assert sim.state.remote_access_username == ""


def test_header_token_parsing() -> None:
    body = envelope(REMOTE, "SetEnable", ENABLE, token=" abc123 ")
    assert parse_request(body).token == "abc123"
    assert parse_request(envelope(REMOTE, "SetEnable", ENABLE)).token is None
    other = envelope(REMOTE, "SetEnable", ENABLE, token="abc123", token_namespace="urn:x")
    assert parse_request(other).token is None
    twice = body.replace(b"</s:Header>", b'<avm:token xmlns:avm="avm.de">x</avm:token></s:Header>')
    with pytest.raises(SoapParseError, match="more than one token"):
        parse_request(twice)
