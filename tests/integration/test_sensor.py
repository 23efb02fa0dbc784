"""Sensors: values, options, defaults, and changes on the box showing up after a poll."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform

from custom_components.fritzbox_remote_access.sensor import SENSORS

from .conftest import PROFILES, UDN, assert_no_password, poll

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from syrupy.assertion import SnapshotAssertion

    from fritzbox_simulator import FritzBoxSimulator

PREFIX = "sensor.fritz_box_7590_"


@pytest.fixture
def platforms() -> list[Platform]:
    return [Platform.SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("box_config", PROFILES)
async def test_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_integration: MockConfigEntry,
) -> None:
    """Every sensor of a modern and a legacy box, registry entries and states."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
    assert_no_password(hass, entity_registry)


@pytest.mark.usefixtures("init_integration")
async def test_disabled_by_default(hass: HomeAssistant, entity_registry: er.EntityRegistry) -> None:
    """The remote access user and the DDNS servers are there, but off until wanted."""
    disabled = {
        entry.unique_id.removeprefix(f"{UDN}_")
        for entry in er.async_entries_for_config_entry(
            entity_registry, "01JFRITZREMOTEACCESSENTRY0"
        )
        if entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    }
    assert disabled == {"remote_access_user", "ddns_server_ipv4", "ddns_server_ipv6"}
    assert hass.states.get(f"{PREFIX}remote_access_port").state == "40443"
    assert hass.states.get(f"{PREFIX}remote_access_user") is None


def test_every_option_is_a_known_value() -> None:
    """Enum sensors list exactly the values their value function can return."""
    options = {d.key: d.options for d in SENSORS if d.options is not None}
    assert options["ddns_status_ipv4"] == [
        "offline",
        "checking",
        "updating",
        "updated",
        "verifying",
        "complete",
        "new_address",
        "account_disabled",
        "internet_not_connected",
        "undefined",
    ]
    assert options["ddns_status_ipv6"] == options["ddns_status_ipv4"]
    assert options["ddns_mode"] == ["ddns_v4", "ddns_v6", "ddns_both", "ddns_together"]
    # "unknown" would read as Home Assistant's own unknown state.
    assert options["certificate_state"] == ["not_used", "get", "valid", "invalid", "error"]


@pytest.mark.usefixtures("init_integration")
async def test_box_spellings_and_changes(
    hass: HomeAssistant, box: FritzBoxSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The box's spellings map to one option each; empty strings read as unknown."""
    box.state.ddns.status_ipv4 = "new address"
    box.state.ddns.status_ipv6 = "new-address"
    box.state.ddns.mode = "ddns_both_together"
    box.state.lets_encrypt_state = "unknown"
    box.state.ddns.domain = ""
    box.state.ddns.provider_name = ""
    box.state.remote_access_port = 0
    await poll(hass, freezer)
    assert hass.states.get(f"{PREFIX}dynamic_dns_status_ipv4").state == "new_address"
    assert hass.states.get(f"{PREFIX}dynamic_dns_status_ipv6").state == "new_address"
    assert hass.states.get(f"{PREFIX}dynamic_dns_mode").state == "ddns_together"
    assert hass.states.get(f"{PREFIX}let_s_encrypt_certificate_state").state == "error"
    assert hass.states.get(f"{PREFIX}dynamic_dns_domain").state == STATE_UNKNOWN
    assert hass.states.get(f"{PREFIX}dynamic_dns_provider").state == STATE_UNKNOWN
    assert hass.states.get(f"{PREFIX}remote_access_port").state == STATE_UNKNOWN

    box.state.ddns.status_ipv4 = "internet-not-connected"
    box.state.ddns.status_ipv6 = "something new"
    await poll(hass, freezer)
    assert hass.states.get(f"{PREFIX}dynamic_dns_status_ipv4").state == "internet_not_connected"
    assert hass.states.get(f"{PREFIX}dynamic_dns_status_ipv6").state == "undefined"
