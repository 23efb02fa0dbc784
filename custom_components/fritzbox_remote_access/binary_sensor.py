"""Binary sensors: DDNS on and in trouble, and whether the internet can reach the box."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined]
    BinarySensorDeviceClass,  # re-exported without "as": fine at run time, not for mypy
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory

from .entity import FritzRemoteAccessEntity, FritzRemoteAccessEntityDescription
from .reachability import DNSResult, IPv4Reach, ipv4_reach, updates_ipv4, updates_ipv6
from .tr064 import DDNSInfo, DDNSStatus

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import FritzRemoteAccessConfigEntry, FritzRemoteAccessCoordinator

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
    """Tell whether DDNS is on and a family its mode updates is in ``PROBLEM_STATUSES``."""
    return ddns.enabled and (
        (updates_ipv4(ddns.mode) and ddns.status_ipv4 in PROBLEM_STATUSES)
        or (updates_ipv6(ddns.mode) and ddns.status_ipv6 in PROBLEM_STATUSES)
    )


def _ipv4_reach(coordinator: FritzRemoteAccessCoordinator) -> IPv4Reach:
    remote = coordinator.data.app_remote
    return ipv4_reach(remote.external_ipv4 if remote else None)


def _dns_attributes(coordinator: FritzRemoteAccessCoordinator) -> dict[str, Any]:
    """Return the outcome and the addresses DNS gave for the records the mode updates."""
    if (check := coordinator.dns_check) is None:
        return {}
    return {
        "reason": check.result.value,
        "dns_ipv4": list(check.ipv4),
        "dns_ipv6": list(check.ipv6),
    }


@dataclass(frozen=True, kw_only=True)
class FritzRemoteAccessBinarySensorEntityDescription(
    BinarySensorEntityDescription, FritzRemoteAccessEntityDescription
):
    """How a binary sensor reads the coordinator."""

    is_on_fn: Callable[[FritzRemoteAccessCoordinator], bool | None]
    attributes_fn: Callable[[FritzRemoteAccessCoordinator], dict[str, Any]] | None = None
    # Attributes shown translated, with the values they take (none: a free value).
    attribute_states: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


BINARY_SENSORS: tuple[FritzRemoteAccessBinarySensorEntityDescription, ...] = (
    FritzRemoteAccessBinarySensorEntityDescription(
        key="ddns",
        translation_key="ddns",
        is_on_fn=lambda coordinator: coordinator.data.ddns.enabled,
    ),
    FritzRemoteAccessBinarySensorEntityDescription(
        key="ddns_problem",
        translation_key="ddns_problem",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda coordinator: ddns_has_problem(coordinator.data.ddns),
    ),
    # On when nothing on the internet can reach the box over IPv4: no address of its own
    # (DS-Lite), carrier-grade NAT or a private address; "reason" says which.
    FritzRemoteAccessBinarySensorEntityDescription(
        key="ipv4_reachability",
        translation_key="ipv4_reachability",
        device_class=BinarySensorDeviceClass.PROBLEM,
        needs_app_setup=True,
        is_on_fn=lambda coordinator: _ipv4_reach(coordinator) is not IPv4Reach.PUBLIC,
        attributes_fn=lambda coordinator: {"reason": _ipv4_reach(coordinator).value},
        attribute_states={"reason": tuple(reach.value for reach in IPv4Reach)},
    ),
    # On when the DDNS name resolves elsewhere or not at all; unknown until the first check
    # and while DNS itself fails (timeout, server error): that says nothing about the name.
    FritzRemoteAccessBinarySensorEntityDescription(
        key="ddns_dns_check",
        translation_key="ddns_dns_check",
        device_class=BinarySensorDeviceClass.PROBLEM,
        needs_app_setup=True,
        is_on_fn=lambda coordinator: (
            None if (check := coordinator.dns_check) is None else check.problem
        ),
        attributes_fn=_dns_attributes,
        attribute_states={
            "reason": tuple(result.value for result in DNSResult),
            "dns_ipv4": (),
            "dns_ipv6": (),
        },
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FritzRemoteAccessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors; the reachability ones where the box offers GetAppRemoteInfo."""
    coordinator = entry.runtime_data
    async_add_entities(
        FritzRemoteAccessBinarySensor(coordinator, description)
        for description in BINARY_SENSORS
        if coordinator.app_setup or not description.needs_app_setup
    )


class FritzRemoteAccessBinarySensor(FritzRemoteAccessEntity, BinarySensorEntity):
    """A yes/no fact from the box's latest snapshot."""

    entity_description: FritzRemoteAccessBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the state derived from the snapshot."""
        return self.entity_description.is_on_fn(self.coordinator)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Why the state is what it is, where the sensor tells."""
        if (attributes_fn := self.entity_description.attributes_fn) is None:
            return None
        return attributes_fn(self.coordinator)
