"""Service descriptions (SCPDs): the actions, arguments and state variables of each service.

They are data first: the dispatcher checks requests against the same definitions that are
rendered to XML, so the description a client reads is what the simulator enforces.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from .config import ModeSpelling, Profile

SCPD_NAMESPACE = "urn:schemas-upnp-org:service-1-0"

DDNS_STATUSES = (
    "offline",
    "checking",
    "updating",
    "updated",
    "verifying",
    "complete",
    "{new_address}",
    "account-disabled",
    "internet-not-connected",
    "undefined",
)
LETS_ENCRYPT_STATES = ("not_used", "get", "valid", "invalid", "unknown")


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument of an action and the state variable that types it."""

    name: str
    direction: str  # "in" or "out"
    variable: str


@dataclass(frozen=True, slots=True)
class Action:
    """An action with its arguments in the order the box lists them."""

    name: str
    arguments: tuple[Argument, ...] = ()

    @property
    def in_names(self) -> frozenset[str]:
        """Names a request must carry, no more and no fewer."""
        return frozenset(a.name for a in self.arguments if a.direction == "in")

    @property
    def out_names(self) -> tuple[str, ...]:
        """Names of the response's elements, in order."""
        return tuple(a.name for a in self.arguments if a.direction == "out")


@dataclass(frozen=True, slots=True)
class StateVariable:
    """A state variable: data type, default and allowed values."""

    name: str
    data_type: str = "string"
    default: str | None = None
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scpd:
    """A whole service description."""

    actions: tuple[Action, ...]
    variables: tuple[StateVariable, ...]

    def action(self, name: str) -> Action | None:
        """Return the action called ``name``, if the service has it."""
        return next((action for action in self.actions if action.name == name), None)


def _in(name: str, variable: str | None = None) -> Argument:
    return Argument(f"New{name}", "in", variable or name)


def _out(name: str, variable: str | None = None) -> Argument:
    return Argument(f"New{name}", "out", variable or name)


def remote_access_scpd(profile: Profile, mode_spelling: ModeSpelling) -> Scpd:
    """X_AVM-DE_RemoteAccess as the firmware of ``profile`` describes it."""
    lets_encrypt = profile == "modern"
    info_out = [_out("Enabled"), _out("Port"), _out("Username")]
    if lets_encrypt:
        info_out += [_out("LetsEncryptEnabled"), _out("LetsEncryptState")]
    actions = [
        Action("GetInfo", tuple(info_out)),
        Action(
            "SetConfig",
            (_in("Enabled"), _in("Port"), _in("Username"), _in("Password")),
        ),
        Action(
            "GetDDNSInfo",
            tuple(
                _out(name)
                for name in (
                    "Domain",
                    "Enabled",
                    "Mode",
                    "ProviderName",
                    "ServerIPv4",
                    "ServerIPv6",
                    "StatusIPv4",
                    "StatusIPv6",
                    "UpdateURL",
                    "Username",
                )
            ),
        ),
        Action("GetDDNSProviders", (_out("ProviderList"),)),
        Action(
            "SetDDNSConfig",
            tuple(
                _in(name)
                for name in (
                    "Enabled",
                    "ProviderName",
                    "UpdateURL",
                    "ServerIPv4",
                    "ServerIPv6",
                    "Domain",
                    "Username",
                    "Password",
                    "Mode",
                )
            ),
        ),
        Action("SetEnable", (_in("Enabled"), _out("Port"))),
    ]
    if lets_encrypt:
        actions.append(Action("SetLetsEncryptEnable", (_in("LetsEncryptEnabled"),)))
    variables = [
        StateVariable("Domain"),
        StateVariable("Enabled", "boolean", "0"),
        StateVariable("InfoURL"),
        StateVariable(
            "Mode",
            default="ddns_v4",
            allowed=("ddns_v4", "ddns_v6", "ddns_both", mode_spelling),
        ),
        StateVariable("Password"),
        # Real boxes declare the port a string, not a ui2 (docs/tr064.md).
        StateVariable("Port"),
        StateVariable("ProviderList"),
        StateVariable("ProviderName"),
        StateVariable("ServerIPv4"),
        StateVariable("ServerIPv6"),
        StateVariable(
            "StatusIPv4",
            allowed=tuple(s.format(new_address="new address") for s in DDNS_STATUSES),
        ),
        StateVariable(
            "StatusIPv6",
            allowed=tuple(s.format(new_address="new-address") for s in DDNS_STATUSES),
        ),
        StateVariable("UpdateURL"),
        StateVariable("Username"),
    ]
    if lets_encrypt:
        variables += [
            StateVariable("LetsEncryptEnabled", "boolean", "0"),
            StateVariable("LetsEncryptState", default="unknown", allowed=LETS_ENCRYPT_STATES),
        ]
    return Scpd(tuple(actions), tuple(sorted(variables, key=lambda v: v.name)))


def device_info_scpd() -> Scpd:
    """DeviceInfo:1 with the four actions of a FRITZ!Box."""
    info_names = (
        "ManufacturerName",
        "ManufacturerOUI",
        "ModelName",
        "Description",
        "ProductClass",
        "SerialNumber",
        "SoftwareVersion",
        "HardwareVersion",
        "SpecVersion",
        "ProvisioningCode",
        "UpTime",
        "DeviceLog",
    )
    actions = (
        Action("GetInfo", tuple(_out(name) for name in info_names)),
        Action("SetProvisioningCode", (_in("ProvisioningCode"),)),
        Action("GetDeviceLog", (_out("DeviceLog"),)),
        Action("GetSecurityPort", (_out("SecurityPort"),)),
    )
    variables = (
        *tuple(StateVariable(name, "ui4" if name == "UpTime" else "string") for name in info_names),
        StateVariable("SecurityPort", "ui2"),
    )
    return Scpd(actions, variables)


def generic_scpd() -> Scpd:
    """Describe a service the simulator does not implement: valid, but minimal."""
    return Scpd(
        (Action("GetInfo", (_out("Enable"), _out("Status"))),),
        (StateVariable("Enable", "boolean", "0"), StateVariable("Status")),
    )


def _render_variable(var: StateVariable) -> str:
    parts = [f"<name>{escape(var.name)}</name>", f"<dataType>{var.data_type}</dataType>"]
    if var.default is not None:
        parts.append(f"<defaultValue>{escape(var.default)}</defaultValue>")
    if var.allowed:
        values = "".join(f"<allowedValue>{escape(v)}</allowedValue>" for v in var.allowed)
        parts.append(f"<allowedValueList>{values}</allowedValueList>")
    return '<stateVariable sendEvents="no">' + "".join(parts) + "</stateVariable>\n"


def _render_action(action: Action) -> str:
    arguments = "".join(
        f"<argument><name>{a.name}</name><direction>{a.direction}</direction>"
        f"<relatedStateVariable>{a.variable}</relatedStateVariable></argument>\n"
        for a in action.arguments
    )
    argument_list = f"<argumentList>\n{arguments}</argumentList>" if arguments else ""
    return f"<action>\n<name>{action.name}</name>\n{argument_list}\n</action>\n"


def render_scpd(scpd: Scpd) -> bytes:
    """Render the SCPD document served at the service's SCPDURL."""
    return (
        '<?xml version="1.0"?>\n'
        f'<scpd xmlns="{SCPD_NAMESPACE}">\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\n"
        "<actionList>\n"
        + "".join(_render_action(action) for action in scpd.actions)
        + "</actionList>\n<serviceStateTable>\n"
        + "".join(_render_variable(var) for var in scpd.variables)
        + "</serviceStateTable>\n</scpd>\n"
    ).encode()


def auth_scpd() -> Scpd:
    """X_AVM-DE_Auth as a 7590 describes it: strings without allowed values, defaults empty."""
    return Scpd(
        (
            Action("GetInfo", (_out("Enabled"),)),
            Action("GetState", (_out("State"),)),
            Action("SetConfig", (_in("Action"), _out("State"), _out("Token"), _out("Methods"))),
        ),
        (
            StateVariable("Enabled", "boolean", "0"),
            StateVariable("State", default=""),
            StateVariable("Action", default=""),
            StateVariable("Token", default=""),
            StateVariable("Methods", default=""),
        ),
    )


def app_setup_scpd() -> Scpd:
    """X_AVM-DE_AppSetup with the one action the simulator serves, named as on a 7590."""
    names = (
        "SubnetMask",
        "IPAddress",
        "ExternalIPAddress",
        "ExternalIPv6Address",
        "RemoteAccessDDNSEnabled",
        "RemoteAccessDDNSDomain",
        "MyFritzEnabled",
        "MyFritzDynDNSName",
    )
    booleans = {"RemoteAccessDDNSEnabled", "MyFritzEnabled"}
    return Scpd(
        (Action("GetAppRemoteInfo", tuple(_out(name) for name in names)),),
        tuple(
            StateVariable(name, "boolean", "0") if name in booleans else StateVariable(name)
            for name in names
        ),
    )
