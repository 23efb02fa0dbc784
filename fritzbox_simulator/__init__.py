"""A FRITZ!Box TR-064 simulator for tests, benchmarks and demos.

It serves ``tr64desc.xml`` and SCPDs like a FRITZ!Box 7590, implements DeviceInfo and
X_AVM-DE_RemoteAccess with HTTP digest authentication, per-user rights and the
documented state machine (docs/tr064.md), and can misbehave on request (see ``Faults``).

Second factor: X_AVM-DE_Auth (GetInfo, GetState, SetConfig start/stop) with one confirmation
process per box on the simulator clock; the actions named in ``SimulatorConfig`` (``confirm``
for every RemoteAccess write, ``protected_actions``) answer 866 until a token confirmed by
``FritzBoxSimulator.press_button`` or ``dial`` comes in the SOAP header, good for one action.
The rules are in ``second_factor``. ``control_api`` lets a person press the button over HTTP.

X_AVM-DE_AppSetup answers GetAppRemoteInfo with the external addresses of the configured
``line`` (public, DS-Lite, carrier-grade NAT, private; see ``state.LINES``), the DDNS domain
and the MyFRITZ! name; ``SimulatorConfig(app_setup=False)`` is a box without that service.
"""

from .config import SimulatorConfig
from .faults import Faults
from .request_log import RequestLog, RequestRecord
from .second_factor import SecondFactor
from .simulator import FritzBoxSimulator
from .state import BoxState, DDNSState
from .users import BoxUser

__all__ = [
    "BoxState",
    "BoxUser",
    "DDNSState",
    "Faults",
    "FritzBoxSimulator",
    "RequestLog",
    "RequestRecord",
    "SecondFactor",
    "SimulatorConfig",
]
