"""Writes a box wants confirmed on the box itself, against a simulated box that protects them.

Each test starts a write, waits (bounded) for the event that a confirmation is needed, acts
as the person at the box would, and then checks the outcome: the box's settings, the entity,
the notification and every request the box received.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    EVENT_HOMEASSISTANT_STOP,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_get_persistent_notifications,
)

from custom_components.fritzbox_remote_access.confirmation import (
    EVENT_CONFIRMATION_REQUIRED,
    notification_id,
)
from custom_components.fritzbox_remote_access.const import DOMAIN
from custom_components.fritzbox_remote_access.services import (
    SERVICE_SET_DDNS_CONFIG,
    SERVICE_SET_REMOTE_ACCESS_USER,
)

from .conftest import ENTRY_ID, PASSWORD, TITLE, USERNAME

if TYPE_CHECKING:
    from homeassistant.core import Event, HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from fritzbox_simulator import FritzBoxSimulator

REMOTE_ACCESS = "switch.fritz_box_7590_remote_access"
LETS_ENCRYPT = "switch.fritz_box_7590_let_s_encrypt_certificate"
NOTIFICATION = notification_id(ENTRY_ID)
AUTH = "/upnp/control/x_auth"
PHONE_CODE = "*11234"
# Short, so a test that lets the confirmation run out waits seconds, not minutes. The client
# asks the box every 2 s: 3 s leaves room for exactly one GetState.
SHORT_TIMEOUT = 3.0
EVENT_WAIT = 10.0

type Write = Callable[[], Awaitable[Any]]


@pytest.fixture
def box_config() -> dict[str, Any]:
    """A box that protects every write of the remote access service."""
    return {"confirm": True}


@pytest.fixture
def platforms() -> list[Platform]:
    return [Platform.SWITCH]


def requests(box: FritzBoxSimulator) -> list[tuple[str | None, str, bool]]:
    """What the box received: action, service (``auth`` or ``remote``) and whether a token came."""
    return [
        (entry.action, "auth" if entry.path == AUTH else "remote", entry.with_token)
        for entry in box.log.entries
    ]


# The protected write's way through the box, without the refresh after it.
WRITE = "write"
CONFIRMED = [
    (WRITE, "remote", False),  # answered 866
    ("SetConfig", "auth", False),  # stop a stale process
    ("SetConfig", "auth", False),  # start
    ("GetState", "auth", True),  # 2 s later: authenticated
    (WRITE, "remote", True),  # again, with the token
]


def confirmed(write: str, *after: str) -> list[tuple[str | None, str, bool]]:
    """``CONFIRMED`` with the action ``write``, then the reads ``after`` it."""
    steps = [
        (write if name == WRITE else name, service, token) for name, service, token in CONFIRMED
    ]
    return [*steps, *((read, "remote", False) for read in after)]


# Switching remote access off, ended while waiting: the box's process is stopped.
STOP = ("SetConfig", "auth", False)
STOPPED_BEFORE_GET_STATE = [*confirmed("SetEnable")[:3], STOP]
STOPPED_AFTER_GET_STATE = [*confirmed("SetEnable")[:4], STOP]


def turn(hass: HomeAssistant, service: str, entity_id: str) -> Write:
    return lambda: hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


def action(hass: HomeAssistant, service: str, **data: Any) -> Write:
    return lambda: hass.services.async_call(
        DOMAIN, service, {"config_entry_id": ENTRY_ID, **data}, blocking=True
    )


async def start_write(hass: HomeAssistant, write: Write) -> tuple[asyncio.Task[Any], Event]:
    """Start ``write`` and return it with the event that it waits for confirmation."""
    events = async_capture_events(hass, EVENT_CONFIRMATION_REQUIRED)
    task = asyncio.ensure_future(write())
    async with asyncio.timeout(EVENT_WAIT):
        while not events:
            assert not task.done(), task.exception()
            await asyncio.sleep(0.01)
    assert len(events) == 1
    return task, events[0]


def notification(hass: HomeAssistant) -> dict[str, Any] | None:
    return async_get_persistent_notifications(hass).get(NOTIFICATION)


def assert_switch_write_undone(
    hass: HomeAssistant, box: FritzBoxSimulator, sent: list[tuple[str | None, str, bool]]
) -> None:
    """Switching remote access off failed: nothing changed, no message, no process on the box."""
    assert box.state.remote_access_enabled is True
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON
    assert notification(hass) is None
    assert requests(box) == sent
    assert box.second_factor.state == "stopped"


@pytest.mark.usefixtures("init_integration")
async def test_switch_confirmed_by_button(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """The user is told at once; the button carries the change out; the message goes away."""
    box.log.clear()
    task, event = await start_write(hass, turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS))

    # Waiting: nothing changed yet, and the user knows what to do until when.
    assert box.state.remote_access_enabled is True
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON
    data = event.data
    assert set(data) == {
        "config_entry_id",
        "title",
        "change",
        "change_name",
        "methods",
        "phone_code",
        "deadline",
        "message",
    }
    assert data["config_entry_id"] == ENTRY_ID
    assert data["title"] == TITLE
    assert data["change"] == "remote_access_off"
    assert data["change_name"] == "Switch remote access off"
    assert data["methods"] == ["button", "dtmf"]
    assert data["phone_code"] == PHONE_CODE
    shown = notification(hass)
    assert shown is not None
    assert shown["title"] == f"Confirm the change on {TITLE}"
    assert shown["message"] == data["message"]
    for text in (TITLE, "Switch remote access off", "Press any button", PHONE_CODE):
        assert text in shown["message"]

    assert box.press_button()
    await task

    assert box.state.remote_access_enabled is False
    assert hass.states.get(REMOTE_ACCESS).state == STATE_OFF
    assert notification(hass) is None
    assert requests(box) == confirmed("SetEnable", "GetInfo", "GetDDNSInfo")
    assert box.second_factor.state == "stopped"


@pytest.mark.usefixtures("init_integration")
async def test_action_confirmed_by_phone(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """An admin action waits the same way; dialling the code confirms it."""
    box.log.clear()
    task, event = await start_write(
        hass,
        action(hass, SERVICE_SET_DDNS_CONFIG, password="ddns-secret-fake", username="other-user"),
    )
    assert event.data["change"] == "ddns_config"
    assert event.data["change_name"] == "Set up dynamic DNS"
    assert box.state.ddns.username == "ddns-user"

    assert box.dial(PHONE_CODE)
    await task

    assert box.state.ddns.username == "other-user"
    assert notification(hass) is None
    assert requests(box) == [
        ("GetDDNSProviders", "remote", False),  # the provider list, on first need
        ("GetDDNSInfo", "remote", False),  # fresh settings before the write
        # The DDNS state changed: the refresh reads the external addresses too.
        *confirmed("SetDDNSConfig", "GetInfo", "GetDDNSInfo", "GetAppRemoteInfo"),
    ]


@pytest.mark.usefixtures("init_integration")
async def test_not_confirmed_in_time(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """Nobody confirms: a translated error, nothing changed, no process left on the box."""
    box.log.clear()
    with patch(
        "custom_components.fritzbox_remote_access.confirmation.CONFIRMATION_TIMEOUT",
        SHORT_TIMEOUT,
    ):
        task, _ = await start_write(hass, turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS))
        with pytest.raises(HomeAssistantError) as raised:
            await task
    assert raised.value.translation_key == "confirmation_timeout"
    assert "not confirmed" in str(raised.value)
    assert_switch_write_undone(hass, box, STOPPED_AFTER_GET_STATE)


@pytest.mark.usefixtures("init_integration")
async def test_confirmation_fails(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """The box ends the process with ``failure``: a translated error, nothing changed."""
    box.log.clear()
    task, _ = await start_write(hass, turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS))
    assert box.fail_second_factor()
    with pytest.raises(HomeAssistantError) as raised:
        await task
    assert raised.value.translation_key == "confirmation_failed"
    assert_switch_write_undone(hass, box, STOPPED_AFTER_GET_STATE)


@pytest.mark.parametrize("box_config", [{"confirm": True, "second_factor_attempts": 1}])
@pytest.mark.usefixtures("init_integration")
async def test_blocked(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """Too many unconfirmed attempts block the box; each refusal is translated, nothing changes."""
    with patch(
        "custom_components.fritzbox_remote_access.confirmation.CONFIRMATION_TIMEOUT",
        SHORT_TIMEOUT,
    ):
        task, _ = await start_write(hass, turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS))
        with pytest.raises(HomeAssistantError):
            await task

        # The next start is one too many: the box answers "blocked".
        box.log.clear()
        with pytest.raises(HomeAssistantError) as raised:
            await turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS)()
        assert raised.value.translation_key == "confirmation_blocked"
        assert requests(box) == [*confirmed("SetEnable")[:3], ("SetConfig", "auth", False)]

        # While blocked, the write itself answers 867.
        box.log.clear()
        with pytest.raises(HomeAssistantError) as raised:
            await turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS)()
        assert raised.value.translation_key == "confirmation_blocked"
        assert requests(box) == [("SetEnable", "remote", False)]

    assert box.state.remote_access_enabled is True
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON
    assert notification(hass) is None


@pytest.mark.parametrize("box_config", [{"confirm": True, "second_factor_service": False}])
@pytest.mark.usefixtures("init_integration")
async def test_box_without_auth_service(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """866 from a box that offers no way to confirm: a translated error, nothing changed."""
    events = async_capture_events(hass, EVENT_CONFIRMATION_REQUIRED)
    box.log.clear()
    for write, request in (
        (turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS), "SetEnable"),
        (action(hass, SERVICE_SET_DDNS_CONFIG, password="ddns-secret-fake"), "SetDDNSConfig"),
    ):
        with pytest.raises(HomeAssistantError) as raised:
            await write()
        assert raised.value.translation_key == "confirmation_required"
        assert requests(box)[-1] == (request, "remote", False)
    # Nothing reaches the X_AVM-DE_Auth address the box does not have.
    assert requests(box) == [
        ("SetEnable", "remote", False),
        ("GetDDNSProviders", "remote", False),
        ("GetDDNSInfo", "remote", False),
        ("SetDDNSConfig", "remote", False),
    ]
    assert box.state.remote_access_enabled is True
    assert box.state.ddns.password != "ddns-secret-fake"
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON
    assert notification(hass) is None
    assert events == []


@pytest.mark.usefixtures("init_integration")
async def test_another_process_on_the_box(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """Someone else's confirmation runs on the box: refused as busy, theirs left alone."""
    box.second_factor.start(owner="someone-else")
    box.log.clear()
    with pytest.raises(HomeAssistantError) as raised:
        await turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS)()
    assert raised.value.translation_key == "confirmation_busy"
    assert box.state.remote_access_enabled is True
    assert box.second_factor.state == "waitingforauth"  # the other process still runs
    assert notification(hass) is None
    assert requests(box) == [("SetEnable", "remote", False)]


@pytest.mark.usefixtures("init_integration")
async def test_second_write_refused_while_one_waits(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """One confirmation at a time per box: other writes are refused at once, sending nothing."""
    box.log.clear()
    task, _ = await start_write(hass, turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS))
    waiting = len(box.log.entries)

    for write in (
        turn(hass, SERVICE_TURN_OFF, LETS_ENCRYPT),
        turn(hass, SERVICE_TURN_ON, REMOTE_ACCESS),
        action(hass, SERVICE_SET_REMOTE_ACCESS_USER, password="Other-Pw-fake", port=40444),
        action(hass, SERVICE_SET_DDNS_CONFIG, password="ddns-secret-fake", enabled=False),
    ):
        with pytest.raises(HomeAssistantError) as raised:
            async with asyncio.timeout(EVENT_WAIT):
                await write()
        assert raised.value.translation_key == "confirmation_pending"
    # Only the first write's own GetState polls went out meanwhile.
    assert all(entry.action == "GetState" for entry in box.log.entries[waiting:])

    assert box.press_button()
    await task
    assert box.state.remote_access_enabled is False
    assert box.state.lets_encrypt_enabled is True
    assert box.state.remote_access_port == 40443
    assert box.state.ddns.enabled is True

    # The turn is free again: the next write gets its own confirmation.
    task, _ = await start_write(hass, turn(hass, SERVICE_TURN_ON, REMOTE_ACCESS))
    assert box.press_button()
    await task
    assert box.state.remote_access_enabled is True
    assert hass.states.get(REMOTE_ACCESS).state == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_bad_input_refused_for_itself_while_one_waits(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """Input the last poll already refutes gets its own error, not "another change waits"."""
    # A box without a remote access user: the action must be given one.
    box.state.remote_access_username = ""
    entry = hass.config_entries.async_get_entry(ENTRY_ID)
    assert entry is not None
    await entry.runtime_data.async_refresh()
    domain = box.state.ddns.domain
    assert domain
    box.log.clear()
    task, _ = await start_write(hass, turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS))
    waiting = len(box.log.entries)

    for write, key in (
        (
            action(hass, SERVICE_SET_REMOTE_ACCESS_USER, password="Other-Pw-fake"),
            "remote_access_username_missing",
        ),
        (
            action(
                hass, SERVICE_SET_DDNS_CONFIG, password="ddns-secret-fake", domain="", enabled=True
            ),
            "ddns_domain_required",
        ),
    ):
        with pytest.raises(HomeAssistantError) as raised:
            async with asyncio.timeout(EVENT_WAIT):
                await write()
        assert raised.value.translation_key == key
    assert all(entry.action == "GetState" for entry in box.log.entries[waiting:])

    assert box.press_button()
    await task
    assert box.state.remote_access_enabled is False
    assert box.state.ddns.domain == domain


@pytest.mark.parametrize("end", ["reload", "unload", "stop"])
@pytest.mark.usefixtures("init_integration")
async def test_waiting_write_ends_with_the_entry(
    hass: HomeAssistant, box: FritzBoxSimulator, end: str
) -> None:
    """Unload, reload or stop while a write waits: cancelled at once, the box's process stopped."""
    box.log.clear()
    task, _ = await start_write(hass, turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS))
    if end == "stop":
        hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    elif end == "reload":
        assert await hass.config_entries.async_reload(ENTRY_ID)
    else:
        assert await hass.config_entries.async_unload(ENTRY_ID)
    with pytest.raises(HomeAssistantError) as raised:
        async with asyncio.timeout(EVENT_WAIT):
            await task
    assert raised.value.translation_key == "confirmation_cancelled"
    assert box.state.remote_access_enabled is True
    assert box.second_factor.state == "stopped"
    assert notification(hass) is None
    if end != "reload":
        assert requests(box) == STOPPED_BEFORE_GET_STATE
    else:
        # The reloaded entry's set-up reads go out meanwhile; the write's requests are these.
        writes = [entry for entry in requests(box) if "auth" in entry or "SetEnable" in entry]
        assert writes == STOPPED_BEFORE_GET_STATE
        # The reloaded entry writes again, with a confirmation of its own.
        assert hass.states.get(REMOTE_ACCESS).state == STATE_ON
        task, _ = await start_write(hass, turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS))
        assert box.press_button()
        await task
        assert box.state.remote_access_enabled is False
        assert hass.states.get(REMOTE_ACCESS).state == STATE_OFF


async def test_token_stays_out_of_everything(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The token reaches neither event, notification, diagnostics nor log (debug included)."""
    # Made first: making them waits for all pending work, the waiting write included.
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_client()
    caplog.set_level("DEBUG")
    tokens: list[str] = []
    original = box.second_factor.start

    def start(owner: str) -> Any:
        result = original(owner)
        tokens.append(result.token)
        return result

    with patch.object(box.second_factor, "start", start):
        task, event = await start_write(
            hass,
            action(
                hass,
                SERVICE_SET_REMOTE_ACCESS_USER,
                username=USERNAME,
                password=PASSWORD,
                port=40444,
            ),
        )
        shown = notification(hass)
        response = await client.get(f"/api/diagnostics/config_entry/{init_integration.entry_id}")
        assert response.status == HTTPStatus.OK
        diagnostics = await response.json()
        assert box.press_button()
        await task

    assert box.state.remote_access_port == 40444
    assert len(tokens) == 1
    token = tokens[0]
    assert token
    for text in (repr(event.data), repr(shown), repr(diagnostics), caplog.text):
        assert token not in text
        assert PASSWORD not in text


@pytest.mark.usefixtures("init_integration")
async def test_texts_in_german(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """The notification speaks the language Home Assistant is set to."""
    hass.config.language = "de"
    task, event = await start_write(hass, turn(hass, SERVICE_TURN_OFF, LETS_ENCRYPT))
    shown = notification(hass)
    assert shown is not None
    assert shown["title"] == f"Änderung an {TITLE} bestätigen"
    assert event.data["change_name"] == "Let's-Encrypt-Zertifikat ausschalten"
    assert "Drücke eine beliebige Taste" in shown["message"]
    assert PHONE_CODE in shown["message"]
    assert box.press_button()
    await task
    assert box.state.lets_encrypt_enabled is False
    assert hass.states.get(LETS_ENCRYPT).state == STATE_OFF
