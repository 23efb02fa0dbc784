"""Binary sensors, and the rule that decides whether DDNS has a problem."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from homeassistant.const import Platform
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform

from custom_components.fritzbox_remote_access.binary_sensor import ddns_has_problem
from custom_components.fritzbox_remote_access.tr064 import DDNSInfo, DDNSMode, DDNSStatus

from .conftest import PROFILES, assert_no_password

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from syrupy.assertion import SnapshotAssertion

HEALTHY = DDNSInfo(
    enabled=True,
    provider_name="dynv6.com",
    domain="home.example.org",
    mode=DDNSMode.TOGETHER,
    server_ipv4="",
    server_ipv6="",
    status_ipv4=DDNSStatus.UPDATED,
    status_ipv6=DDNSStatus.UPDATED,
    update_url="",
    username="",
)
TROUBLE = [
    DDNSStatus.OFFLINE,
    DDNSStatus.ACCOUNT_DISABLED,
    DDNSStatus.INTERNET_NOT_CONNECTED,
    DDNSStatus.UNDEFINED,
]
FINE = [status for status in DDNSStatus if status not in TROUBLE]


@pytest.fixture
def platforms() -> list[Platform]:
    return [Platform.BINARY_SENSOR]


@pytest.mark.parametrize("box_config", PROFILES)
async def test_binary_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_integration: MockConfigEntry,
) -> None:
    """DDNS enabled and DDNS problem, registry entries and states."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
    assert_no_password(hass, entity_registry)


@pytest.mark.parametrize("status", TROUBLE)
@pytest.mark.parametrize(
    ("mode", "v4_counts", "v6_counts"),
    [
        (DDNSMode.V4, True, False),
        (DDNSMode.V6, False, True),
        (DDNSMode.BOTH, True, True),
        (DDNSMode.TOGETHER, True, True),
    ],
)
def test_problem_only_in_families_the_mode_updates(
    mode: DDNSMode, v4_counts: bool, v6_counts: bool, status: DDNSStatus
) -> None:
    """A bad status counts only for an address family the mode updates."""
    healthy = replace(HEALTHY, mode=mode)
    assert ddns_has_problem(replace(healthy, status_ipv4=status)) is v4_counts
    assert ddns_has_problem(replace(healthy, status_ipv6=status)) is v6_counts


@pytest.mark.parametrize("status", FINE)
@pytest.mark.parametrize("mode", list(DDNSMode))
def test_no_problem_while_updating_or_done(mode: DDNSMode, status: DDNSStatus) -> None:
    """Checking, updating, updated, verifying, complete and new address are fine."""
    assert not ddns_has_problem(replace(HEALTHY, mode=mode, status_ipv4=status, status_ipv6=status))


def test_disabled_ddns_is_no_problem() -> None:
    """Offline is the normal status of DDNS that is switched off."""
    info = replace(
        HEALTHY, enabled=False, status_ipv4=DDNSStatus.OFFLINE, status_ipv6=DDNSStatus.OFFLINE
    )
    assert not ddns_has_problem(info)
