"""Service actions: configure dynamic DNS and the remote access user, list the DDNS providers.

Invalid input is refused with nothing sent to the box. Checks of the arguments alone run in the
schemas. Checks of the resulting settings use what the integration already has: the
coordinator's snapshot (GetInfo and GetDDNSInfo of the last good poll) for the fields left
out, and the box's DDNS provider list, kept on the coordinator. That list is read once, on first
need (or by ``get_ddns_providers``, which also refreshes it), and then kept until the entry is
reloaded: only a firmware update changes it. So a refusal sends no request at all, except this
one read of the provider list while it is not known yet; never a write.

Once the checks pass, the current settings are read fresh (GetDDNSInfo, GetInfo) right before
the write, left-out fields are taken from that read, and the result is checked again by the same
rules: a box changed since the last poll is refused the same way, still without a write.

Every refusal is a translated ``ServiceValidationError``. Schema errors are translated too: for
a plain ``vol.Invalid`` Home Assistant would log the call's data, password included.
"""

from __future__ import annotations

from dataclasses import replace
import re
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import (
    ATTR_CONFIG_ENTRY_ID,
    CONF_DOMAIN,
    CONF_ENABLED,
    CONF_MODE,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
)
from homeassistant.core import HomeAssistant, ServiceCall, SupportsResponse, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_get_config_entry, async_register_admin_service

from .const import DOMAIN
from .errors import Right, async_box_call
from .tr064 import DDNSMode, TR064Error

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from homeassistant.core import ServiceResponse
    from homeassistant.helpers.typing import VolDictType
    import probatio as vol

    from .coordinator import FritzRemoteAccessConfigEntry, FritzRemoteAccessCoordinator
    from .tr064 import Capabilities, DDNSInfo, DDNSProvider, RemoteAccessInfo
else:
    # Home Assistant 2026.10 aliases voluptuous to probatio; older releases ship voluptuous.
    import voluptuous as vol

SERVICE_SET_DDNS_CONFIG: Final = "set_ddns_config"
SERVICE_GET_DDNS_PROVIDERS: Final = "get_ddns_providers"
SERVICE_SET_REMOTE_ACCESS_USER: Final = "set_remote_access_user"

ATTR_PROVIDER: Final = "provider"
ATTR_UPDATE_URL: Final = "update_url"
ATTR_SERVER_IPV4: Final = "server_ipv4"
ATTR_SERVER_IPV6: Final = "server_ipv6"

PORT_RANGE: Final = (1, 65535)
DDNS_BOTH_TOGETHER: Final = "ddns_both_together"

# SetConfig's own answers (specification, table 3). 820 means either "this name belongs to a
# user without configuration rights" or "username or password not valid"; the box sends the
# same description for both.
PORT_REJECTED: Final = "remote_access_port_rejected"
USER_REJECTED: Final = "remote_access_user_rejected"
PASSWORD_REJECTED: Final = "remote_access_password_rejected"  # noqa: S105 - a translation key
SET_CONFIG_ERROR_KEYS: Final = (PORT_REJECTED, USER_REJECTED, PASSWORD_REJECTED)
UPNP_INVALID_ARGS: Final = 402
UPNP_INTERNAL_ERROR: Final = 820

# Box fields are single-line text; XML cannot carry most control characters at all.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]")
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_HOST_THEN_PATH = re.compile(r"^[^/?#]+/")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_MAX_HOST_NAME = 253
_BOTH_URLS = 2


# --- checks that need nothing from the box -------------------------------------------------


def _text(field: str, *, allow_empty: bool = True) -> Callable[[Any], str]:
    """Accept single-line text the box can take."""

    def validate(value: Any) -> str:
        text: str = cv.string(value)
        if _CONTROL_CHARACTERS.search(text):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="field_control_characters",
                translation_placeholders={"field": field},
            )
        if not allow_empty and not text:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="field_empty",
                translation_placeholders={"field": field},
            )
        return text

    return validate


def _port(value: int) -> int:
    lowest, highest = PORT_RANGE
    if not lowest <= value <= highest:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_port",
            translation_placeholders={"port": str(value)},
        )
    return value


def _mode(value: Any) -> DDNSMode:
    text = cv.string(value).strip().lower()
    if text == DDNS_BOTH_TOGETHER:
        # AVM's specification spells ddns_together so; the box gets its own spelling anyway.
        return DDNSMode.TOGETHER
    try:
        return DDNSMode(text)
    except ValueError:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_ddns_mode",
            translation_placeholders={"mode": text, "modes": ", ".join(DDNSMode)},
        ) from None


def is_host_name(name: str) -> bool:
    """Accept a fully qualified DNS name in ASCII (international names in their xn-- form)."""
    labels = name.split(".")
    return (
        name.isascii()
        and len(name) <= _MAX_HOST_NAME
        and len(labels) > 1
        and all(_HOST_LABEL.match(label) for label in labels)
        and not labels[-1].isdigit()  # an IPv4 address is no host name
    )


def _domain(value: Any) -> str:
    domain = _text(CONF_DOMAIN)(value).strip()
    if domain and not is_host_name(domain):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_ddns_domain",
            translation_placeholders={"domain": domain},
        )
    return domain


def is_update_url(url: str) -> bool:
    """Accept what the box takes as one update URL.

    ``https://`` means TLS, ``http://`` or no scheme plain HTTP (specification); another
    scheme is a mistake. The box needs a path with a slash after the host; placeholders such
    as ``<ipaddr>`` are the box's business.
    """
    rest = url
    if url.lower().startswith(("http://", "https://")):
        rest = url.partition("://")[2]
    elif _OTHER_SCHEME.match(url):
        return False
    return _HOST_THEN_PATH.match(rest) is not None and not any(c.isspace() for c in url)


def _update_url(value: Any) -> str:
    """Empty (the provider's own URL), one URL, or two separated by a space (``ddns_both``)."""
    url = _text(ATTR_UPDATE_URL)(value).strip()
    urls = url.split(" ")
    if url and (len(urls) > _BOTH_URLS or not all(is_update_url(part) for part in urls)):
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="invalid_update_url"
        )
    return url


def _check_url_count(url: str, mode: DDNSMode) -> None:
    """``ddns_both`` updates IPv4 and IPv6 separately: one URL each, and only then two."""
    two = len(url.split(" ")) == _BOTH_URLS
    if mode is DDNSMode.BOTH and not two:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="update_url_needs_two",
            translation_placeholders={"mode": mode},
        )
    if mode is not DDNSMode.BOTH and two:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="update_url_needs_one",
            translation_placeholders={"mode": mode},
        )


def _url_matches_mode(data: dict[str, Any]) -> None:
    if data.get(ATTR_UPDATE_URL) and CONF_MODE in data:
        _check_url_count(data[ATTR_UPDATE_URL], data[CONF_MODE])


def _schema(fields: VolDictType, *checks: Callable[[dict[str, Any]], None]) -> vol.Schema:
    """Validate ``fields``, then ``checks``; every failure is a translated error."""
    inner = vol.Schema(fields)
    known = {str(key) for key in fields}

    def validate(data: Any) -> dict[str, Any]:
        try:
            result: dict[str, Any] = inner(data)
        except vol.Invalid as err:
            # Not chained: the original message may quote the value, which may be a secret.
            raise _schema_error(err, known) from None
        for check in checks:
            check(result)
        return result

    return vol.Schema(validate)


def _schema_error(err: vol.Invalid, known: set[str]) -> ServiceValidationError:
    first = err.errors[0] if isinstance(err, vol.MultipleInvalid) else err
    placeholders = {"field": ".".join(str(part) for part in first.path)}
    if isinstance(first, vol.RequiredFieldInvalid):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="field_required",
            translation_placeholders=placeholders,
        )
    if first.path and str(first.path[0]) not in known:
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="field_unknown",
            translation_placeholders=placeholders,
        )
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="field_invalid",
        translation_placeholders=placeholders,
    )


ENTRY_FIELD: Final[VolDictType] = {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string}

SET_DDNS_CONFIG_SCHEMA: Final = _schema(
    {
        **ENTRY_FIELD,
        vol.Optional(CONF_ENABLED): cv.boolean,
        vol.Optional(ATTR_PROVIDER): _text(ATTR_PROVIDER, allow_empty=False),
        vol.Optional(CONF_DOMAIN): _domain,
        vol.Optional(CONF_USERNAME): _text(CONF_USERNAME),
        # Required: GetDDNSInfo never returns it, so it cannot be kept.
        vol.Required(CONF_PASSWORD): _text(CONF_PASSWORD),
        vol.Optional(CONF_MODE): _mode,
        vol.Optional(ATTR_UPDATE_URL): _update_url,
        vol.Optional(ATTR_SERVER_IPV4): _text(ATTR_SERVER_IPV4),
        vol.Optional(ATTR_SERVER_IPV6): _text(ATTR_SERVER_IPV6),
    },
    _url_matches_mode,
)
GET_DDNS_PROVIDERS_SCHEMA: Final = _schema(ENTRY_FIELD)
SET_REMOTE_ACCESS_USER_SCHEMA: Final = _schema(
    {
        **ENTRY_FIELD,
        vol.Optional(CONF_ENABLED): cv.boolean,
        vol.Optional(CONF_PORT): vol.All(vol.Coerce(int), _port),
        vol.Optional(CONF_USERNAME): _text(CONF_USERNAME, allow_empty=False),
        vol.Required(CONF_PASSWORD): _text(CONF_PASSWORD, allow_empty=False),
    }
)


# --- checks against what the integration knows of the box -----------------------------------

# Service fields and the DDNSInfo fields that keep the box's value when they are left out.
_DDNS_FIELDS: Final = {
    CONF_ENABLED: "enabled",
    ATTR_PROVIDER: "provider_name",
    CONF_DOMAIN: "domain",
    CONF_MODE: "mode",
    ATTR_UPDATE_URL: "update_url",
    ATTR_SERVER_IPV4: "server_ipv4",
    ATTR_SERVER_IPV6: "server_ipv6",
    CONF_USERNAME: "username",
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
        coordinator.ddns_providers = await async_box_call(
            coordinator, coordinator.client.get_ddns_providers, right=Right.SETTINGS
        )
    return coordinator.ddns_providers


def _check_mode_offered(capabilities: Capabilities, mode: DDNSMode) -> None:
    """Firmware before 2022 lacks ``ddns_together``; the SCPD (read at set-up) tells."""
    offered: set[DDNSMode] = set()
    for value in capabilities.mode_values:
        try:
            offered.add(DDNSMode.from_box(value))
        except TR064Error:  # a spelling we do not know offers nothing we could send
            continue
    if offered and mode not in offered:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="ddns_mode_not_offered",
            translation_placeholders={
                "mode": mode,
                "modes": ", ".join(sorted(offered)),
            },
        )


def _find_provider(providers: tuple[DDNSProvider, ...], name: str) -> DDNSProvider:
    """Look the name up in the box's list; a different case is forgiven."""
    for provider in providers:
        if provider.name == name:
            return provider
    matches = [provider for provider in providers if provider.name.casefold() == name.casefold()]
    if len(matches) == 1:
        return matches[0]
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="ddns_provider_unknown",
        translation_placeholders={
            "provider": name,
            "providers": ", ".join(provider.name for provider in providers),
        },
    )


def is_user_defined(provider: DDNSProvider) -> bool:
    """Tell the user-defined entry: localised name (``Benutzerdefiniert``), no info URL.

    Its name cannot be matched in every language, but it is the one entry without a
    provider behind it, so without an info URL.
    """
    return not provider.info_url.strip()


async def _ddns_settings(
    coordinator: FritzRemoteAccessCoordinator, data: Mapping[str, Any], current: DDNSInfo
) -> DDNSInfo:
    """Return ``current`` with the given fields, checked; the provider spelt as the box lists it.

    What needs no provider list is checked first, so only a provider check can cost a request.
    """
    settings = replace(
        current, **{attribute: data[key] for key, attribute in _DDNS_FIELDS.items() if key in data}
    )
    if settings.enabled:
        if not settings.domain:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="ddns_domain_required"
            )
        if settings.update_url:
            _check_url_count(settings.update_url, settings.mode)
    if not settings.enabled and ATTR_PROVIDER not in data:
        return settings  # switching off checks nothing about the target
    provider = _find_provider(await _providers(coordinator), settings.provider_name)
    if settings.enabled and not settings.update_url and is_user_defined(provider):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="update_url_required",
            translation_placeholders={"provider": provider.name},
        )
    return replace(settings, provider_name=provider.name)


def _remote_access_settings(
    data: Mapping[str, Any], current: RemoteAccessInfo
) -> tuple[bool, int, str]:
    """Return switch, port and user, given or kept from ``current``; the box needs user and port."""
    username: str = data.get(CONF_USERNAME, current.username)
    if not username:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="remote_access_username_missing"
        )
    port: int = data.get(CONF_PORT, current.port)
    if not port:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="remote_access_port_missing"
        )
    return data.get(CONF_ENABLED, current.enabled), port, username


# --- the actions ---------------------------------------------------------------------------


async def _async_set_ddns_config(call: ServiceCall) -> None:
    """SetDDNSConfig; left-out fields keep what GetDDNSInfo reports right before the write."""
    coordinator = _coordinator(call)
    client = coordinator.client
    data = call.data
    if CONF_MODE in data:
        _check_mode_offered(coordinator.capabilities, data[CONF_MODE])
    await _ddns_settings(coordinator, data, coordinator.data.ddns)
    current = await async_box_call(coordinator, client.get_ddns_info, right=Right.APP)
    settings = await _ddns_settings(coordinator, data, current)
    await async_box_call(
        coordinator,
        lambda: client.set_ddns_config(
            enabled=settings.enabled,
            provider_name=settings.provider_name,
            update_url=settings.update_url,
            server_ipv4=settings.server_ipv4,
            server_ipv6=settings.server_ipv6,
            domain=settings.domain,
            username=settings.username,
            password=data[CONF_PASSWORD],
            mode=settings.mode,
        ),
        right=Right.SETTINGS,
    )
    await coordinator.async_refresh()


async def _async_get_ddns_providers(call: ServiceCall) -> ServiceResponse:
    """GetDDNSProviders, as the box lists them; kept for the checks of ``set_ddns_config``."""
    coordinator = _coordinator(call)
    providers = await async_box_call(
        coordinator, coordinator.client.get_ddns_providers, right=Right.SETTINGS
    )
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
    _remote_access_settings(data, coordinator.data.remote_access)
    current = await async_box_call(coordinator, client.get_info, right=Right.APP)
    enabled, port, username = _remote_access_settings(data, current)
    # GetInfo names the user who has configuration rights from the internet already: for
    # that name, 820 can only mean the password.
    meaning_820 = PASSWORD_REJECTED if username == current.username else USER_REJECTED
    await async_box_call(
        coordinator,
        lambda: client.set_config(enabled=enabled, port=port, username=username, password=password),
        right=Right.SETTINGS,
        upnp_keys={UPNP_INVALID_ARGS: PORT_REJECTED, UPNP_INTERNAL_ERROR: meaning_820},
        placeholders={"port": str(port), "username": username},
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
