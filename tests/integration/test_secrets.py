"""No password anywhere: a whole session at DEBUG, and the filter that keeps core's log clean.

The session sets the entry up, polls, runs every action (refused ones too), meets faults,
re-authenticates and downloads diagnostics, all with debug logging on for every logger. Then
every log record (message, arguments, traceback), the diagnostics, every error raised and the
reprs of what the entry holds are searched for the passwords. They all carry one random token,
so one search finds any of them, even cut short or in another case.
"""

from __future__ import annotations

from http import HTTPStatus
import json
import logging
import secrets
from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    CONF_USERNAME,
    EVENT_HOMEASSISTANT_CLOSE,
    EVENT_LOGGING_CHANGED,
    SERVICE_TURN_OFF,
    STATE_UNAVAILABLE,
)
from homeassistant.core import Context, ServiceCall
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.fritzbox_remote_access import services
from custom_components.fritzbox_remote_access.const import DOMAIN
from custom_components.fritzbox_remote_access.log_filter import (
    CORE_LOGGER,
    REDACTED,
    ServiceDataRedactor,
)
from fritzbox_simulator import BoxUser, FritzBoxSimulator

from .conftest import ENTRY_ID, TITLE, USERNAME, BoxFactory, entry_data, poll, reauth_flows

if TYPE_CHECKING:
    from collections.abc import Iterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

# Random per run, so that no fixed string in the code could match by chance.
TOKEN = secrets.token_hex(6)
BOX_PASSWORD = f"Pw-box-{TOKEN}"
CHANGED_BOX_PASSWORD = f"Pw-changed-{TOKEN}"
NEW_BOX_PASSWORD = f"Pw-new-{TOKEN}"
DDNS_PASSWORD = f"Pw-ddns-{TOKEN}"
WEAK_PASSWORD = f"onlyletters{TOKEN.translate(str.maketrans('0123456789', 'ghijklmnop'))}"
REMOTE_USER = "remote"
REMOTE_PASSWORD = f"Pw-remote-{TOKEN}"

SECRETS = (
    BOX_PASSWORD,
    CHANGED_BOX_PASSWORD,
    NEW_BOX_PASSWORD,
    DDNS_PASSWORD,
    WEAK_PASSWORD,
    REMOTE_PASSWORD,
)
MARKERS = (TOKEN, WEAK_PASSWORD)  # the weak one cannot carry digits, so not the token

REMOTE_ACCESS = "switch.fritz_box_7590_remote_access"
STATUS_IPV4 = "sensor.fritz_box_7590_dynamic_dns_status_ipv4"
BUS_HANDLING = "Bus:Handling %s"


def leaked(text: str) -> list[str]:
    """The markers of our secrets found in ``text``, case ignored."""
    return [marker for marker in MARKERS if marker.lower() in text.lower()]


def record_texts(record: logging.LogRecord) -> Iterator[str]:
    """Everything a log handler could write for ``record``."""
    yield record.getMessage()
    yield repr(record.args)
    yield repr(record.__dict__)
    if record.exc_info:
        yield logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        yield record.exc_text
    if record.stack_info:
        yield record.stack_info


@pytest.fixture
def _debug_everywhere(hass: HomeAssistant, caplog: pytest.LogCaptureFixture) -> None:
    """DEBUG for every logger, and core's event bus told so (it caches the level)."""
    caplog.set_level(logging.DEBUG)
    for name in (CORE_LOGGER, DOMAIN, f"custom_components.{DOMAIN}", "fritzbox_simulator"):
        caplog.set_level(logging.DEBUG, logger=name)
    hass.bus.async_fire(EVENT_LOGGING_CHANGED)


@pytest.fixture
async def box(box_factory: BoxFactory) -> FritzBoxSimulator:
    """A box whose users and DDNS account have marked passwords."""
    sim = await box_factory(
        password=BOX_PASSWORD,
        users=(BoxUser(USERNAME, BOX_PASSWORD), BoxUser(REMOTE_USER, REMOTE_PASSWORD)),
    )
    sim.state.ddns.password = DDNS_PASSWORD
    return sim


@pytest.fixture
def entry(hass: HomeAssistant, box: FritzBoxSimulator) -> MockConfigEntry:
    config_entry = MockConfigEntry(
        domain=DOMAIN,
        title=TITLE,
        unique_id=box.udn,
        entry_id=ENTRY_ID,
        data={**entry_data(box), CONF_PASSWORD: BOX_PASSWORD},
    )
    config_entry.add_to_hass(hass)
    return config_entry


class Session:
    """Runs the steps and keeps every error raised to a caller."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self.errors: list[BaseException] = []

    async def call(self, service: str, data: dict[str, Any], *, fails: bool = False) -> Any:
        """Call one of our actions; ``fails``: it must raise (the error is kept)."""
        response: Any
        try:
            response = await self.hass.services.async_call(
                DOMAIN,
                service,
                {ATTR_CONFIG_ENTRY_ID: ENTRY_ID, **data},
                blocking=True,
                return_response=service == services.SERVICE_GET_DDNS_PROVIDERS,
            )
        except HomeAssistantError as err:
            self.errors.append(err)
            response = err
        assert isinstance(response, HomeAssistantError) is fails, response
        return response

    async def switch_off(self) -> None:
        try:
            await self.hass.services.async_call(
                SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: REMOTE_ACCESS}, blocking=True
            )
        except HomeAssistantError as err:
            self.errors.append(err)


@pytest.mark.usefixtures("_debug_everywhere")
async def test_no_password_in_a_whole_session(
    *,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    box: FritzBoxSimulator,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Set-up, polls, every action, faults, re-authentication, diagnostics: no password."""
    session = Session(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await poll(hass, freezer)

    # Every action: successes, refusals by the schema, by the box's data and by the box.
    await session.call(
        services.SERVICE_SET_DDNS_CONFIG,
        {CONF_PASSWORD: DDNS_PASSWORD, "username": "ddns-user", "mode": "ddns_v4"},
    )
    assert box.state.ddns.password == DDNS_PASSWORD
    assert await session.call(services.SERVICE_GET_DDNS_PROVIDERS, {})
    for data in (
        {CONF_PASSWORD: f"{DDNS_PASSWORD}\n"},  # refused by the schema
        {CONF_PASSWORD: DDNS_PASSWORD, "enabled": "perhaps"},  # vol.Invalid inside
        {CONF_PASSWORD: DDNS_PASSWORD, "provider": "no-such-provider"},  # after reading
    ):
        await session.call(services.SERVICE_SET_DDNS_CONFIG, data, fails=True)
    await session.call(
        services.SERVICE_SET_REMOTE_ACCESS_USER,
        {CONF_USERNAME: REMOTE_USER, CONF_PASSWORD: WEAK_PASSWORD},
        fails=True,  # 820 from the box
    )
    await session.call(
        services.SERVICE_SET_REMOTE_ACCESS_USER,
        {CONF_USERNAME: REMOTE_USER, CONF_PASSWORD: f"{REMOTE_PASSWORD}\t"},
        fails=True,
    )
    # Our own login gets a new password: stored in the entry, which reloads with it.
    await session.call(
        services.SERVICE_SET_REMOTE_ACCESS_USER,
        {CONF_USERNAME: USERNAME, CONF_PASSWORD: NEW_BOX_PASSWORD},
    )
    await hass.async_block_till_done()
    assert entry.data[CONF_PASSWORD] == NEW_BOX_PASSWORD
    assert entry.state is ConfigEntryState.LOADED
    await poll(hass, freezer)
    assert hass.states.get(STATUS_IPV4).state != STATE_UNAVAILABLE

    # Faults: unreachable, broken answers, missing rights, app access off.
    for break_box, heal_box in (
        (lambda: box.reboot(3600), box.end_reboot),
        (lambda: setattr(box.faults, "http_500_garbage", True), None),
        (lambda: setattr(box.faults, "app_access_disabled", True), None),
        (
            lambda: box.state.users.__setitem__(
                USERNAME, BoxUser(USERNAME, NEW_BOX_PASSWORD, rights=frozenset())
            ),
            None,
        ),
    ):
        break_box()
        await poll(hass, freezer)
        assert hass.states.get(STATUS_IPV4).state == STATE_UNAVAILABLE
        await session.switch_off()
        await session.call(
            services.SERVICE_SET_DDNS_CONFIG, {CONF_PASSWORD: DDNS_PASSWORD}, fails=True
        )
        if heal_box is not None:
            await heal_box()
        box.faults.http_500_garbage = box.faults.app_access_disabled = False
        box.state.users[USERNAME] = BoxUser(USERNAME, NEW_BOX_PASSWORD)
        await poll(hass, freezer)
        assert hass.states.get(STATUS_IPV4).state != STATE_UNAVAILABLE

    # An action nobody waits for fails: core logs the call itself, with its data.
    box.faults.drop_connection = True
    await hass.services.async_call(
        DOMAIN,
        services.SERVICE_SET_DDNS_CONFIG,
        {ATTR_CONFIG_ENTRY_ID: ENTRY_ID, CONF_PASSWORD: DDNS_PASSWORD},
        blocking=False,
    )
    await hass.async_block_till_done()
    box.faults.drop_connection = False
    assert [
        record
        for record in caplog.records
        if record.msg == "Error executing service: %s"
        and f"{DOMAIN}.{services.SERVICE_SET_DDNS_CONFIG}" in record.getMessage()
    ]

    # The password changes on the box: re-authentication with the right one.
    box.state.users[USERNAME] = BoxUser(USERNAME, CHANGED_BOX_PASSWORD)
    await poll(hass, freezer)
    (flow,) = reauth_flows(hass)
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: f"{BOX_PASSWORD}-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: CHANGED_BOX_PASSWORD}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    for _ in range(4):
        await poll(hass, freezer, seconds=60)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(STATUS_IPV4).state != STATE_UNAVAILABLE

    # Diagnostics, as returned and as downloaded.
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_client()
    response = await client.get(f"/api/diagnostics/config_entry/{entry.entry_id}")
    assert response.status == HTTPStatus.OK
    download = await response.text()

    # The search. First: the session really logged at DEBUG, and core's bus lines are there.
    assert caplog.records
    bus_lines = [
        record.getMessage()
        for record in caplog.records
        if record.msg == BUS_HANDLING
        and f"<Event call_service[L]: domain={DOMAIN}," in record.getMessage()
    ]
    assert bus_lines
    assert all(line.endswith(f"service_data={REDACTED}>") for line in bus_lines)
    for record in caplog.records:
        for text in record_texts(record):
            assert not leaked(text), (record.name, record.getMessage())
    assert not leaked(json.dumps(diagnostics, default=str))
    assert not leaked(download)
    assert session.errors
    for err in session.errors:
        texts = (str(err), repr(err), repr(getattr(err, "translation_placeholders", None)))
        assert not any(leaked(text) for text in texts)
    coordinator = entry.runtime_data
    for obj in (entry, coordinator, coordinator.client, coordinator.data, coordinator.box_info):
        assert not leaked(repr(obj))
    # Invalid calls never reach core's "Invalid data" line: our schemas raise without the data.
    assert not [r for r in caplog.records if r.msg.startswith("Invalid data for service call")]


# --- the filter on its own -------------------------------------------------------------------


@pytest.mark.usefixtures("_debug_everywhere")
async def test_filter_leaves_other_records_alone(
    hass: HomeAssistant, entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """Another domain's call keeps its data in the log; so does every other record."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    caplog.clear()
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: REMOTE_ACCESS}, blocking=True
    )
    lines = [r.getMessage() for r in caplog.records if r.msg == BUS_HANDLING]
    call = f"domain={SWITCH_DOMAIN}, service={SERVICE_TURN_OFF}"
    assert any(f"{call}, service_data=entity_id={REMOTE_ACCESS}" in line for line in lines)
    assert not any(REDACTED in line for line in lines)


def _record(msg: str, *args: Any) -> logging.LogRecord:
    return logging.LogRecord(CORE_LOGGER, logging.DEBUG, __file__, 1, msg, args, None)


async def test_filter_rewrites_only_our_calls(hass: HomeAssistant) -> None:
    """Each of core's three message shapes, ours redacted, the others and the rest unchanged."""
    redactor = ServiceDataRedactor(DOMAIN)
    ours = ServiceCall(hass, DOMAIN, "set_ddns_config", {CONF_PASSWORD: DDNS_PASSWORD})
    theirs = ServiceCall(hass, "light", "turn_on", {"brightness": 7}, Context())
    cases = [
        (
            _record("Invalid data for service call %s.%s: %s", DOMAIN, "x", {"p": DDNS_PASSWORD}),
            f"Invalid data for service call {DOMAIN}.x: {REDACTED}",
        ),
        (
            _record("Invalid data for service call %s.%s: %s", "light", "x", {"p": 1}),
            "Invalid data for service call light.x: {'p': 1}",
        ),
        (
            _record("Error executing service: %s", ours),
            f"Error executing service: <ServiceCall {DOMAIN}.set_ddns_config "
            f"(c:{ours.context.id}): {REDACTED}>",
        ),
        (_record("Service was cancelled: %s", theirs), f"Service was cancelled: {theirs!r}"),
        (
            _record(BUS_HANDLING, "<Event call_service[R]: domain=light, service=on>"),
            "Bus:Handling <Event call_service[R]: domain=light, service=on>",
        ),
        (
            _record(BUS_HANDLING, "<Event state_changed[L]: entity_id=switch.x>"),
            "Bus:Handling <Event state_changed[L]: entity_id=switch.x>",
        ),
        (_record("Unrelated %s", DDNS_PASSWORD), f"Unrelated {DDNS_PASSWORD}"),
        (_record("No arguments"), "No arguments"),
    ]
    for record, shown in cases:
        assert redactor.filter(record) is True
        assert record.getMessage() == shown


async def test_filter_goes_with_home_assistant(hass: HomeAssistant) -> None:
    """Added with the actions, removed when Home Assistant closes: no filter piles up."""
    logger = logging.getLogger(CORE_LOGGER)
    # The Home Assistants of earlier tests in this process have closed: none of theirs is left.
    assert not [f for f in logger.filters if isinstance(f, ServiceDataRedactor)]
    assert await async_setup_component(hass, DOMAIN, {})
    (redactor,) = [f for f in logger.filters if isinstance(f, ServiceDataRedactor)]
    assert redactor.domain == DOMAIN
    hass.bus.async_fire(EVENT_HOMEASSISTANT_CLOSE)
    await hass.async_block_till_done()
    assert not [f for f in logger.filters if isinstance(f, ServiceDataRedactor)]
