"""A FRITZ!Box TR-064 simulator for tests, benchmarks and demos.

It serves ``tr64desc.xml`` and SCPDs like a FRITZ!Box 7590, implements DeviceInfo and
X_AVM-DE_RemoteAccess with HTTP digest authentication, per-user rights and the
specification's state machine, and can misbehave on request (see ``Faults``).
"""

from .config import SimulatorConfig
from .faults import Faults
from .request_log import RequestLog, RequestRecord
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
    "SimulatorConfig",
]
