"""Soak: thousands of coordinator refreshes against a box that misbehaves one time in ten.

Between refreshes the box's settings change at random, and one refresh in ten meets a fault
(seeded, so every run is the same): dropped connections, HTTP 500 garbage, malformed XML,
entity bombs, oversized bodies, app access switched off, reboots, answers slower than the
client's timeout, and slow answers within it. Every refresh must end as its fault dictates:
without a fault (or with a slow answer in time) it succeeds and every entity equals the box;
with one it fails with UpdateFailed and every entity is unavailable. No other exception, no
logged traceback, memory growth under 1 MB (tracemalloc, after a warm-up; the simulator's
own allocations left out), and at the end every entity equals the box.

The default run makes 500 refreshes (a few seconds). The full soak of 10,000:

    FRA_SOAK=10000 scripts/run python -m pytest tests/integration/test_soak.py
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
import gc
from ipaddress import IPv6Address, ip_address
import logging
import os
import random
import tracemalloc
from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest

from fritzbox_simulator import Faults

from .conftest import DDNS_DOMAIN

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from fritzbox_simulator import BoxState, FritzBoxSimulator

REFRESHES = int(os.environ.get("FRA_SOAK", "500"))
WARM_UP = min(200, REFRESHES // 5)
SEED = 7590
FAULT_RATE = 0.1
CHANGE_RATE = 0.3
MAX_GROWTH = 1_000_000  # bytes
CLIENT_TIMEOUT = 0.5  # seconds; the integration's 45 s would make slow answers too slow here

# Fault kind -> weight. "slow" answers after the client gave up, "late" within its timeout.
FAULTS = {
    "drop_connection": 20,
    "http_500_garbage": 20,
    "malformed_xml": 15,
    "entity_bomb": 10,
    "oversized_body": 5,
    "app_access_disabled": 10,
    "reboot": 10,
    "slow": 2,
    "late": 8,
}
SUCCEEDS_DESPITE = {"late"}

# The box's spellings and what the entities show for them.
STATUSES = {
    "offline": "offline",
    "checking": "checking",
    "updating": "updating",
    "updated": "updated",
    "verifying": "verifying",
    "complete": "complete",
    "new address": "new_address",
    "new-address": "new_address",
    "account-disabled": "account_disabled",
    "internet not connected": "internet_not_connected",
    "no-such-status": "undefined",
}
PROBLEMS = {"offline", "account_disabled", "internet_not_connected", "undefined"}
CERTIFICATES = {
    "not_used": "not_used",
    "get": "get",
    "valid": "valid",
    "invalid": "invalid",
    "unknown": "error",
    "no-such-state": "error",
}
TEXTS = ("", "home.example.org", "dynv6.com", "a&b<c>]]>'\"", "J\u00fcrgen \U0001f600")


def mode_names(box: FritzBoxSimulator) -> dict[str, str]:
    """The box's mode spellings (its own for "together") and the mode sensor's options."""
    modes = {"ddns_v4": "ddns_v4", "ddns_v6": "ddns_v6", "ddns_both": "ddns_both"}
    return modes | {box.config.mode_spelling: "ddns_together"}


def expected_states(box: FritzBoxSimulator) -> dict[str, str]:
    """Every entity's state, by entity description key, from the box's truth."""
    state = box.state
    ddns = state.ddns
    mode = mode_names(box)[ddns.mode]
    ipv4, ipv6 = STATUSES[ddns.status_ipv4], STATUSES[ddns.status_ipv6]
    families = {"ddns_v4": (ipv4,), "ddns_v6": (ipv6,)}.get(mode, (ipv4, ipv6))
    problem = ddns.enabled and any(status in PROBLEMS for status in families)

    def text(value: str) -> str:
        return value or "unknown"

    host = ddns.domain if ddns.enabled else ""
    if not host and state.myfritz_enabled:
        host = state.myfritz_dyndns_name
    url = f"https://{host}:{state.remote_access_port}"
    external = ip_address(state.external_ipv4) if state.external_ipv4 else None
    assert not isinstance(external, IPv6Address)
    return {
        "remote_access": on_off(state.remote_access_enabled),
        "lets_encrypt": on_off(state.lets_encrypt_enabled),
        "certificate_state": CERTIFICATES[state.lets_encrypt_state],
        "remote_access_port": str(state.remote_access_port or "unknown"),
        "remote_access_user": text(state.remote_access_username),
        "ddns": on_off(ddns.enabled),
        "ddns_problem": on_off(problem),
        "ddns_status_ipv4": ipv4,
        "ddns_status_ipv6": ipv6,
        "ddns_mode": mode,
        "ddns_domain": text(ddns.domain),
        "ddns_provider": text(ddns.provider_name),
        "ddns_server_ipv4": text(ddns.server_ipv4),
        "ddns_server_ipv6": text(ddns.server_ipv6),
        "external_ipv4": text(state.external_ipv4),
        "external_ipv6": text(state.external_ipv6),
        "remote_access_url": url
        if state.remote_access_enabled and host and state.remote_access_port
        else "unknown",
        # A problem unless the box has a globally routable IPv4 address.
        "ipv4_reachability": on_off(external is None or not external.is_global),
        # The test DNS server knows the populated name only: any other is not found.
        "ddns_dns_check": on_off(ddns.enabled and bool(ddns.domain) and ddns.domain != DDNS_DOMAIN),
    }


def on_off(value: bool) -> str:
    return "on" if value else "off"


def change_something(rng: random.Random, box: FritzBoxSimulator) -> None:
    """Change one setting of the box, as its user or its DDNS updates would."""
    state: BoxState = box.state
    ddns = state.ddns
    field = rng.choice(
        (
            "remote_access_enabled",
            "remote_access_port",
            "remote_access_username",
            "lets_encrypt_enabled",
            "lets_encrypt_state",
            "ddns_enabled",
            "ddns_mode",
            "status_ipv4",
            "status_ipv6",
            "ddns_text",
        )
    )
    if field == "remote_access_enabled":
        state.remote_access_enabled = not state.remote_access_enabled
    elif field == "remote_access_port":
        state.remote_access_port = rng.choice((0, 1, 443, 40443, 65535, rng.randint(1, 65535)))
    elif field == "remote_access_username":
        state.remote_access_username = rng.choice(TEXTS)
    elif field == "lets_encrypt_enabled":
        state.lets_encrypt_enabled = not state.lets_encrypt_enabled
    elif field == "lets_encrypt_state":
        state.lets_encrypt_state = rng.choice(tuple(CERTIFICATES))
    elif field == "ddns_enabled":
        ddns.enabled = not ddns.enabled
    elif field == "ddns_mode":
        ddns.mode = rng.choice(tuple(mode_names(box)))
    elif field == "status_ipv4":
        ddns.status_ipv4 = rng.choice(tuple(STATUSES))
    elif field == "status_ipv6":
        ddns.status_ipv6 = rng.choice(tuple(STATUSES))
    else:
        name = rng.choice(("domain", "provider_name", "server_ipv4", "server_ipv6", "username"))
        setattr(ddns, name, rng.choice(TEXTS))


async def apply_fault(box: FritzBoxSimulator, kind: str) -> None:
    if kind == "none":
        return
    if kind == "reboot":
        box.reboot(60)
    elif kind == "slow":
        box.faults.latency = CLIENT_TIMEOUT + 0.1
    elif kind == "late":
        box.faults.latency = 0.01
    else:
        setattr(box.faults, kind, True)


async def clear_fault(box: FritzBoxSimulator, kind: str) -> None:
    if kind == "reboot":
        await box.end_reboot()
    box.faults = Faults()


class LogCounter(logging.Handler):
    """Counts records instead of keeping them, as the test harness would, thousands of them."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[tuple[str, str]] = Counter()
        self.tracebacks: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.name, record.levelname] += 1
        if record.exc_info and len(self.tracebacks) < 10:
            self.tracebacks.append((record.name, self.format(record)))


@contextmanager
def counting_logs() -> Iterator[LogCounter]:
    """Every record goes to a counter only; the harness's own handlers pause meanwhile."""
    root = logging.getLogger()
    paused = [(handler, handler.level) for handler in root.handlers]
    counter = LogCounter()
    for handler, _ in paused:
        handler.setLevel(logging.CRITICAL + 1)
    root.addHandler(counter)
    try:
        yield counter
    finally:
        root.removeHandler(counter)
        for handler, level in paused:
            handler.setLevel(level)


def memory_growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> tuple[int, str]:
    """Growth in bytes outside the simulator, and the largest contributors for the message."""
    ignore = [
        tracemalloc.Filter(inclusive=False, filename_pattern="*/fritzbox_simulator/*"),
        tracemalloc.Filter(inclusive=False, filename_pattern=tracemalloc.__file__),
    ]
    stats = after.filter_traces(ignore).compare_to(before.filter_traces(ignore), "lineno")
    top = "\n".join(str(stat) for stat in stats[:10])
    return sum(stat.size_diff for stat in stats), top


@pytest.fixture(autouse=True)
def _short_timeout() -> Generator[None]:
    """The coordinator gives its client this timeout; set before the entry is set up."""
    with patch(
        "custom_components.fritzbox_remote_access.coordinator.DEFAULT_TIMEOUT", CLIENT_TIMEOUT
    ):
        yield


@pytest.mark.timeout(max(120, REFRESHES // 10))
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_soak(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    coordinator = init_integration.runtime_data
    entities = {
        entry.unique_id.removeprefix(f"{box.udn}_"): entry.entity_id
        for entry in er.async_entries_for_config_entry(entity_registry, init_integration.entry_id)
    }
    assert set(entities) == set(expected_states(box))

    def states() -> dict[str, str]:
        return {key: hass.states.get(entity_id).state for key, entity_id in entities.items()}

    rng = random.Random(SEED)  # noqa: S311 - reproducible faults, not a secret
    outcomes: Counter[str] = Counter()
    before: tracemalloc.Snapshot | None = None
    with counting_logs() as logs:
        try:
            for refresh in range(REFRESHES):
                if refresh == WARM_UP:
                    gc.collect()
                    tracemalloc.start()
                    before = tracemalloc.take_snapshot()
                if rng.random() < CHANGE_RATE:
                    change_something(rng, box)
                kind = rng.choices(tuple(FAULTS), tuple(FAULTS.values()))[0]
                if rng.random() >= FAULT_RATE:
                    kind = "none"
                await apply_fault(box, kind)
                await coordinator.async_refresh()
                await hass.async_block_till_done()  # the DNS check a refresh may start
                await clear_fault(box, kind)
                outcomes[kind] += 1

                error = coordinator.last_exception
                if kind == "none" or kind in SUCCEEDS_DESPITE:
                    assert coordinator.last_update_success, (refresh, kind, repr(error))
                    assert states() == expected_states(box), (refresh, kind)
                else:
                    assert isinstance(error, UpdateFailed), (refresh, kind, repr(error))
                    assert set(states().values()) == {STATE_UNAVAILABLE}, (refresh, kind)
                box.log.clear()  # the simulator's log would grow with every request

            await coordinator.async_refresh()
            await hass.async_block_till_done()
            gc.collect()
            if before is not None:
                growth, top = memory_growth(before, tracemalloc.take_snapshot())
                assert growth < MAX_GROWTH, f"{growth} bytes more after the warm-up:\n{top}"
        finally:
            tracemalloc.stop()

    assert coordinator.last_update_success
    assert states() == expected_states(box)
    assert set(outcomes) == {"none", *FAULTS}, outcomes
    # Failures were logged, once per outage, by the coordinator: no traceback from our code,
    # Home Assistant's, or the simulator's server (it no longer answers a client that gave up).
    assert logs.counts["custom_components.fritzbox_remote_access", "ERROR"] > 0
    assert logs.tracebacks == []
