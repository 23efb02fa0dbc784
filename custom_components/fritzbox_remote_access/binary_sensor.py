"""Binary sensors: whether DDNS is on and whether its updates are in trouble."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined]
    BinarySensorDeviceClass,  # re-exported without "as": fine at run time, not for mypy
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory

from .entity import FritzRemoteAccessEntity
from .tr064 import DDNSInfo, DDNSMode, DDNSStatus

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import FritzRemoteAccessConfigEntry, FritzRemoteAccessData

# Read-only: the coordinator does all the fetching.
PARALLEL_UPDATES = 0

PROBLEM_STATUSES: Final = frozenset(
    {
        DDNSStatus.OFFLINE,
        DDNSStatus.ACCOUNT_DISABLED,
        DDNSStatus.INTERNET_NOT_CONNECTED,
        DDNSStatus.UNDEFINED,
    }
)


def ddns_has_problem(ddns: DDNSInfo) -> bool:
    """Tell whether DDNS is on but an address family its mode updates is in trouble.

    Trouble is a status in ``PROBLEM_STATUSES``; disabled DDNS is never a problem.
    """
    if not ddns.enabled:
        return False
    statuses: list[DDNSStatus] = []
    if ddns.mode in (DDNSMode.V4, DDNSMode.BOTH, DDNSMode.TOGETHER):
        statuses.append(ddns.status_ipv4)
    if ddns.mode in (DDNSMode.V6, DDNSMode.BOTH, DDNSMode.TOGETHER):
        statuses.append(ddns.status_ipv6)
    return any(status in PROBLEM_STATUSES for status in statuses)


@dataclass(frozen=True, kw_only=True)
class FritzRemoteAccessBinarySensorEntityDescription(BinarySensorEntityDescription):
    """How a binary sensor reads the snapshot."""

    is_on_fn: Callable[[FritzRemoteAccessData], bool]


BINARY_SENSORS: tuple[FritzRemoteAccessBinarySensorEntityDescription, ...] = (
    FritzRemoteAccessBinarySensorEntityDescription(
        key="ddns",
        translation_key="ddns",
        is_on_fn=lambda data: data.ddns.enabled,
    ),
    FritzRemoteAccessBinarySensorEntityDescription(
        key="ddns_problem",
        translation_key="ddns_problem",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda data: ddns_has_problem(data.ddns),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FritzRemoteAccessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors."""
    coordinator = entry.runtime_data
    async_add_entities(
        FritzRemoteAccessBinarySensor(coordinator, description) for description in BINARY_SENSORS
    )


class FritzRemoteAccessBinarySensor(FritzRemoteAccessEntity, BinarySensorEntity):
    """A yes/no fact from the box's latest snapshot."""

    entity_description: FritzRemoteAccessBinarySensorEntityDescription

    @property
    def is_on(self) -> bool:
        """Return the state derived from the snapshot."""
        return self.entity_description.is_on_fn(self.coordinator.data)
