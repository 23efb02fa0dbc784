"""Sensors: DDNS state, the remote access settings and the addresses the box is reached at."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import EntityCategory

from .entity import FritzRemoteAccessEntity, FritzRemoteAccessEntityDescription
from .reachability import remote_access_url
from .tr064 import Capabilities, DDNSMode, DDNSStatus, LetsEncryptState

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import FritzRemoteAccessConfigEntry, FritzRemoteAccessData

# Read-only: the coordinator does all the fetching.
PARALLEL_UPDATES = 0


def certificate_option(state: LetsEncryptState) -> str:
    """Return the sensor option of a certificate state.

    AVM's ``unknown`` means "unknown error"; as a state it would read as Home Assistant's own
    "unknown" (no value), so it becomes ``error``.
    """
    return "error" if state is LetsEncryptState.UNKNOWN else state.value


def access_url(data: FritzRemoteAccessData) -> str | None:
    """Where remote access answers while it is on: the DDNS domain, else the MyFRITZ! name."""
    if not data.remote_access.enabled or not data.remote_access.port:
        return None
    host = data.ddns.domain if data.ddns.enabled else ""
    remote = data.app_remote
    if not host and remote is not None and remote.myfritz_enabled:
        host = remote.myfritz_name
    return remote_access_url(host, data.remote_access.port) if host else None


def external_address(data: FritzRemoteAccessData, *, ipv6: bool) -> str | None:
    """Return the external address of one family; none (DS-Lite's IPv4) reads as unknown."""
    if (remote := data.app_remote) is None:
        return None
    address = remote.external_ipv6 if ipv6 else remote.external_ipv4
    return None if address is None else str(address)


@dataclass(frozen=True, kw_only=True)
class FritzRemoteAccessSensorEntityDescription(
    SensorEntityDescription, FritzRemoteAccessEntityDescription
):
    """How a sensor finds its value in the snapshot."""

    value_fn: Callable[[FritzRemoteAccessData], str | int | None]
    supported_fn: Callable[[Capabilities], bool] = lambda _: True


SENSORS: tuple[FritzRemoteAccessSensorEntityDescription, ...] = (
    FritzRemoteAccessSensorEntityDescription(
        key="ddns_status_ipv4",
        translation_key="ddns_status_ipv4",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in DDNSStatus],
        value_fn=lambda data: data.ddns.status_ipv4.value,
    ),
    FritzRemoteAccessSensorEntityDescription(
        key="ddns_status_ipv6",
        translation_key="ddns_status_ipv6",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in DDNSStatus],
        value_fn=lambda data: data.ddns.status_ipv6.value,
    ),
    FritzRemoteAccessSensorEntityDescription(
        key="ddns_mode",
        translation_key="ddns_mode",
        device_class=SensorDeviceClass.ENUM,
        options=[mode.value for mode in DDNSMode],
        value_fn=lambda data: data.ddns.mode.value,
    ),
    FritzRemoteAccessSensorEntityDescription(
        key="certificate_state",
        translation_key="certificate_state",
        device_class=SensorDeviceClass.ENUM,
        options=[certificate_option(state) for state in LetsEncryptState],
        value_fn=lambda data: (
            certificate_option(state) if (state := data.remote_access.lets_encrypt_state) else None
        ),
        supported_fn=lambda capabilities: capabilities.lets_encrypt,
    ),
    FritzRemoteAccessSensorEntityDescription(
        key="ddns_domain",
        translation_key="ddns_domain",
        value_fn=lambda data: data.ddns.domain or None,
    ),
    FritzRemoteAccessSensorEntityDescription(
        key="ddns_provider",
        translation_key="ddns_provider",
        value_fn=lambda data: data.ddns.provider_name or None,
    ),
    FritzRemoteAccessSensorEntityDescription(
        key="remote_access_port",
        translation_key="remote_access_port",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.remote_access.port or None,
    ),
    FritzRemoteAccessSensorEntityDescription(
        key="remote_access_user",
        translation_key="remote_access_user",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.remote_access.username or None,
    ),
    FritzRemoteAccessSensorEntityDescription(
        key="ddns_server_ipv4",
        translation_key="ddns_server_ipv4",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.ddns.server_ipv4 or None,
    ),
    FritzRemoteAccessSensorEntityDescription(
        key="ddns_server_ipv6",
        translation_key="ddns_server_ipv6",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.ddns.server_ipv6 or None,
    ),
    *(
        FritzRemoteAccessSensorEntityDescription(
            key=key,
            translation_key=key,
            needs_app_setup=True,
            value_fn=partial(external_address, ipv6=ipv6),
        )
        for key, ipv6 in (("external_ipv4", False), ("external_ipv6", True))
    ),
    FritzRemoteAccessSensorEntityDescription(
        key="remote_access_url",
        translation_key="remote_access_url",
        value_fn=access_url,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FritzRemoteAccessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors this box's firmware offers."""
    coordinator = entry.runtime_data
    async_add_entities(
        FritzRemoteAccessSensor(coordinator, description)
        for description in SENSORS
        if description.supported_fn(coordinator.capabilities)
        and (coordinator.app_setup or not description.needs_app_setup)
    )


class FritzRemoteAccessSensor(FritzRemoteAccessEntity, SensorEntity):
    """A value from the box's latest snapshot."""

    entity_description: FritzRemoteAccessSensorEntityDescription

    @property
    def native_value(self) -> str | int | None:
        """Return the value; empty strings from the box mean "not set"."""
        return self.entity_description.value_fn(self.coordinator.data)
