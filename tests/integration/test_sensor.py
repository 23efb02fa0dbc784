"""Sensors: values, options, and changes on the box showing up after a poll."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from .conftest import PASSWORD


@pytest.fixture
def platforms() -> list[Platform]:
    return [Platform.SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("box_config", [{"profile": "modern"}, {"profile": "legacy"}], ids=str)
async def test_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_integration: MockConfigEntry,
) -> None:
    """Every sensor of a modern and a legacy box, registry entries and states."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
    assert PASSWORD not in str(snapshot)
