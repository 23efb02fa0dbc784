"""Blueprints: Home Assistant loads every one, and automations made from them act on the box.

Each blueprint is loaded by Home Assistant's blueprint integration, made into an automation with
test inputs (which must pass the input's selector, filter included) and driven against the
simulated box: its state changes through the simulator's Python API, a poll brings the change to
Home Assistant, and the test checks the message sent or the change on the box.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
import json
from pathlib import Path
import shutil
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from homeassistant.components.automation.helpers import async_get_blueprints
from homeassistant.components.blueprint import Blueprint
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.core import split_entity_id
from homeassistant.helpers import entity_registry as er, selector
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.fritzbox_remote_access.const import DOMAIN

from .conftest import DDNS_DOMAIN, ENTRY_ID, PUBLIC_IPV4, PUBLIC_IPV6, TITLE, poll

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant, ServiceCall
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from fritzbox_simulator import FritzBoxSimulator

    from .dns_server import DNSServer

REPO = Path(__file__).parents[2]
FOLDER = REPO / "blueprints" / "automation" / DOMAIN
MANIFEST = REPO / "custom_components" / DOMAIN / "manifest.json"
DOCS = REPO / "docs" / "blueprints.md"
AUTOMATION = "automation.blueprint_under_test"
NOTIFY = "notify.phone"
# Driven by the tests below; a new blueprint needs a test of its own.
EXERCISED = {
    "certificate_invalid_alert.yaml",
    "confirmation_push.yaml",
    "dns_check_notify.yaml",
    "ddns_problem_notify.yaml",
    "remote_access_time_window.yaml",
    "remote_access_while_away.yaml",
}


@pytest.fixture(autouse=True)
def _blueprint_folder(hass: HomeAssistant, tmp_path: Path) -> None:
    """A configuration folder holding the blueprints where an import puts them."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(FOLDER, tmp_path / "blueprints" / "automation" / DOMAIN)


def files() -> list[str]:
    return sorted(path.name for path in FOLDER.glob("*.yaml"))


def entity(hass: HomeAssistant, key: str) -> str:
    """The entity id of one of the box's entities, by its translation key."""
    entries = er.async_entries_for_config_entry(er.async_get(hass), ENTRY_ID)
    return next(entry.entity_id for entry in entries if entry.translation_key == key)


def passes_filter(hass: HomeAssistant, entity_id: str, filters: list[dict[str, Any]]) -> bool:
    """Whether the entity picker would offer ``entity_id`` under one of ``filters``."""
    registry_entry = er.async_get(hass).async_get(entity_id)
    state = hass.states.get(entity_id)
    device_class = state.attributes.get("device_class") if state else None

    def allowed(rule: dict[str, Any], key: str, value: str | None) -> bool:
        wanted = rule.get(key)
        return wanted is None or value in ([wanted] if isinstance(wanted, str) else wanted)

    return any(
        allowed(rule, "integration", registry_entry.platform if registry_entry else None)
        and allowed(rule, "domain", split_entity_id(entity_id)[0])
        and allowed(rule, "device_class", device_class)
        for rule in filters
    )


async def automate(hass: HomeAssistant, name: str, inputs: dict[str, Any]) -> None:
    """Make an automation from blueprint ``name``; Home Assistant must accept it."""
    blueprint = await async_get_blueprints(hass).async_get_blueprint(f"{DOMAIN}/{name}")
    for key, value in inputs.items():
        config = blueprint.inputs[key]["selector"]
        selector.selector(config)(value)
        if filters := config.get("entity", {}).get("filter"):
            for entity_id in [value] if isinstance(value, str) else value:
                assert passes_filter(hass, entity_id, filters), (key, entity_id)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "blueprint_under_test",
                "alias": "Blueprint under test",
                "use_blueprint": {"path": f"{DOMAIN}/{name}", "input": inputs},
            }
        },
    )
    await hass.async_block_till_done()
    # An automation Home Assistant refused would be unavailable.
    assert hass.states.get(AUTOMATION).state == "on"


async def settle(hass: HomeAssistant) -> None:
    await hass.async_block_till_done(wait_background_tasks=True)


async def move_to(hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: datetime) -> None:
    """Let the clock reach ``when`` and every timer due by then fire."""
    freezer.move_to(when)
    async_fire_time_changed(hass, when)
    await settle(hass)


# --- loading -------------------------------------------------------------------------------


async def test_blueprints_load(hass: HomeAssistant) -> None:
    """Home Assistant's blueprint integration loads each file and finds nothing wrong."""
    repository = json.loads(MANIFEST.read_text("utf-8"))["documentation"]
    loaded = await async_get_blueprints(hass).async_get_blueprints()
    assert sorted(loaded) == [f"{DOMAIN}/{name}" for name in files()]
    for path, blueprint in loaded.items():
        assert isinstance(blueprint, Blueprint), (path, blueprint)
        assert blueprint.validate() is None, path
        assert blueprint.domain == "automation"
        # Where Home Assistant looks when the user asks it to import the blueprint again.
        assert (
            blueprint.metadata["source_url"]
            == f"{repository}/blob/main/blueprints/automation/{path}"
        )
        for key, spec in blueprint.inputs.items():
            assert spec.get("name"), (path, key)
            selector.validate_selector(spec["selector"])
            if "default" in spec:
                selector.selector(spec["selector"])(spec["default"])


def test_every_blueprint_is_exercised() -> None:
    assert set(files()) == EXERCISED


def test_docs_import_links() -> None:
    """docs/blueprints.md has a "My" import link for every blueprint, and only for those."""
    repository = json.loads(MANIFEST.read_text("utf-8"))["documentation"]
    owner_and_name = urlsplit(repository).path.strip("/")
    raw = f"https://raw.githubusercontent.com/{owner_and_name}/main/blueprints/automation/{DOMAIN}/"
    redirect = "https://my.home-assistant.io/redirect/blueprint_import/"
    linked = []
    for word in DOCS.read_text("utf-8").replace("(", " ").replace(")", " ").split():
        if word.startswith(redirect):
            (url,) = parse_qs(urlsplit(word).query)["blueprint_url"]
            assert url.startswith(raw), url
            linked.append(url.removeprefix(raw))
    assert sorted(linked) == files()


# --- Dynamic DNS problem ---------------------------------------------------------------------


async def ddns_automation(hass: HomeAssistant) -> list[ServiceCall]:
    calls = async_mock_service(hass, "notify", "phone")
    await automate(
        hass,
        "ddns_problem_notify.yaml",
        {
            "problem_sensor": entity(hass, "ddns_problem"),
            "status_sensors": [entity(hass, "ddns_status_ipv4"), entity(hass, "ddns_status_ipv6")],
            "notify_action": NOTIFY,
        },
    )
    return calls


async def ddns_ipv4_becomes(
    hass: HomeAssistant, box: FritzBoxSimulator, freezer: FrozenDateTimeFactory, status: str
) -> str:
    """The problem sensor's state once the next poll finds IPv4 in ``status``."""
    box.state.ddns.status_ipv4 = status
    await poll(hass, freezer)
    return hass.states.get(entity(hass, "ddns_problem")).state


@pytest.mark.usefixtures("init_integration")
async def test_ddns_problem_notifies(
    hass: HomeAssistant, box: FritzBoxSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A problem lasting five minutes is reported with the statuses; so is its end."""
    calls = await ddns_automation(hass)
    assert await ddns_ipv4_becomes(hass, box, freezer, "account-disabled") == "on"
    assert calls == []  # the default five minutes have not passed

    await poll(hass, freezer, seconds=300)
    assert len(calls) == 1
    message = calls[0].data["message"]
    assert f"Dynamic DNS of {TITLE} has a problem." in message
    assert f"{TITLE} Dynamic DNS status IPv4: Account disabled" in message
    assert f"{TITLE} Dynamic DNS status IPv6: Updated" in message
    assert calls[0].data["title"] == f"{TITLE}: Dynamic DNS problem"

    assert await ddns_ipv4_becomes(hass, box, freezer, "updated") == "off"
    assert len(calls) == 1  # solved once it stays so for a minute
    await poll(hass, freezer, seconds=60)
    assert len(calls) == 2
    assert f"Dynamic DNS of {TITLE} works again." in calls[1].data["message"]
    assert f"{TITLE} Dynamic DNS status IPv4: Updated" in calls[1].data["message"]


@pytest.mark.usefixtures("init_integration")
async def test_ddns_short_problem_stays_quiet(
    hass: HomeAssistant, box: FritzBoxSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A problem gone before five minutes is neither reported nor reported solved."""
    calls = await ddns_automation(hass)
    assert await ddns_ipv4_becomes(hass, box, freezer, "offline") == "on"
    assert await ddns_ipv4_becomes(hass, box, freezer, "updated") == "off"
    await poll(hass, freezer, seconds=600)
    assert calls == []


# --- Dynamic DNS name check ------------------------------------------------------------------

OTHER_IPV4 = "203.0.113.9"


@pytest.mark.usefixtures("init_integration")
async def test_dns_check_notifies(
    hass: HomeAssistant, dns_server: DNSServer, freezer: FrozenDateTimeFactory
) -> None:
    """A name pointing elsewhere for 15 minutes is reported with what DNS said; so is the fix."""
    await settle(hass)  # the check at set-up: the name matches
    calls = async_mock_service(hass, "notify", "phone")
    sensor = entity(hass, "ddns_dns_check")
    await automate(
        hass,
        "dns_check_notify.yaml",
        {
            "dns_check_sensor": sensor,
            "address_sensors": [entity(hass, "external_ipv4"), entity(hass, "external_ipv6")],
            "notify_action": NOTIFY,
        },
    )
    assert hass.states.get(sensor).state == "off"

    dns_server.zone.set(DDNS_DOMAIN, a=[OTHER_IPV4], aaaa=[PUBLIC_IPV6])
    await poll(hass, freezer, seconds=300)  # the next check, five minutes on
    assert hass.states.get(sensor).state == "on"
    await poll(hass, freezer, seconds=600)
    assert calls == []  # the default is 15 minutes
    await poll(hass, freezer, seconds=300)
    assert len(calls) == 1
    message = calls[0].data["message"]
    assert f"name of {TITLE} does not point to it: it points to another address." in message
    assert f"In DNS: IPv4 {OTHER_IPV4}, IPv6 {PUBLIC_IPV6}." in message
    assert f"{TITLE} External IPv4 address: {PUBLIC_IPV4}" in message
    assert calls[0].data["title"] == f"{TITLE}: Dynamic DNS name wrong"

    dns_server.zone.set(DDNS_DOMAIN, a=[PUBLIC_IPV4], aaaa=[PUBLIC_IPV6])
    await poll(hass, freezer, seconds=300)
    assert hass.states.get(sensor).state == "off"
    await poll(hass, freezer, seconds=60)
    assert len(calls) == 2
    assert f"name of {TITLE} points to it again." in calls[1].data["message"]


# --- certificate -----------------------------------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_certificate_invalid_alerts(
    hass: HomeAssistant, box: FritzBoxSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A certificate being renewed is no news; one turning invalid is."""
    calls = async_mock_service(hass, "notify", "phone")
    sensor = entity(hass, "certificate_state")
    await automate(
        hass,
        "certificate_invalid_alert.yaml",
        {"certificate_sensor": sensor, "notify_action": NOTIFY},
    )
    box.state.lets_encrypt_state = "get"
    await poll(hass, freezer)
    assert hass.states.get(sensor).state == "get"
    assert calls == []

    box.state.lets_encrypt_state = "invalid"
    await poll(hass, freezer)
    assert len(calls) == 1
    assert f'certificate of {TITLE} is in the state "Invalid"' in calls[0].data["message"]


# --- remote access within a time window ----------------------------------------------------


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time of Home Assistant's time zone in December 2026."""
    return datetime(2026, 12, day, hour, minute, tzinfo=dt_util.get_default_time_zone())


async def test_remote_access_time_window(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Off when the window ends, kept off outside it, on when it starts again."""
    freezer.move_to(local(2, 19, 59))
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await settle(hass)
    switch = entity(hass, "remote_access")
    await automate(
        hass,
        "remote_access_time_window.yaml",
        {"remote_access_switch": switch, "start_time": "08:00:00", "end_time": "20:00:00"},
    )
    assert box.state.remote_access_enabled

    await move_to(hass, freezer, local(2, 20))
    assert not box.state.remote_access_enabled
    assert hass.states.get(switch).state == "off"

    # Someone switches it on at night: it goes off again.
    await move_to(hass, freezer, local(2, 23))
    box.log.clear()
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: switch}, blocking=True
    )
    await settle(hass)
    assert not box.state.remote_access_enabled
    assert [entry.action for entry in box.log.entries].count("SetEnable") == 2  # on, then off

    await move_to(hass, freezer, local(3, 8))
    assert box.state.remote_access_enabled
    assert hass.states.get(switch).state == "on"

    # Its time triggers would outlive the test otherwise.
    await hass.services.async_call(
        "automation", SERVICE_TURN_OFF, {ATTR_ENTITY_ID: AUTOMATION}, blocking=True
    )


# --- remote access while someone is away ----------------------------------------------------


@pytest.mark.usefixtures("init_integration")
async def test_remote_access_while_away(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """On while one of the people is away, off once all are home; unknown counts neither way."""
    hass.states.async_set("person.alice", "home")
    hass.states.async_set("person.bob", "home")
    switch = entity(hass, "remote_access")
    await automate(
        hass,
        "remote_access_while_away.yaml",
        {"remote_access_switch": switch, "persons": ["person.alice", "person.bob"]},
    )
    assert box.state.remote_access_enabled

    async def goes(person: str, location: str) -> bool:
        hass.states.async_set(person, location)
        await settle(hass)
        assert hass.states.get(switch).state == ("on" if box.state.remote_access_enabled else "off")
        return box.state.remote_access_enabled

    assert await goes("person.alice", "not_home")  # on already
    assert not await goes("person.alice", "home")
    assert not await goes("person.bob", "unknown")  # not known to be away
    assert await goes("person.bob", "Work")
    assert await goes("person.bob", "unknown")  # not known to be home
    assert not await goes("person.bob", "home")

    # Everybody is home: someone switching it on is overruled.
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: switch}, blocking=True
    )
    await settle(hass)
    assert not box.state.remote_access_enabled


# --- confirmation request to a phone --------------------------------------------------------

CONFIRM_BOX = pytest.mark.parametrize("box_config", [{"confirm": True}])


async def start_turning_off(hass: HomeAssistant) -> asyncio.Task[Any]:
    """Switch remote access off on a box that wants it confirmed; returns the waiting call."""
    return asyncio.ensure_future(
        hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_OFF,
            {ATTR_ENTITY_ID: entity(hass, "remote_access")},
            blocking=True,
        )
    )


async def while_waiting(task: asyncio.Task[Any], seen: list[Any]) -> None:
    """Wait at most 10 s for ``seen`` to fill; the switch call must still await the button then."""
    async with asyncio.timeout(10):
        while not seen:
            assert not task.done(), task
            await asyncio.sleep(0.01)


@CONFIRM_BOX
@pytest.mark.usefixtures("init_integration")
async def test_confirmation_pushed(hass: HomeAssistant, box: FritzBoxSimulator) -> None:
    """The phone gets what to do at once; the change happens when the button is pressed."""
    calls = async_mock_service(hass, "notify", "phone")
    await automate(hass, "confirmation_push.yaml", {"notify_action": NOTIFY, "box": ENTRY_ID})
    task = await start_turning_off(hass)
    await while_waiting(task, calls)

    assert calls[0].data["title"] == f"{TITLE}: Switch remote access off"
    for text in (TITLE, "Switch remote access off", "Press any button", "*11234"):
        assert text in calls[0].data["message"]
    assert box.state.remote_access_enabled

    assert box.press_button()
    await task
    assert not box.state.remote_access_enabled
    assert len(calls) == 1


@CONFIRM_BOX
@pytest.mark.usefixtures("init_integration")
async def test_confirmation_push_for_another_box(
    hass: HomeAssistant, box: FritzBoxSimulator
) -> None:
    """An automation for another box stays quiet."""
    calls = async_mock_service(hass, "notify", "phone")
    events = async_capture_events(hass, f"{DOMAIN}_confirmation_required")
    await automate(
        hass, "confirmation_push.yaml", {"notify_action": NOTIFY, "box": "another-entry-id"}
    )
    task = await start_turning_off(hass)
    await while_waiting(task, events)
    assert box.press_button()
    await task
    await hass.async_block_till_done()
    assert not box.state.remote_access_enabled
    assert calls == []
