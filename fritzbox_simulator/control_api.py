"""The simulator's own HTTP control interface: what a person does at the box, over HTTP.

Served under ``/simulator/`` when ``SimulatorConfig.control_api`` is on (the command line
switches it on). It needs no login, is never delayed or broken by faults and never enters the
request log. ``GET /simulator/status`` reads; every other operation is ``POST
/simulator/<operation>`` with its parameters in the query string or a JSON object::

    curl -X POST http://127.0.0.1:49000/simulator/press-button
    curl -X POST 'http://127.0.0.1:49000/simulator/dial?code=*11234'
    curl -X POST 'http://127.0.0.1:49000/simulator/protect?actions=SetEnable,SetConfig'
    curl -X POST 'http://127.0.0.1:49000/simulator/fault?name=malformed_xml&on=1'
    curl -X POST 'http://127.0.0.1:49000/simulator/line?profile=ds-lite'

Operations (hyphens or underscores): ``status``, ``press-button``, ``dial`` (``code``),
``fail-second-factor``, ``protect`` (``actions``: comma-separated, empty for none),
``fault`` (``name``, ``on``), ``line`` (``profile``, ``ipv4``, ``ipv6``), ``myfritz``
(``enabled``, ``name``), ``advance`` (``seconds``). Answers are JSON,
``{"ok": true, ...}``, or ``{"ok": false, "error": "..."}`` with status 400, 404 or 405.
``apply`` runs one operation without HTTP, for other control channels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import json
import logging
import math
from typing import TYPE_CHECKING, Any

from aiohttp import hdrs, web

from .faults import BOOLEAN_FAULTS

if TYPE_CHECKING:
    from .simulator import FritzBoxSimulator

_LOGGER = logging.getLogger(__package__)

PREFIX = "/simulator/"
TRUE = frozenset({"1", "true", "on", "yes"})
FALSE = frozenset({"0", "false", "off", "no"})

type Operation = Callable[[FritzBoxSimulator, Mapping[str, Any]], dict[str, Any]]


class ControlError(Exception):
    """An operation was refused; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        """Keep the HTTP status with the message."""
        super().__init__(message)
        self.status = status


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None:
        raise ControlError(f"missing parameter {name!r}")
    return str(value)


def _flag(params: Mapping[str, Any], name: str, default: bool) -> bool:
    value = params.get(name, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ControlError(f"{name} must be true or false, not {value!r}")


def _seconds(params: Mapping[str, Any], name: str) -> float:
    try:
        seconds = float(_text(params, name))
    except ValueError:
        raise ControlError(f"{name} must be a number of seconds") from None
    if not 0 <= seconds < math.inf:
        raise ControlError(f"{name} must be 0 or more and finite")
    return seconds


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [item.strip() for item in str(value).split(",") if item.strip()]


def status(sim: FritzBoxSimulator, _params: Mapping[str, Any]) -> dict[str, Any]:
    """Report what the control interface can see and change."""
    second_factor = sim.second_factor
    faults = sim.faults
    return {
        "second_factor": {
            "enabled": second_factor.enabled,
            "state": second_factor.state,
            "methods": second_factor.methods,
            "phone_code": second_factor.phone_code,
            "unconfirmed_starts": second_factor.unconfirmed_starts,
        },
        "protected_actions": sorted(sim.protected_actions),
        "line": {
            "external_ipv4": sim.state.external_ipv4,
            "external_ipv6": sim.state.external_ipv6,
            "myfritz_enabled": sim.state.myfritz_enabled,
            "myfritz_dyndns_name": sim.state.myfritz_dyndns_name,
        },
        "faults": {name: getattr(faults, name) for name in BOOLEAN_FAULTS}
        | {"latency": faults.latency},
    }


def _confirmation(sim: FritzBoxSimulator, confirmed: bool) -> dict[str, Any]:
    return {"confirmed": confirmed, "state": sim.second_factor.state}


def press_button(sim: FritzBoxSimulator, _params: Mapping[str, Any]) -> dict[str, Any]:
    """Press a button on the box."""
    return _confirmation(sim, sim.press_button())


def dial(sim: FritzBoxSimulator, params: Mapping[str, Any]) -> dict[str, Any]:
    """Dial ``code`` on a phone connected to the box."""
    return _confirmation(sim, sim.dial(_text(params, "code")))


def fail_second_factor(sim: FritzBoxSimulator, _params: Mapping[str, Any]) -> dict[str, Any]:
    """End the running confirmation with ``failure``."""
    return {"failed": sim.fail_second_factor(), "state": sim.second_factor.state}


def protect(sim: FritzBoxSimulator, params: Mapping[str, Any]) -> dict[str, Any]:
    """Choose the RemoteAccess actions that need the second factor from now on."""
    try:
        sim.protected_actions = frozenset(_names(params.get("actions", "")))
    except ValueError as err:
        raise ControlError(str(err)) from None
    return {"protected_actions": sorted(sim.protected_actions)}


def fault(sim: FritzBoxSimulator, params: Mapping[str, Any]) -> dict[str, Any]:
    """Switch one boolean fault on or off."""
    name = _text(params, "name").replace("-", "_")
    if name not in BOOLEAN_FAULTS:
        raise ControlError(f"unknown fault {name!r}; known: {', '.join(BOOLEAN_FAULTS)}")
    setattr(sim.faults, name, _flag(params, "on", default=True))
    return {"faults": status(sim, params)["faults"]}


def line(sim: FritzBoxSimulator, params: Mapping[str, Any]) -> dict[str, Any]:
    """Switch the line (``profile``), then set ``ipv4``/``ipv6`` if given ("" for none)."""
    try:
        if "profile" in params:
            sim.set_line(_text(params, "profile"))
        ipv4, ipv6 = params.get("ipv4"), params.get("ipv6")
        sim.set_external_addresses(
            None if ipv4 is None else str(ipv4), None if ipv6 is None else str(ipv6)
        )
    except ValueError as err:
        raise ControlError(str(err)) from None
    return {"line": status(sim, params)["line"]}


def myfritz(sim: FritzBoxSimulator, params: Mapping[str, Any]) -> dict[str, Any]:
    """Switch MyFRITZ! on or off (``enabled``) and set its DynDNS ``name``."""
    state = sim.state
    state.myfritz_enabled = _flag(params, "enabled", default=state.myfritz_enabled)
    if "name" in params:
        state.myfritz_dyndns_name = _text(params, "name")
    return {"line": status(sim, params)["line"]}


def advance(sim: FritzBoxSimulator, params: Mapping[str, Any]) -> dict[str, Any]:
    """Move the simulator clock forward."""
    sim.advance(_seconds(params, "seconds"))
    return {"second_factor_state": sim.second_factor.state}


OPERATIONS: dict[str, Operation] = {
    "status": status,
    "press_button": press_button,
    "dial": dial,
    "fail_second_factor": fail_second_factor,
    "protect": protect,
    "fault": fault,
    "line": line,
    "myfritz": myfritz,
    "advance": advance,
}


def apply(sim: FritzBoxSimulator, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Run one operation by name; ControlError if it is unknown or its parameters are bad."""
    handler = OPERATIONS.get(operation.replace("-", "_"))
    if handler is None:
        raise ControlError(
            f"unknown operation {operation!r}; known: {', '.join(OPERATIONS)}", status=404
        )
    return handler(sim, params)


async def _params(request: web.BaseRequest) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    body = await request.read()
    if body.strip():
        try:
            document = json.loads(body)
        except ValueError:
            raise ControlError("the body must be a JSON object") from None
        if not isinstance(document, dict):
            raise ControlError("the body must be a JSON object")
        params.update(document)
    return params


async def handle(sim: FritzBoxSimulator, request: web.BaseRequest) -> web.Response:
    """Answer one request under ``PREFIX``."""
    operation = request.path.removeprefix(PREFIX).strip("/")
    allowed = (hdrs.METH_GET, hdrs.METH_POST) if operation == "status" else (hdrs.METH_POST,)
    if request.method not in allowed:
        error = {"ok": False, "error": "use POST (GET only for status)"}
        return web.json_response(error, status=405)
    try:
        result = apply(sim, operation, await _params(request))
    except ControlError as err:
        return web.json_response({"ok": False, "error": str(err)}, status=err.status)
    level = logging.DEBUG if operation == "status" else logging.INFO
    _LOGGER.log(level, "control: %s -> %s", operation, result)
    return web.json_response({"ok": True, **result})
