"""Base entity: one device per box, identified by the root device UDN."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DEFAULT_NAME, DOMAIN
from .coordinator import FritzRemoteAccessCoordinator
from .errors import Right


@dataclass(frozen=True, kw_only=True)
class FritzRemoteAccessEntityDescription(EntityDescription):
    """What the entity descriptions of a box share."""

    # Read from GetAppRemoteInfo: only where the box and the user offer it.
    needs_app_setup: bool = False


def configuration_url(host: str, use_tls: bool) -> str:
    """Return the box's web interface (IPv6 literals need brackets in a URL)."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{'https' if use_tls else 'http'}://{host}"


class FritzRemoteAccessEntity(CoordinatorEntity[FritzRemoteAccessCoordinator]):
    """An entity of one box, fed by its coordinator."""

    _attr_has_entity_name = True
    # The FRITZ!Box right its writes need: a refusal names it.
    required_right: Right = Right.APP

    entity_description: FritzRemoteAccessEntityDescription

    def __init__(
        self,
        coordinator: FritzRemoteAccessCoordinator,
        description: FritzRemoteAccessEntityDescription,
    ) -> None:
        """Attach the entity to the box's device."""
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{coordinator.udn}_{description.key}"
        info = coordinator.box_info
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, coordinator.udn)},
            manufacturer=info.manufacturer,
            model=info.model,
            name=info.model or DEFAULT_NAME,
            serial_number=info.serial_number,
            sw_version=info.software_version,
            hw_version=info.hardware_version,
            configuration_url=configuration_url(coordinator.host, coordinator.use_tls),
        )

    @property
    def available(self) -> bool:
        """GetAppRemoteInfo's values go when the box stops answering it (rights taken away)."""
        return super().available and (
            not self.entity_description.needs_app_setup
            or self.coordinator.data.app_remote is not None
        )
