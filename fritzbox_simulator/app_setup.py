"""X_AVM-DE_AppSetup: GetAppRemoteInfo, how the box is reached from outside, in one answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .control import ActionSpec, ServiceImplementation, format_boolean
from .scpd import app_setup_scpd
from .users import CONFIGURATION_RIGHT

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .control import Caller
    from .state import BoxState

SERVICE_TYPE = "urn:dslforum-org:service:X_AVM-DE_AppSetup:1"
SERVICE_NAME = "X_AVM-DE_AppSetup"
SETTINGS_OR_APPS = frozenset({CONFIGURATION_RIGHT, "A"})


class AppSetupService:
    """The handler of GetAppRemoteInfo; DDNS values come from the RemoteAccess DDNS state."""

    def __init__(self, state: BoxState) -> None:
        """Read from the box's ``state``."""
        self._state = state

    def implementation(self) -> ServiceImplementation:
        """Return the SCPD; the rights C or A allow the action."""
        return ServiceImplementation(
            app_setup_scpd(),
            {"GetAppRemoteInfo": ActionSpec(self.get_app_remote_info, SETTINGS_OR_APPS)},
        )

    def get_app_remote_info(self, _caller: Caller, _args: Mapping[str, str]) -> dict[str, str]:
        """Report LAN and external addresses, the DDNS domain and the MyFRITZ! name."""
        state = self._state
        return {
            "NewSubnetMask": state.lan_subnet_mask,
            "NewIPAddress": state.lan_ipv4,
            "NewExternalIPAddress": state.external_ipv4,
            "NewExternalIPv6Address": state.external_ipv6,
            "NewRemoteAccessDDNSEnabled": format_boolean(state.ddns.enabled),
            "NewRemoteAccessDDNSDomain": state.ddns.domain,
            "NewMyFritzEnabled": format_boolean(state.myfritz_enabled),
            "NewMyFritzDynDNSName": state.myfritz_dyndns_name,
        }
