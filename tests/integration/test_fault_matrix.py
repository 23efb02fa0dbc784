"""Fault matrix: every simulator fault against every path, with one table of expectations.

``FAULTS`` is the single source of what each fault does on each path (set-up, poll, switch
action, service action). ``test_fault`` runs every pair against it;
``test_docs_show_the_matrix`` checks that the table in docs/failure-behaviour.md says the
same, so the two cannot drift apart.

Time is frozen (``freezer``): the simulator's clock and the event loop only move when a test
ticks them. A slow box therefore never answers on its own; the latency cases tick the clock
past the request timeout while the request is in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
import logging
from pathlib import Path as FilePath
import re
import time
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    CONF_USERNAME,
    SERVICE_TURN_OFF,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest

from custom_components.fritzbox_remote_access.const import DOMAIN
from custom_components.fritzbox_remote_access.guard import BOX_GUARDS
from custom_components.fritzbox_remote_access.services import SERVICE_SET_REMOTE_ACCESS_USER
from fritzbox_simulator import BoxUser, Faults, FritzBoxSimulator
from fritzbox_simulator.soap import UPnPError

from .conftest import ENTRY_ID, PASSWORD, USERNAME, lock_out, poll, reauth_flows

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

FAILURE_DOC = FilePath(__file__).parents[2] / "docs" / "failure-behaviour.md"
INTEGRATION_LOGGER = "custom_components.fritzbox_remote_access"
REMOTE_ACCESS = "switch.fritz_box_7590_remote_access"
PORT_SENSOR = "sensor.fritz_box_7590_remote_access_port"
STATUS_IPV4 = "sensor.fritz_box_7590_dynamic_dns_status_ipv4"
RIGHTS_ISSUE = f"insufficient_rights_{ENTRY_ID}"

# Virtual seconds: the request timeout the tests give the client (45 in production), and a
# latency beyond it. Shorter than the poll interval, so a timed-out action ends before the
# next poll is due.
REQUEST_TIMEOUT = 5.0
LATENCY = 2 * REQUEST_TIMEOUT
# Ticks of the frozen clock while a slow box keeps a request waiting: up to 50 virtual seconds.
PUMP_TICK = 0.25
PUMP_STEPS = 200
NONCE_LIFETIME = 60.0
BLOCK_SECONDS = 1e6  # the box's login block: lifted only when a test moves its clock
CHANGED_PASSWORD = "fake-changed-On-the-box-1"
# Set-up retries back off (5, 10, 20 ... s), the login pause lasts a minute at first.
RECOVERY_POLLS = 6


class Path(StrEnum):
    """Where a fault can meet the integration; the values are the table's column titles."""

    SETUP = "Set-up"
    POLL = "Poll"
    SWITCH = "Switch action"
    SERVICE = "Service action"


@dataclass(frozen=True, slots=True)
class Expect:
    """What one fault does on one path; ``key`` None means no effect at all.

    ``key`` is the translation key of the error: the entry's reason at set-up, the
    coordinator's last error in a poll, the error raised to the caller of an action.
    """

    key: str | None = None
    reauth: bool = False  # a re-authentication flow starts
    issue: bool = False  # the "insufficient rights" repair issue is raised
    pause: bool = False  # the login pause starts: nothing is sent to the box for a while

    def describe(self, path: Path) -> str:
        """The documented table's cell for this outcome."""
        if self.key is None:
            return "no effect"
        if path is Path.SETUP:
            result = "set-up error" if self.reauth else "retry"
        elif path is Path.POLL:
            result = "unavailable"
        else:
            result = "error"
        extras = [
            text
            for flag, text in (
                (self.reauth, "re-auth"),
                (self.issue, "repair issue"),
                (self.pause, "pause"),
            )
            if flag
        ]
        return " + ".join([f"{result} `{self.key}`", *extras])


NO_EFFECT = Expect()


def everywhere(key: str) -> dict[Path, Expect]:
    """The same error on every path."""
    return dict.fromkeys(Path, Expect(key))


# --- how faults are made and healed ------------------------------------------------------------

type Step = Callable[[FritzBoxSimulator, pytest.MonkeyPatch], Awaitable[None]]


def set_fault(name: str, value: object) -> Step:
    """Switch one of the simulator's ``Faults``."""

    async def step(box: FritzBoxSimulator, _monkeypatch: pytest.MonkeyPatch) -> None:
        setattr(box.faults, name, value)

    return step


async def nothing(_box: FritzBoxSimulator, _monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing to heal: the fault passes by itself."""


async def go_away(box: FritzBoxSimulator, _monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop listening: connections are refused until the reboot ends."""
    box.reboot(3600)


async def come_back(box: FritzBoxSimulator, _monkeypatch: pytest.MonkeyPatch) -> None:
    await box.end_reboot()


async def reboot(box: FritzBoxSimulator, _monkeypatch: pytest.MonkeyPatch) -> None:
    """The box restarted since our last request: connections reset, every nonce forgotten."""
    box.reboot(0)
    await box.end_reboot()


async def change_password(box: FritzBoxSimulator, _monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone changed the password of our user on the box."""
    box.state.users[USERNAME] = BoxUser(USERNAME, CHANGED_PASSWORD)


async def lock_us_out(box: FritzBoxSimulator, _monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistyped login from our address makes the box answer 503 (threshold 1)."""
    await lock_out(box)


async def lift_lockout(box: FritzBoxSimulator, _monkeypatch: pytest.MonkeyPatch) -> None:
    box.advance(2 * BLOCK_SECONDS)


async def take_rights(box: FritzBoxSimulator, _monkeypatch: pytest.MonkeyPatch) -> None:
    """Our user keeps its login but loses every right (no C, no A): 606."""
    box.state.users[USERNAME] = BoxUser(USERNAME, PASSWORD, rights=frozenset())


async def give_rights(box: FritzBoxSimulator, _monkeypatch: pytest.MonkeyPatch) -> None:
    box.state.users[USERNAME] = BoxUser(USERNAME, PASSWORD)


def hook_actions(
    box: FritzBoxSimulator,
    monkeypatch: pytest.MonkeyPatch,
    *,
    before: Callable[[str], None] = lambda _action: None,
    after: Callable[[str], None] = lambda _action: None,
) -> None:
    """Run ``before``/``after`` around every SOAP action the simulated box carries out."""
    dispatcher = box._handler._dispatcher
    call = dispatcher.call

    def hooked(service_type: str, action: str, *args: Any) -> list[tuple[str, str]]:
        before(action)
        result = call(service_type, action, *args)
        after(action)
        return result

    monkeypatch.setattr(dispatcher, "call", hooked)


async def age_every_nonce(box: FritzBoxSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """The nonce lifetime passes now and after every action: each request meets a stale one."""
    box.advance(NONCE_LIFETIME + 1)
    hook_actions(box, monkeypatch, after=lambda _action: box.advance(NONCE_LIFETIME + 1))


async def fail_writes(box: FritzBoxSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """UPnP 820 (internal error) for every write; any write of the service may answer it."""

    def refuse(action: str) -> None:
        if action.startswith("Set"):
            raise UPnPError(820)

    hook_actions(box, monkeypatch, before=refuse)


async def unhook(_box: FritzBoxSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()


# --- proofs that a fault without effect was really there ---------------------------------------


def every_nonce_was_stale(box: FritzBoxSimulator) -> None:
    """Each authenticated answer followed a challenge: a stale nonce (or the first login).

    Reads sent at once may each meet one, so the challenge is looked for per action.
    """
    entries = box.log.entries
    logins = [index for index, entry in enumerate(entries) if entry.authenticated]
    assert logins
    for index in logins:
        before = [entry for entry in entries[:index] if entry.action == entries[index].action]
        assert before, entries[index]
        assert before[-1].status == 401


def nonce_forgotten(box: FritzBoxSimulator) -> None:
    """The first request after the reboot carried a nonce the box no longer knew.

    Reads sent at once each carried it: one challenge per action, no more.
    """
    entries = box.log.entries
    assert entries[0].status == 401
    challenged = [entry.action for entry in entries if entry.status == 401]
    assert len(challenged) == len(set(challenged))


def no_write_sent(box: FritzBoxSimulator) -> None:
    assert box.log.entries
    assert not [entry for entry in box.log.entries if (entry.action or "").startswith("Set")]


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault: how to make it, how to heal it, and what it does on every path."""

    id: str
    title: str
    expect: Mapping[Path, Expect]
    inject: Step
    heal: Step = nothing
    box_config: Mapping[str, Any] = field(default_factory=dict)
    # Asserts that a fault without effect was really exercised, per path.
    proof: Mapping[Path, Callable[[FritzBoxSimulator], None]] = field(default_factory=dict)
    # The box never answers: tick the clock past the timeout while requests are in flight.
    slow: bool = False


_TRANSPARENT = dict.fromkeys(Path, NO_EFFECT)

FAULTS: tuple[Fault, ...] = (
    Fault(
        "latency",
        "Latency beyond the request timeout",
        everywhere("cannot_connect"),
        set_fault("latency", LATENCY),
        set_fault("latency", 0.0),
        slow=True,
    ),
    Fault(
        "drop_connection",
        "Dropped connection",
        everywhere("cannot_connect"),
        set_fault("drop_connection", True),
        set_fault("drop_connection", False),
    ),
    Fault(
        "connection_refused",
        "Connection refused: box off or rebooting",
        everywhere("cannot_connect"),
        go_away,
        come_back,
    ),
    Fault(
        "http_500_garbage",
        "HTTP 500 with a garbage body",
        everywhere("malformed_response"),
        set_fault("http_500_garbage", True),
        set_fault("http_500_garbage", False),
    ),
    Fault(
        "malformed_xml",
        "Malformed XML",
        everywhere("malformed_response"),
        set_fault("malformed_xml", True),
        set_fault("malformed_xml", False),
    ),
    Fault(
        "entity_bomb",
        "XML entity bomb",
        everywhere("malformed_response"),
        set_fault("entity_bomb", True),
        set_fault("entity_bomb", False),
    ),
    Fault(
        "oversized_body",
        "Oversized body: 2 MiB",
        everywhere("malformed_response"),
        set_fault("oversized_body", True),
        set_fault("oversized_body", False),
    ),
    Fault(
        "wrong_credentials",
        "HTTP 401: password changed on the box",
        dict.fromkeys(Path, Expect("invalid_auth", reauth=True)),
        change_password,
    ),
    Fault(
        "login_blocked",
        "HTTP 503: box blocks logins",
        {
            Path.SETUP: Expect("login_blocked_paused", pause=True),
            Path.POLL: Expect("login_blocked_paused", pause=True),
            Path.SWITCH: Expect("login_blocked", pause=True),
            Path.SERVICE: Expect("login_blocked", pause=True),
        },
        lock_us_out,
        lift_lockout,
        box_config={"lockout_threshold": 1, "lockout_seconds": BLOCK_SECONDS},
    ),
    Fault(
        "stale_nonce",
        "Stale nonce on every request",
        _TRANSPARENT,
        age_every_nonce,
        unhook,
        box_config={"nonce_lifetime": NONCE_LIFETIME},
        proof=dict.fromkeys(Path, every_nonce_was_stale),
    ),
    Fault(
        "upnp_606",
        "UPnP 606: user lacks the rights",
        {
            Path.SETUP: Expect("insufficient_rights_app", issue=True),
            Path.POLL: Expect("insufficient_rights_app", issue=True),
            Path.SWITCH: Expect("insufficient_rights_settings"),
            Path.SERVICE: Expect("insufficient_rights_app"),
        },
        take_rights,
        give_rights,
    ),
    Fault(
        "upnp_820",
        "UPnP 820 on writes",
        {
            Path.SETUP: NO_EFFECT,
            Path.POLL: NO_EFFECT,
            Path.SWITCH: Expect("action_failed"),
            Path.SERVICE: Expect("remote_access_password_rejected"),
        },
        fail_writes,
        unhook,
        proof={Path.SETUP: no_write_sent, Path.POLL: no_write_sent},
    ),
    Fault(
        "app_access_disabled",
        "App access (TR-064) switched off",
        everywhere("tr064_disabled"),
        set_fault("app_access_disabled", True),
        set_fault("app_access_disabled", False),
    ),
    Fault(
        "reboot",
        "Box rebooted since the last request",
        _TRANSPARENT,
        reboot,
        proof={
            Path.POLL: nonce_forgotten,
            Path.SWITCH: nonce_forgotten,
            Path.SERVICE: nonce_forgotten,
        },
    ),
)


# --- running one pair ------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    """One (fault, path) pair against a simulated box and its config entry."""

    hass: HomeAssistant
    box: FritzBoxSimulator
    entry: MockConfigEntry
    freezer: FrozenDateTimeFactory
    caplog: pytest.LogCaptureFixture
    monkeypatch: pytest.MonkeyPatch
    fault: Fault
    path: Path

    @property
    def expect(self) -> Expect:
        return self.fault.expect[self.path]

    async def settle[T](self, awaitable: Awaitable[T]) -> T:
        """Await; for a slow box move the frozen clock on until the request timeout strikes.

        Small steps with a real millisecond in between: whatever runs before the request is
        sent (loopback I/O, executor jobs) gets there long before the next poll would be due.
        """
        if not self.fault.slow:
            return await awaitable
        task = asyncio.ensure_future(awaitable)
        for _ in range(PUMP_STEPS):
            await asyncio.to_thread(time.sleep, 0.001)
            if task.done():
                return await task
            self.freezer.tick(PUMP_TICK)
        task.cancel()
        pytest.fail(f"still waiting after {PUMP_STEPS * PUMP_TICK} virtual seconds")

    async def poll(self, seconds: int = 30) -> None:
        await self.settle(poll(self.hass, self.freezer, seconds))

    async def turn_off(self) -> None:
        await self.hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: REMOTE_ACCESS}, blocking=True
        )

    async def set_user(self) -> None:
        """SetConfig with what the box has: same user, port and (our own) password."""
        await self.hass.services.async_call(
            DOMAIN,
            SERVICE_SET_REMOTE_ACCESS_USER,
            {ATTR_CONFIG_ENTRY_ID: ENTRY_ID, CONF_PASSWORD: PASSWORD},
            blocking=True,
        )

    async def action(self) -> None:
        await self.settle(self.turn_off() if self.path is Path.SWITCH else self.set_user())

    async def reauthenticate(self) -> None:
        """The user answers the re-authentication flow with the box's new password."""
        (flow,) = reauth_flows(self.hass)
        result = await self.hass.config_entries.flow.async_configure(
            flow["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: CHANGED_PASSWORD}
        )
        assert result["reason"] == "reauth_successful"
        await self.hass.async_block_till_done()

    async def recover(self) -> None:
        """Heal the box (or re-authenticate), then let polls and retries bring it back.

        After an action the action must work again, too.
        """
        await self.fault.heal(self.box, self.monkeypatch)
        if self.expect.reauth:
            await self.reauthenticate()
        if self.fault.slow:
            await self.poll(int(LATENCY))  # the box's delayed answers fall due
        for _ in range(RECOVERY_POLLS):
            if self.loaded() and self.available() and not self.paused():
                break
            await self.poll(60)
        else:
            pytest.fail(f"not back after recovery: {self.entry.state}")
        if self.path in (Path.SWITCH, Path.SERVICE):
            await self.action()
        assert self.entry.runtime_data.last_update_success

    def available(self) -> bool:
        state = self.hass.states.get(REMOTE_ACCESS)
        return state is not None and state.state != STATE_UNAVAILABLE

    def assert_truthful(self) -> None:
        """No entity shows a state the box does not have: the box's value or unavailable."""
        box = self.box.state
        truth = {
            REMOTE_ACCESS: STATE_ON if box.remote_access_enabled else STATE_OFF,
            PORT_SENSOR: str(box.remote_access_port),
            STATUS_IPV4: box.ddns.status_ipv4.replace(" ", "_"),
        }
        for entity_id, value in truth.items():
            state = self.hass.states.get(entity_id)
            if self.entry.state is not ConfigEntryState.LOADED:
                assert state is None or state.state == STATE_UNAVAILABLE
            else:
                assert state is not None
                assert state.state in (value, STATE_UNAVAILABLE), (entity_id, state.state, value)

    def assert_side_effects(self) -> None:
        """Re-authentication, repair issue and login pause exactly as expected."""
        expect = self.expect
        assert bool(reauth_flows(self.hass)) is expect.reauth
        issue = ir.async_get(self.hass).async_get_issue(DOMAIN, RIGHTS_ISSUE)
        assert (issue is not None) is expect.issue
        assert self.paused() is expect.pause

    def loaded(self) -> bool:
        return self.entry.state is ConfigEntryState.LOADED

    def paused(self) -> bool:
        """Whether the entry's login pause runs (it outlives set-up retries)."""
        guard = self.hass.data.get(BOX_GUARDS, {}).get(self.entry.entry_id)
        return guard is not None and guard.login_pause.paused_until() is not None

    def proof(self) -> None:
        if (proof := self.fault.proof.get(self.path)) is not None:
            proof(self.box)

    def records(self, level: int = logging.WARNING) -> list[logging.LogRecord]:
        """What a user would see in the log at ``level``, the test harness's noise left out."""
        return [
            record
            for record in self.caplog.records
            if record.levelno >= level and not self.noise(record)
        ]

    def noise(self, record: logging.LogRecord) -> bool:
        """Records that are not about the integration.

        The event loop runs in debug mode: every tick of the frozen clock looks like a slow
        callback to it. After a timeout the simulated box's web server complains that the
        client has gone when its delayed answer is finally due.
        """
        return (
            record.name == "asyncio"
            or (record.name == "homeassistant.loader" and "custom integration" in record.msg)
            or (self.fault.slow and record.name == "aiohttp.server")
        )

    def assert_fault_logged(self) -> None:
        """One line for a failed set-up or poll, none for an action (its caller is told)."""
        expect = self.expect
        problems = self.records()
        if expect.key is None or self.path in (Path.SWITCH, Path.SERVICE):
            assert problems == []
            return
        if self.path is Path.POLL:
            (line,) = problems
            assert line.name == INTEGRATION_LOGGER
            assert line.levelno == logging.ERROR
            assert str(self.entry.runtime_data.last_exception) in line.getMessage()
            return
        reason = self.entry.reason
        assert reason is not None
        if expect.reauth:
            (line,) = problems
            assert line.levelno == logging.WARNING
        else:
            assert problems == []
            (line,) = self.records(logging.INFO)
            assert "not ready yet" in line.getMessage()
        assert reason in line.getMessage()

    def assert_recovery_logged(self) -> None:
        """A poll that failed while recovering (a login pause) is logged once, then its end."""
        problems = self.records()
        assert len(problems) <= 1
        recovered = [
            record
            for record in self.records(logging.INFO)
            if record.getMessage() == f"Fetching {DOMAIN} data recovered"
        ]
        for record in problems:
            assert record.name == INTEGRATION_LOGGER
            assert len(recovered) == 1
            assert recovered[0].created >= record.created

    def assert_no_traceback(self) -> None:
        """No record carries a traceback, except Home Assistant's own DEBUG aids."""
        for record in self.caplog.records:
            if self.noise(record) or (
                record.levelno == logging.DEBUG
                and record.getMessage() in ("Full error:", "Full exception")
            ):
                continue
            assert record.exc_info is None, record.getMessage()
            assert "Traceback" not in record.getMessage()


def _cases() -> Generator[Any]:
    for fault in FAULTS:
        for path in Path:
            yield pytest.param(fault, path, id=f"{fault.id}-{path.name.lower()}")


@pytest.fixture
def box_config(fault: Fault) -> dict[str, Any]:
    """The box the fault needs."""
    return dict(fault.box_config)


@pytest.fixture(autouse=True)
def _short_timeout() -> Generator[None]:
    with patch(
        "custom_components.fritzbox_remote_access.coordinator.DEFAULT_TIMEOUT", REQUEST_TIMEOUT
    ):
        yield


@pytest.mark.parametrize(("fault", "path"), list(_cases()))
async def test_fault(
    *,
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
    path: Path,
) -> None:
    """One fault on one path: the table's outcome, one log line at most, the box's truth shown.

    Then the fault is healed (or the user re-authenticates) and the entry must be back.
    """
    run = Run(hass, box, mock_config_entry, freezer, caplog, monkeypatch, fault, path)
    # Imported now, so that the set-up under test only talks to the box.
    assert await async_setup_component(hass, DOMAIN, {})
    mock_config_entry.add_to_hass(hass)
    if path is not Path.SETUP:
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    caplog.clear()
    await fault.inject(box, monkeypatch)
    box.log.clear()
    await PATHS[path](run)
    run.proof()
    run.assert_truthful()
    run.assert_side_effects()
    run.assert_fault_logged()
    caplog.clear()

    await run.recover()
    run.assert_truthful()
    run.assert_recovery_logged()
    run.assert_no_traceback()


async def _setup(run: Run) -> None:
    hass, entry = run.hass, run.entry
    await run.settle(hass.config_entries.async_setup(entry.entry_id))
    await run.settle(hass.async_block_till_done())
    expect = run.expect
    if expect.key is None:
        assert entry.state is ConfigEntryState.LOADED
        return
    assert entry.state is (
        ConfigEntryState.SETUP_ERROR if expect.reauth else ConfigEntryState.SETUP_RETRY
    )
    assert entry.error_reason_translation_key == expect.key


async def _poll(run: Run) -> None:
    await run.poll()
    await run.poll()
    coordinator = run.entry.runtime_data
    expect = run.expect
    if expect.key is None:
        assert coordinator.last_update_success
        assert run.available()
        return
    assert not coordinator.last_update_success
    assert not run.available()
    assert coordinator.last_exception is not None
    assert getattr(coordinator.last_exception, "translation_key", None) == expect.key


async def _action(run: Run) -> None:
    before = run.box.state.remote_access_enabled
    expect = run.expect
    if expect.key is None:
        await run.action()
        if run.path is Path.SWITCH:
            assert run.box.state.remote_access_enabled is False
        return
    with pytest.raises(HomeAssistantError) as raised:
        await run.action()
    assert not isinstance(raised.value, ServiceValidationError)
    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == expect.key
    await run.hass.async_block_till_done()
    assert run.box.state.remote_access_enabled is before


PATHS: dict[Path, Callable[[Run], Awaitable[None]]] = {
    Path.SETUP: _setup,
    Path.POLL: _poll,
    Path.SWITCH: _action,
    Path.SERVICE: _action,
}


def test_every_simulator_fault_is_in_the_matrix() -> None:
    """A fault the simulator learns gets a row here before it can be forgotten."""
    assert {switch.name for switch in fields(Faults)} <= {fault.id for fault in FAULTS}


# --- the documentation shows the same table --------------------------------------------------


def documented_matrix() -> dict[tuple[str, Path], str]:
    """Parse the table in docs/failure-behaviour.md: (fault id, path) -> cell text."""
    section = FAILURE_DOC.read_text("utf-8").split("# Failure behaviour", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    paths = [Path(title) for title in header[1:]]
    cells: dict[tuple[str, Path], str] = {}
    for row in rows[2:]:
        first, *rest = (cell.strip() for cell in row.strip("|").split("|"))
        match = re.search(r"\(`([a-z0-9_]+)`\)$", first)
        assert match is not None, first
        for path, cell in zip(paths, rest, strict=True):
            cells[match[1], path] = cell
    return cells


def test_docs_show_the_matrix() -> None:
    """Every (fault, path) pair with the same outcome, and the faults' titles."""
    expected = {
        (fault.id, path): fault.expect[path].describe(path) for fault in FAULTS for path in Path
    }
    assert documented_matrix() == expected
    section = FAILURE_DOC.read_text("utf-8")
    for fault in FAULTS:
        assert f"| {fault.title} (`{fault.id}`) |" in section
