"""X_AVM-DE_Auth: the three actions through which a client runs the box's second factor.

The state machine itself lives in ``second_factor``; every right may use these actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .control import ANY_RIGHT, ActionSpec, ServiceImplementation, format_boolean
from .scpd import auth_scpd
from .soap import UPnPError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .control import Caller
    from .second_factor import SecondFactor

SERVICE_TYPE = "urn:dslforum-org:service:X_AVM-DE_Auth:1"
SERVICE_NAME = "X_AVM-DE_Auth"
START = "start"
STOP = "stop"


class AuthService:
    """Handlers for GetInfo, GetState and SetConfig(start|stop)."""

    def __init__(self, second_factor: SecondFactor) -> None:
        """Act on the box's one ``second_factor``."""
        self._second_factor = second_factor

    def implementation(self) -> ServiceImplementation:
        """Return the SCPD; any right may use every action."""
        return ServiceImplementation(
            auth_scpd(),
            {
                "GetInfo": ActionSpec(self.get_info, ANY_RIGHT),
                "GetState": ActionSpec(self.get_state, ANY_RIGHT),
                "SetConfig": ActionSpec(self.set_config, ANY_RIGHT),
            },
        )

    def get_info(self, _caller: Caller, _args: Mapping[str, str]) -> dict[str, str]:
        """Tell whether the second factor is on."""
        return {"NewEnabled": format_boolean(self._second_factor.enabled)}

    def get_state(self, caller: Caller, _args: Mapping[str, str]) -> dict[str, str]:
        """Report the state of the process whose token is in the header."""
        return {"NewState": self._second_factor.get_state(caller.token)}

    def set_config(self, caller: Caller, args: Mapping[str, str]) -> dict[str, str]:
        """Start or stop a process; any other NewAction is 402."""
        owner = caller.user.name if caller.user is not None else ""
        action = args["NewAction"].strip()
        if action == START:
            result = self._second_factor.start(owner)
            return {
                "NewState": result.state,
                "NewToken": result.token,
                "NewMethods": result.methods,
            }
        if action == STOP:
            state = self._second_factor.stop(caller.token, owner)
            return {"NewState": state, "NewToken": "", "NewMethods": ""}
        raise UPnPError(402)
