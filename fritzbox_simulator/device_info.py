"""DeviceInfo:1: identity, uptime and the HTTPS port, the last one without authentication."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import MODEL_NAME, Firmware
from .control import ANY_RIGHT, ActionSpec, Caller, ServiceImplementation
from .scpd import device_info_scpd
from .soap import UPnPError
from .users import CONFIGURATION_RIGHT

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .clock import SimClock
    from .state import BoxState

SERVICE_TYPE = "urn:dslforum-org:service:DeviceInfo:1"
AVM_OUI = "00040E"
CONFIGURE = frozenset({CONFIGURATION_RIGHT})
MAX_PROVISIONING_CODE = 64


class DeviceInfoService:
    """Handlers for the DeviceInfo actions of one box."""

    def __init__(
        self,
        state: BoxState,
        clock: SimClock,
        *,
        firmware: Firmware,
        serial_number: str,
        boot_time: Callable[[], float],
        security_port: Callable[[], int],
    ) -> None:
        """``boot_time`` and ``security_port`` are callables: both change while the box runs."""
        self._state = state
        self._clock = clock
        self._firmware = firmware
        self._serial = serial_number
        self._boot_time = boot_time
        self._security_port = security_port

    def implementation(self) -> ServiceImplementation:
        """Return the SCPD and the rights of each action (GetSecurityPort needs no login)."""
        return ServiceImplementation(
            device_info_scpd(),
            {
                "GetInfo": ActionSpec(self.get_info, ANY_RIGHT),
                "SetProvisioningCode": ActionSpec(self.set_provisioning_code, CONFIGURE),
                "GetDeviceLog": ActionSpec(self.get_device_log, CONFIGURE),
                "GetSecurityPort": ActionSpec(self.get_security_port, None),
            },
        )

    def _log(self) -> str:
        return (
            f"Internetverbindung wurde erfolgreich hergestellt.\n"
            f"FRITZ!OS {self._firmware.display} gestartet.\n"
            f"{MODEL_NAME} wurde gestartet."
        )

    def get_info(self, _caller: Caller, _args: Mapping[str, str]) -> dict[str, str]:
        """Identify the box; the uptime runs on the simulator clock since the last boot."""
        version = self._firmware.display
        return {
            "NewManufacturerName": "AVM",
            "NewManufacturerOUI": AVM_OUI,
            "NewModelName": MODEL_NAME,
            "NewDescription": f"{MODEL_NAME} {version}",
            "NewProductClass": "AVMFB7590",
            "NewSerialNumber": self._serial,
            "NewSoftwareVersion": version,
            "NewHardwareVersion": MODEL_NAME,
            "NewSpecVersion": "1.0",
            "NewProvisioningCode": self._state.provisioning_code,
            "NewUpTime": str(max(0, int(self._clock.now() - self._boot_time()))),
            "NewDeviceLog": self._log(),
        }

    def set_provisioning_code(self, _caller: Caller, args: Mapping[str, str]) -> dict[str, str]:
        """Store the provisioning code; longer than a box would take is 402."""
        code = args["NewProvisioningCode"]
        if len(code) > MAX_PROVISIONING_CODE:
            raise UPnPError(402)
        self._state.provisioning_code = code
        return {}

    def get_device_log(self, _caller: Caller, _args: Mapping[str, str]) -> dict[str, str]:
        """Return a short event log like the box's."""
        return {"NewDeviceLog": self._log()}

    def get_security_port(self, _caller: Caller, _args: Mapping[str, str]) -> dict[str, str]:
        """Tell the HTTPS port (the TLS listener's, else the box default 49443)."""
        return {"NewSecurityPort": str(self._security_port())}
