"""The one path every request of an entity or a service action takes to the box."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Concatenate

from homeassistant.exceptions import HomeAssistantError

from .entity import FritzRemoteAccessEntity
from .errors import Right, ha_error
from .tr064 import (
    TR064AuthenticationError,
    TR064CertificateMismatchError,
    TR064Error,
    TR064LoginBlockedError,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Coroutine, Mapping

    from .coordinator import FritzRemoteAccessCoordinator


@asynccontextmanager
async def box_errors(
    coordinator: FritzRemoteAccessCoordinator,
    *,
    right: Right,
    upnp_keys: Mapping[int, str] | None = None,
    placeholders: Mapping[str, str] | None = None,
) -> AsyncIterator[None]:
    """Send nothing to a box that blocks us; turn client errors into translated ones.

    A rejected login starts re-authentication, a refused certificate stops all requests until
    the user decides, a 503 starts the login pause.
    """
    if (blocked := coordinator.blocked_error(HomeAssistantError)) is not None:
        raise blocked
    try:
        yield
    except TR064CertificateMismatchError as err:
        coordinator.reject_certificate(err)
        error = ha_error(err, coordinator.host)
        # The entities go unavailable at once, not only at the next (blocked) poll.
        coordinator.async_set_update_error(error)
        raise error from err
    except TR064AuthenticationError as err:
        coordinator.config_entry.async_start_reauth(coordinator.hass)
        raise ha_error(err, coordinator.host) from err
    except TR064LoginBlockedError as err:
        coordinator.guard.login_pause.start()
        raise ha_error(err, coordinator.host) from err
    except TR064Error as err:
        raise ha_error(
            err, coordinator.host, right=right, upnp_keys=upnp_keys, placeholders=placeholders
        ) from err


def box_command[EntityT: FritzRemoteAccessEntity, **P](
    func: Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]]:
    """Run an entity's write through ``box_errors``, then show what the box did.

    No optimistic state: after a successful write the coordinator polls the box.
    """

    async def handler(self: EntityT, /, *args: P.args, **kwargs: P.kwargs) -> None:
        async with box_errors(self.coordinator, right=self.required_right):
            await func(self, *args, **kwargs)
        await self.coordinator.async_refresh()

    return handler
