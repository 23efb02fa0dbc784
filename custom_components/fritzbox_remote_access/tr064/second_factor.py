"""The box's confirmation of a protected write (X_AVM-DE_Auth); see docs/second-factor.md."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Protocol

from .const import (
    ACTION_GET_INFO,
    ACTION_GET_STATE,
    ACTION_SET_CONFIG,
    AUTH_POLL_INTERVAL,
    AUTH_STOP_TIMEOUT,
    SERVICE_AUTH,
    UPNP_SECOND_FACTOR_BLOCKED,
    UPNP_SECOND_FACTOR_BUSY,
)
from .exceptions import (
    TR064Error,
    TR064MalformedResponseError,
    TR064SecondFactorBlockedError,
    TR064SecondFactorBusyError,
    TR064SecondFactorError,
    TR064SecondFactorFailedError,
    TR064SecondFactorRequiredError,
    TR064SecondFactorTimeoutError,
)
from .models import (
    AuthState,
    SecondFactorChallenge,
    auth_process_from,
    auth_state_from,
    parse_bool,
    required,
)
from .soap import no_answer

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from .models import AuthProcess, Confirmation

_LOGGER = logging.getLogger(__name__)


class ServiceCall(Protocol):
    """The client's one request path: an action of a service, its answer converted."""

    async def __call__[T](
        self,
        service_type: str,
        action: str,
        convert: Callable[[dict[str, str]], T],
        arguments: Mapping[str, str] | None = None,
        *,
        secrets: tuple[str, ...] = (),
        token: str | None = None,
    ) -> T:
        """Send the action and return its converted answer."""


class SecondFactor:
    """Runs a client's confirmations: one at a time, every wait bounded."""

    def __init__(self, call: ServiceCall) -> None:
        """Send through ``call``; nothing is sent before a write needs it."""
        self._call = call
        self._confirming = False

    async def enabled(self) -> bool:
        """Whether the box asks for confirmations at all (X_AVM-DE_Auth GetInfo)."""
        return await self._call(SERVICE_AUTH, ACTION_GET_INFO, _enabled)

    async def write[T](
        self,
        action: str,
        send: Callable[[str | None], Awaitable[T]],
        confirmation: Confirmation | None,
        has_auth: Callable[[], bool],
    ) -> T:
        """``send`` without a token; on 866, confirm on the box and send once more with one."""
        try:
            return await send(None)
        except TR064SecondFactorRequiredError:
            if confirmation is None or not has_auth():
                raise
        # The token is good for this one action; a second 866 is raised as it is.
        return await send(await self._confirm(action, confirmation))

    async def _confirm(self, action: str, confirmation: Confirmation) -> str:
        """Run one confirmation on the box and return its token."""
        if self._confirming:
            # Starting a second process would first stop the one already waiting.
            raise TR064SecondFactorBusyError(
                UPNP_SECOND_FACTOR_BUSY, f"{action}: a confirmation is already waiting"
            )
        self._confirming = True
        try:
            return await self._run(action, confirmation)
        finally:
            self._confirming = False

    async def _run(self, action: str, confirmation: Confirmation) -> str:
        # A process left over (ours, lost) would make the box answer 868 to the start.
        await self.stop()
        process = await self._call(
            SERVICE_AUTH, ACTION_SET_CONFIG, auth_process_from, {"NewAction": "start"}
        )
        _LOGGER.debug("%s: confirmation started: %r", action, process)
        try:
            async with asyncio.timeout(confirmation.timeout):
                await self._wait(action, process, confirmation)
        except TimeoutError:
            await self.stop()
            raise TR064SecondFactorTimeoutError(
                f"{action}: not confirmed on the box within {confirmation.timeout:g} s"
            ) from None
        except BaseException:  # cancelled, refused by the box, or the callback failed
            await self.stop()
            raise
        return process.token

    async def _wait(self, action: str, process: AuthProcess, confirmation: Confirmation) -> None:
        """Tell the caller what to do, then ask the box every 2 s until it is decided."""
        state = process.state
        if state is AuthState.WAITING:
            if not process.token:
                raise TR064MalformedResponseError("SetConfig(start) answered no token")
            confirmation.on_challenge(
                SecondFactorChallenge(
                    action=action,
                    methods=process.methods,
                    phone_code=process.phone_code,
                    timeout=confirmation.timeout,
                )
            )
        while state is AuthState.WAITING:
            await asyncio.sleep(AUTH_POLL_INTERVAL)
            state = await self._call(
                SERVICE_AUTH,
                ACTION_GET_STATE,
                auth_state_from,
                token=process.token,
                secrets=(process.token,),
            )
        if state is not AuthState.AUTHENTICATED:
            raise _state_error(action, state)

    async def stop(self) -> None:
        """End this user's confirmation process on the box; best effort, bounded."""
        try:
            async with asyncio.timeout(AUTH_STOP_TIMEOUT):
                await self._call(SERVICE_AUTH, ACTION_SET_CONFIG, no_answer, {"NewAction": "stop"})
        except (TR064Error, TimeoutError) as err:
            _LOGGER.debug("Stopping the confirmation failed: %s", type(err).__name__)


def _state_error(action: str, state: AuthState) -> TR064SecondFactorError:
    """Return the error for a confirmation that ended unconfirmed."""
    text = f"{action}: the box ended the confirmation ({state})"
    if state is AuthState.BLOCKED:
        return TR064SecondFactorBlockedError(UPNP_SECOND_FACTOR_BLOCKED, text)
    if state is AuthState.ANOTHER_PROCESS:
        return TR064SecondFactorBusyError(UPNP_SECOND_FACTOR_BUSY, text)
    return TR064SecondFactorFailedError(text)


def _enabled(values: dict[str, str]) -> bool:
    return parse_bool(required(values, "NewEnabled"), "NewEnabled")
