"""Fixtures: a simulated box on 127.0.0.1 and config entries pointing at it."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from datetime import timedelta
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest.mock import PropertyMock, patch

import aiodns
import aiohttp
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    MAJOR_VERSION,
    MINOR_VERSION,
    Platform,
)
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

from custom_components.fritzbox_remote_access.const import (
    CONF_FINGERPRINT,
    CONF_USE_TLS,
    DOMAIN,
)
from custom_components.fritzbox_remote_access.tr064 import (
    FritzBoxRemoteAccess,
    TR064AuthenticationError,
)
from fritzbox_simulator import FritzBoxSimulator
from fritzbox_simulator.state import LINES

from .dns_server import DNSServer

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er

USERNAME = "ha-user"
# Clearly fake; tests check that it never shows up in states, registries or snapshots.
PASSWORD = "fake-Passw0rd-for-tests"
UDN = "uuid:739f2409-bccb-40e7-8e6c-3431c4a1b2c3"
ENTRY_ID = "01JFRITZREMOTEACCESSENTRY0"
TITLE = "FRITZ!Box 7590"
DDNS_DOMAIN = "home.example.org"
# The simulator's external addresses on a line with a public IPv4 address.
PUBLIC_IPV4, PUBLIC_IPV6 = LINES["public"]

# Snapshot tests run for both firmware generations.
PROFILES = [
    pytest.param({"profile": "modern"}, id="modern"),
    pytest.param({"profile": "legacy"}, id="legacy"),
]

type BoxFactory = Callable[..., Awaitable[FritzBoxSimulator]]
type SimulatorFactory = Callable[..., Awaitable[FritzBoxSimulator]]


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/."""


# Older Home Assistant versions serialise registry entries and state attributes differently, so
# each test leg has its own snapshots, in a sibling of snapshots/: syrupy searches a snapshot
# directory recursively and would count (and on --snapshot-update delete) the other leg's
# snapshots as unused.
SNAPSHOT_DIRS: dict[tuple[int, int], str] = {(2026, 3): "snapshots-ha2026.3"}
SNAPSHOT_DIR = SNAPSHOT_DIRS.get((MAJOR_VERSION, MINOR_VERSION), "snapshots")


class VersionedSnapshotExtension(HomeAssistantSnapshotExtension):
    """Home Assistant's snapshot format, in the directory of the running version."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """Return the snapshot directory for this Home Assistant version."""
        return str(Path(test_location.filepath).parent / SNAPSHOT_DIR)


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> SnapshotAssertion:
    """Serialise states and registry entries the Home Assistant way, into this leg's directory.

    Made as syrupy's own fixture makes it, not from Home Assistant's: every snapshot assertion
    registers its directory with syrupy, and Home Assistant's would register snapshots/ on the
    older leg too, where syrupy would then call those snapshots unused (failing the run, and
    deleting them on --snapshot-update).
    """
    options = request.config.option
    extra: dict[str, Any] = {}
    if hasattr(options, "update_new_snapshots_only"):  # not in the older leg's syrupy 5.0
        extra["update_new_snapshots_only"] = options.update_new_snapshots_only
    return SnapshotAssertion(
        session=request.config._syrupy,  # where syrupy keeps its session
        extension_class=VersionedSnapshotExtension,
        test_location=PyTestLocation(request.node),
        update_snapshots=options.update_snapshots,
        **extra,
    )


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """The test plugin blocks sockets; the simulator listens on 127.0.0.1 only."""


@pytest.fixture(autouse=True)
async def dns_server(socket_enabled: None) -> AsyncGenerator[DNSServer]:
    """The DNS server the integration asks, on loopback: the populated box's name matches.

    The machine's own DNS servers are never asked.
    """
    server = DNSServer()
    await server.start()
    server.zone.set(DDNS_DOMAIN, a=[PUBLIC_IPV4], aaaa=[PUBLIC_IPV6])

    def resolver() -> aiodns.DNSResolver:
        return aiodns.DNSResolver(nameservers=[f"127.0.0.1:{server.port}"], timeout=0.5, tries=1)

    with patch("custom_components.fritzbox_remote_access.reachability.resolver_factory", resolver):
        yield server
    server.stop()


def populate(sim: FritzBoxSimulator) -> None:
    """Give the box a lived-in configuration: remote access and DDNS on, all in good shape."""
    state = sim.state
    state.remote_access_enabled = True
    state.remote_access_port = 40443
    state.remote_access_username = USERNAME
    if sim.config.lets_encrypt:
        state.lets_encrypt_enabled = True
        state.lets_encrypt_state = "valid"
    ddns = state.ddns
    ddns.enabled = True
    ddns.provider_name = "dynv6.com"
    ddns.domain = DDNS_DOMAIN
    ddns.mode = sim.config.mode_spelling
    ddns.server_ipv4 = "ipv4.dynv6.com"
    ddns.server_ipv6 = "ipv6.dynv6.com"
    ddns.status_ipv4 = "updated"
    ddns.status_ipv6 = "updated"
    ddns.username = "ddns-user"


@pytest.fixture
def box_factory(simulator_factory: SimulatorFactory) -> BoxFactory:
    """Start populated simulators with our credentials (stopped by ``simulator_factory``)."""

    async def factory(**overrides: Any) -> FritzBoxSimulator:
        settings: dict[str, Any] = {
            "username": USERNAME,
            "password": PASSWORD,
            "udn": UDN,
            "seed": 7590,
            # Frozen test time jumps (to the frozen date, then in 30 s steps); nonces that
            # never go stale keep one poll at exactly two requests.
            "nonce_lifetime": math.inf,
        }
        settings.update(overrides)
        sim = await simulator_factory(**settings)
        populate(sim)
        return sim

    return factory


@pytest.fixture
def box_config() -> dict[str, Any]:
    """Simulator settings; override (or parametrize) to change the box."""
    return {}


@pytest.fixture
async def box(box_factory: BoxFactory, box_config: dict[str, Any]) -> FritzBoxSimulator:
    """The simulated box of a test."""
    return await box_factory(**box_config)


def entry_data(sim: FritzBoxSimulator, *, use_tls: bool = False) -> dict[str, Any]:
    """Config entry data as the config flow stores it."""
    return {
        CONF_HOST: sim.host,
        CONF_PORT: sim.tls_port if use_tls else sim.port,
        CONF_USERNAME: USERNAME,
        CONF_PASSWORD: PASSWORD,
        CONF_USE_TLS: use_tls,
        CONF_FINGERPRINT: sim.certificate_fingerprint if use_tls else None,
    }


@pytest.fixture
def mock_config_entry(box: FritzBoxSimulator) -> MockConfigEntry:
    """A config entry for the box, as a finished config flow leaves it."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=TITLE,
        unique_id=box.udn,
        entry_id=ENTRY_ID,
        data=entry_data(box),
        version=1,
        minor_version=1,
    )


@pytest.fixture
def platforms() -> list[Platform]:
    """Platforms to set up; snapshot tests load one at a time."""
    return [Platform.BINARY_SENSOR, Platform.SENSOR, Platform.SWITCH]


@pytest.fixture
def _only_platforms(platforms: list[Platform]) -> Generator[None]:
    with patch("custom_components.fritzbox_remote_access.PLATFORMS", platforms):
        yield


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, _only_platforms: None
) -> MockConfigEntry:
    """Set the entry up against the simulator."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create entities that are disabled by default as enabled."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


def assert_no_password(hass: HomeAssistant, entity_registry: er.EntityRegistry) -> None:
    """No state, attribute or registry entry shows the password (snapshots are made of them)."""
    for state in hass.states.async_all():
        assert PASSWORD not in repr(state.as_dict())
    for entry in entity_registry.entities.values():
        assert PASSWORD not in repr(entry)


async def poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: int = 30) -> None:
    """Let the update interval pass and the poll finish.

    The coordinator schedules its next poll at ``int(loop.time())`` plus a random fraction of
    a second plus the interval, so a poll falls due up to a second after the nominal interval:
    timers due within that second fire too. A refresh still under way (one a set-up or an
    action started in the background) is let finish first, or the due poll would be skipped.
    """
    await hass.async_block_till_done(wait_background_tasks=True)
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=1))
    # The coordinator polls in a background task.
    await hass.async_block_till_done(wait_background_tasks=True)


def reauth_flows(hass: HomeAssistant) -> list[Any]:
    """Re-authentication flows in progress for the integration."""
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def lock_out(box: FritzBoxSimulator) -> None:
    """Fail one login from 127.0.0.1, as a mistyped password elsewhere would."""
    async with aiohttp.ClientSession() as session:
        intruder = FritzBoxRemoteAccess(
            session, box.host, username=USERNAME, password="mistyped-fake", port=box.port
        )
        with pytest.raises(TR064AuthenticationError):
            await intruder.get_info()
