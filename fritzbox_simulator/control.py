"""Dispatch of SOAP actions: the service's SCPD, the rights table, then the handler.

Every check a box makes before running an action lives here, so the service modules only
hold the behaviour of their actions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .scpd import Scpd, generic_scpd
from .soap import UPnPError
from .users import ALL_RIGHTS, BoxUser

if TYPE_CHECKING:
    from .second_factor import SecondFactor


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent the request: the authenticated user (None for public actions) and its token."""

    user: BoxUser | None
    token: str | None = field(default=None, repr=False)


#: An action's behaviour: the caller and its in-arguments to its out-arguments by name.
Handler = Callable[[Caller, Mapping[str, str]], Mapping[str, str]]

ANY_RIGHT = ALL_RIGHTS


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """``rights`` allow the action (any one suffices); None means no authentication at all."""

    handler: Handler
    rights: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class ServiceImplementation:
    """An implemented service: its SCPD and the behaviour behind each action."""

    scpd: Scpd
    actions: Mapping[str, ActionSpec]


def parse_boolean(arguments: Mapping[str, str], name: str) -> bool:
    """Booleans travel as 0/1; anything else is an invalid argument (402)."""
    value = arguments[name].strip()
    if value not in ("0", "1"):
        raise UPnPError(402)
    return value == "1"


def format_boolean(value: bool) -> str:
    """Write a boolean the way a box does."""
    return "1" if value else "0"


class Dispatcher:
    """Runs actions of the implemented services; everything else is 401 Invalid Action."""

    def __init__(
        self,
        implementations: Mapping[str, ServiceImplementation],
        second_factor: SecondFactor | None = None,
    ) -> None:
        """Serve ``implementations``; ``second_factor`` guards the actions it protects."""
        self._implementations = dict(implementations)
        self._generic = generic_scpd()
        self._second_factor = second_factor

    def scpd(self, service_type: str) -> Scpd:
        """Return the service's SCPD; unimplemented services get the generic one."""
        implementation = self._implementations.get(service_type)
        return implementation.scpd if implementation else self._generic

    def needs_authentication(self, service_type: str, action: str) -> bool:
        """Whether the action wants a login; unknown actions do, so nothing leaks before it."""
        spec = self._spec(service_type, action)
        return spec is None or spec.rights is not None

    def _spec(self, service_type: str, action: str) -> ActionSpec | None:
        implementation = self._implementations.get(service_type)
        if implementation is None or implementation.scpd.action(action) is None:
            return None
        return implementation.actions.get(action)

    def call(
        self,
        service_type: str,
        action: str,
        arguments: Mapping[str, str],
        caller: Caller,
    ) -> list[tuple[str, str]]:
        """Check rights, arguments and the second factor, run the handler; SCPD order out."""
        spec = self._spec(service_type, action)
        definition = self.scpd(service_type).action(action)
        if spec is None or definition is None:
            raise UPnPError(401)
        user = caller.user
        if spec.rights is not None and (user is None or not user.may(spec.rights)):
            raise UPnPError(606)
        if set(arguments) != definition.in_names:
            raise UPnPError(402)
        if self._second_factor is not None:
            self._second_factor.authorize(service_type, action, caller.token)
        result = spec.handler(caller, arguments)
        return [(name, result[name]) for name in definition.out_names]
