"""Service actions: configure dynamic DNS and the remote access user, list the DDNS providers.

Invalid input is refused before any write (checks in ``validation.py``); left-out fields keep
the box's values, checked against the last poll, then against a fresh read before the write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import ATTR_CONFIG_ENTRY_ID, CONF_MODE, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant, ServiceCall, SupportsResponse, callback
from homeassistant.helpers.service import async_get_config_entry, async_register_admin_service

from .confirmation import Change, confirmed_write
from .const import DOMAIN
from .errors import Right
from .helpers import box_errors
from .tr064 import UPNP_INTERNAL_ERROR, UPNP_INVALID_ARGS
from .validation import (
    GET_DDNS_PROVIDERS_SCHEMA,
    SET_DDNS_CONFIG_SCHEMA,
    SET_REMOTE_ACCESS_USER_SCHEMA,
    URL_SCHEME_PLACEHOLDERS,
    check_mode_offered,
    check_provider,
    find_provider,
    merge_ddns_settings,
    provider_matters,
    remote_access_settings,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import ServiceResponse

    from .coordinator import FritzRemoteAccessConfigEntry, FritzRemoteAccessCoordinator
    from .tr064 import DDNSInfo, DDNSProvider

SERVICE_SET_DDNS_CONFIG: Final = "set_ddns_config"
SERVICE_GET_DDNS_PROVIDERS: Final = "get_ddns_providers"
SERVICE_SET_REMOTE_ACCESS_USER: Final = "set_remote_access_user"

# What SetConfig's UPnP errors mean (docs/tr064.md). The box gives 820 the same description
# for "user without configuration rights" and "wrong username or password".
PORT_REJECTED: Final = "remote_access_port_rejected"
USER_REJECTED: Final = "remote_access_user_rejected"
PASSWORD_REJECTED: Final = "remote_access_password_rejected"  # noqa: S105 - a translation key
SET_CONFIG_ERROR_KEYS: Final = (PORT_REJECTED, USER_REJECTED, PASSWORD_REJECTED)

# The update URL field's description shows these as they are; hassfest refuses them in texts.
SET_DDNS_CONFIG_PLACEHOLDERS: Final = {
    **URL_SCHEME_PLACEHOLDERS,
    **{name: f"<{name}>" for name in ("domain", "ipaddr", "ip6addr", "username", "pass")},
}


def _coordinator(call: ServiceCall) -> FritzRemoteAccessCoordinator:
    """Return the loaded entry's coordinator; Home Assistant's own errors for a wrong entry."""
    entry: FritzRemoteAccessConfigEntry = async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    return entry.runtime_data


async def _providers(coordinator: FritzRemoteAccessCoordinator) -> tuple[DDNSProvider, ...]:
    """Return the box's provider list: the kept one, or read now (once per entry)."""
    if coordinator.ddns_providers is None:
        async with box_errors(coordinator, right=Right.SETTINGS):
            coordinator.ddns_providers = await coordinator.client.get_ddns_providers()
    return coordinator.ddns_providers


async def _ddns_settings(
    coordinator: FritzRemoteAccessCoordinator, data: Mapping[str, Any], current: DDNSInfo
) -> DDNSInfo:
    """Return ``current`` with the given fields, checked; the provider spelt as the box lists it.

    What needs no provider list is checked first, so only a provider check can cost a request.
    """
    settings = merge_ddns_settings(data, current)
    if not provider_matters(settings, data):
        return settings
    provider = find_provider(await _providers(coordinator), settings.provider_name)
    return check_provider(settings, provider)


async def _async_set_ddns_config(call: ServiceCall) -> None:
    """SetDDNSConfig; left-out fields keep what GetDDNSInfo reports right before the write."""
    coordinator = _coordinator(call)
    client = coordinator.client
    data = call.data
    if CONF_MODE in data:
        check_mode_offered(coordinator.capabilities, data[CONF_MODE])
    # Against the last poll before the write turn: bad input gets its own error even while
    # another change waits for confirmation.
    await _ddns_settings(coordinator, data, coordinator.data.ddns)
    async with confirmed_write(coordinator, Change.DDNS_CONFIG) as confirmation:
        async with box_errors(coordinator, right=Right.APP):
            current = await client.get_ddns_info()
        settings = await _ddns_settings(coordinator, data, current)
        async with box_errors(coordinator, right=Right.SETTINGS):
            await client.set_ddns_config(
                enabled=settings.enabled,
                provider_name=settings.provider_name,
                update_url=settings.update_url,
                server_ipv4=settings.server_ipv4,
                server_ipv6=settings.server_ipv6,
                domain=settings.domain,
                username=settings.username,
                password=data[CONF_PASSWORD],
                mode=settings.mode,
                confirmation=confirmation,
            )
    await coordinator.async_refresh()


async def _async_get_ddns_providers(call: ServiceCall) -> ServiceResponse:
    """GetDDNSProviders, as the box lists them; kept for the checks of ``set_ddns_config``."""
    coordinator = _coordinator(call)
    async with box_errors(coordinator, right=Right.SETTINGS):
        providers = await coordinator.client.get_ddns_providers()
    coordinator.ddns_providers = providers
    return {
        "providers": [
            {"name": provider.name, "info_url": provider.info_url} for provider in providers
        ]
    }


async def _async_set_remote_access_user(call: ServiceCall) -> None:
    """SetConfig; left-out fields keep what GetInfo reports right before the write."""
    coordinator = _coordinator(call)
    entry = coordinator.config_entry
    client = coordinator.client
    data = call.data
    password: str = data[CONF_PASSWORD]
    # Before the write turn, as for Dynamic DNS.
    remote_access_settings(data, coordinator.data.remote_access)
    async with confirmed_write(coordinator, Change.REMOTE_ACCESS_USER) as confirmation:
        async with box_errors(coordinator, right=Right.APP):
            current = await client.get_info()
        enabled, port, username = remote_access_settings(data, current)
        # GetInfo names the user who has configuration rights from the internet already: for
        # that name, 820 can only mean the password.
        meaning_820 = PASSWORD_REJECTED if username == current.username else USER_REJECTED
        async with box_errors(
            coordinator,
            right=Right.SETTINGS,
            upnp_keys={UPNP_INVALID_ARGS: PORT_REJECTED, UPNP_INTERNAL_ERROR: meaning_820},
            placeholders={"port": str(port), "username": username},
        ):
            await client.set_config(
                enabled=enabled,
                port=port,
                username=username,
                password=password,
                confirmation=confirmation,
            )
    if username == entry.data[CONF_USERNAME] and password != entry.data[CONF_PASSWORD]:
        # Home Assistant's own login got the new password: store it, and log in with it.
        call.hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_PASSWORD: password}
        )
        await call.hass.config_entries.async_reload(entry.entry_id)
        return
    await coordinator.async_refresh()


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions; the writers are for administrators only."""
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_SET_DDNS_CONFIG,
        _async_set_ddns_config,
        schema=SET_DDNS_CONFIG_SCHEMA,
        description_placeholders=SET_DDNS_CONFIG_PLACEHOLDERS,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_DDNS_PROVIDERS,
        _async_get_ddns_providers,
        schema=GET_DDNS_PROVIDERS_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_SET_REMOTE_ACCESS_USER,
        _async_set_remote_access_user,
        schema=SET_REMOTE_ACCESS_USER_SCHEMA,
    )
