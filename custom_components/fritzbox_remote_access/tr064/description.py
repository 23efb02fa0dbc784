"""Parsing of the device description (tr64desc.xml) and of a service's SCPD.

Only what the client needs is kept: where services live, and which actions, arguments and
allowed values the box advertises.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from .const import (
    ACTION_GET_DDNS_INFO,
    ACTION_SET_DDNS_CONFIG,
    ARG_MODE,
    DEFAULT_APP_SETUP_CONTROL_URL,
    DEFAULT_AUTH_CONTROL_URL,
    DEFAULT_DEVICE_INFO_CONTROL_URL,
    DEFAULT_REMOTE_ACCESS_CONTROL_URL,
    DEFAULT_TIMEOUT,
    DESCRIPTION_PATH,
    SERVICE_APP_SETUP,
    SERVICE_AUTH,
    SERVICE_DEVICE_INFO,
    SERVICE_REMOTE_ACCESS,
    STATE_VARIABLE_MODE,
)
from .exceptions import TR064MalformedResponseError
from .models import Capabilities
from .safexml import child, child_text, parse_xml
from .transport import Transport

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    import xml.etree.ElementTree as ET

    import aiohttp

# The services the client uses, with the control URL to take when the description has none.
_CONTROL_URLS: Final = (
    (SERVICE_REMOTE_ACCESS, DEFAULT_REMOTE_ACCESS_CONTROL_URL),
    (SERVICE_DEVICE_INFO, DEFAULT_DEVICE_INFO_CONTROL_URL),
    (SERVICE_AUTH, DEFAULT_AUTH_CONTROL_URL),
    (SERVICE_APP_SETUP, DEFAULT_APP_SETUP_CONTROL_URL),
)


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    """One service entry of the device description."""

    service_type: str
    service_id: str
    control_url: str
    scpd_url: str


@dataclass(frozen=True, slots=True)
class DeviceDescription:
    """The root device's UDN and every service of the (nested) device tree."""

    udn: str
    services: tuple[ServiceInfo, ...]

    def find_service(self, service_type: str) -> ServiceInfo | None:
        """Find a service by type; another version of the same type is accepted too."""
        prefix = service_type.rpartition(":")[0] + ":"
        fallback = None
        for service in self.services:
            if service.service_type == service_type:
                return service
            if fallback is None and service.service_type.startswith(prefix):
                fallback = service
        return fallback


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument of an SCPD action."""

    name: str
    direction: str
    related_state_variable: str


@dataclass(frozen=True, slots=True)
class Action:
    """One SCPD action and its arguments."""

    name: str
    arguments: tuple[Argument, ...]

    def argument(self, name: str) -> Argument | None:
        """Return the argument with this name, if the box has it."""
        for argument in self.arguments:
            if argument.name == name:
                return argument
        return None


@dataclass(frozen=True, slots=True)
class StateVariable:
    """One SCPD state variable."""

    name: str
    data_type: str
    default_value: str | None
    allowed_values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ServiceDescription:
    """What an SCPD advertises."""

    actions: Mapping[str, Action]
    state_variables: Mapping[str, StateVariable]

    def allowed_values(self, action: str, argument: str, fallback_variable: str) -> tuple[str, ...]:
        """Return the allowed values of an action's argument, via its related state variable."""
        variable_name = fallback_variable
        if (act := self.actions.get(action)) and (arg := act.argument(argument)):
            variable_name = arg.related_state_variable or fallback_variable
        variable = self.state_variables.get(variable_name)
        return () if variable is None else variable.allowed_values


def _text(element: ET.Element, name: str) -> str:
    return (child_text(element, name) or "").strip()


def _iter_devices(device: ET.Element) -> Iterator[ET.Element]:
    """Devices in document order (pre-order); a stack, not recursion: nesting has no limit."""
    stack = [device]
    while stack:
        current = stack.pop()
        yield current
        device_list = child(current, "deviceList")
        if device_list is not None:
            stack.extend(reversed([sub for sub in device_list if sub.tag == "device"]))


def parse_device_description(data: bytes) -> DeviceDescription:
    """Parse tr64desc.xml; services may sit at any depth of ``deviceList``."""
    root = parse_xml(data)
    if root.tag != "root":
        raise TR064MalformedResponseError("Device description has no <root>")
    device = child(root, "device")
    if device is None:
        raise TR064MalformedResponseError("Device description has no root device")
    udn = _text(device, "UDN")
    if not udn:
        raise TR064MalformedResponseError("Root device has no UDN")
    services: list[ServiceInfo] = []
    for dev in _iter_devices(device):
        service_list = child(dev, "serviceList")
        if service_list is None:
            continue
        for service in service_list:
            if service.tag != "service":
                continue
            service_type = _text(service, "serviceType")
            if not service_type:
                continue
            services.append(
                ServiceInfo(
                    service_type=service_type,
                    service_id=_text(service, "serviceId"),
                    control_url=_text(service, "controlURL"),
                    scpd_url=_text(service, "SCPDURL"),
                )
            )
    return DeviceDescription(udn=udn, services=tuple(services))


def parse_scpd(data: bytes) -> ServiceDescription:
    """Parse a service's SCPD into actions and state variables."""
    root = parse_xml(data)
    if root.tag != "scpd":
        raise TR064MalformedResponseError("SCPD has no <scpd> root")
    actions: dict[str, Action] = {}
    action_list = child(root, "actionList")
    for action in action_list if action_list is not None else ():
        if action.tag != "action" or not (name := _text(action, "name")):
            continue
        arguments: list[Argument] = []
        argument_list = child(action, "argumentList")
        for argument in argument_list if argument_list is not None else ():
            if argument.tag != "argument" or not (arg_name := _text(argument, "name")):
                continue
            arguments.append(
                Argument(
                    name=arg_name,
                    direction=_text(argument, "direction").lower(),
                    related_state_variable=_text(argument, "relatedStateVariable"),
                )
            )
        actions[name] = Action(name=name, arguments=tuple(arguments))
    variables: dict[str, StateVariable] = {}
    table = child(root, "serviceStateTable")
    for variable in table if table is not None else ():
        if variable.tag != "stateVariable" or not (var_name := _text(variable, "name")):
            continue
        allowed = child(variable, "allowedValueList")
        values = tuple(
            (item.text or "").strip()
            for item in (allowed if allowed is not None else ())
            if item.tag == "allowedValue"
        )
        variables[var_name] = StateVariable(
            name=var_name,
            data_type=_text(variable, "dataType"),
            default_value=child_text(variable, "defaultValue"),
            allowed_values=values,
        )
    return ServiceDescription(actions=actions, state_variables=variables)


def client_services(description: DeviceDescription) -> dict[str, ServiceInfo]:
    """Return the services the client uses that the box lists, with control URLs filled in.

    Only RemoteAccess's SCPD is read: the other services' actions are fixed, so their SCPDs
    would cost requests and say nothing.
    """
    services: dict[str, ServiceInfo] = {}
    for service_type, default_control_url in _CONTROL_URLS:
        if service := description.find_service(service_type):
            services[service_type] = replace(
                service, control_url=service.control_url or default_control_url
            )
    return services


def remote_access_capabilities(scpd: ServiceDescription) -> Capabilities:
    """Return the RemoteAccess actions and DDNS mode spellings this box's SCPD advertises."""
    mode_values = scpd.allowed_values(
        ACTION_SET_DDNS_CONFIG, ARG_MODE, STATE_VARIABLE_MODE
    ) or scpd.allowed_values(ACTION_GET_DDNS_INFO, ARG_MODE, STATE_VARIABLE_MODE)
    return Capabilities(actions=frozenset(scpd.actions), mode_values=mode_values)


async def fetch_udn(
    session: aiohttp.ClientSession,
    host: str,
    *,
    port: int | None = None,
    use_tls: bool = False,
    timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a per-request limit, as in the client
    fingerprint: str | None = None,
) -> str:
    """Read the root device UDN from tr64desc.xml; needs no credentials (unique id, discovery)."""
    transport = Transport(
        session, host, port=port, use_tls=use_tls, fingerprint=fingerprint, timeout=timeout
    )
    description = await transport.get(
        DESCRIPTION_PATH, "device description", parse_device_description
    )
    return description.udn
