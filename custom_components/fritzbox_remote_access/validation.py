"""Checks of service action input; each refusal is a translated ``ServiceValidationError``.

Schema errors are translated too: for a plain ``vol.Invalid`` Home Assistant would log the
call's data, password included. The rules the box applies are in docs/tr064.md.
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
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .const import DOMAIN
from .tr064 import PORT_MAX, PORT_MIN, DDNSMode, TR064Error

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from homeassistant.helpers.typing import VolDictType
    import probatio as vol

    from .tr064 import Capabilities, DDNSInfo, DDNSProvider, RemoteAccessInfo
else:
    # Home Assistant 2026.10 aliases voluptuous to probatio; older releases ship voluptuous.
    import voluptuous as vol

ATTR_PROVIDER: Final = "provider"
ATTR_UPDATE_URL: Final = "update_url"
ATTR_SERVER_IPV4: Final = "server_ipv4"
ATTR_SERVER_IPV6: Final = "server_ipv6"

# Box fields are single-line text; XML cannot carry most control characters at all.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]")
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_HOST_THEN_PATH = re.compile(r"^[^/?#]+/")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_MAX_HOST_NAME = 253
_BOTH_URLS = 2

# URLs and <tag>-like words reach the texts as placeholders: hassfest refuses them in strings.
URL_SCHEME_PLACEHOLDERS: Final = {"https": "https://", "http": "http://"}
INVALID_UPDATE_URL_PLACEHOLDERS: Final = {
    **URL_SCHEME_PLACEHOLDERS,
    "example_url": "https://ddns.example.org/update",
}


def invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """Return the translated refusal ``key`` of our ``exceptions`` texts."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


# --- checks of one field ---------------------------------------------------------------------


def _text(field: str, *, allow_empty: bool = True) -> Callable[[Any], str]:
    """Accept single-line text the box can take."""

    def validate(value: Any) -> str:
        text: str = cv.string(value)
        if _CONTROL_CHARACTERS.search(text):
            raise invalid("field_control_characters", field=field)
        if not allow_empty and not text:
            raise invalid("field_empty", field=field)
        return text

    return validate


def _port(value: int) -> int:
    if not PORT_MIN <= value <= PORT_MAX:
        raise invalid("invalid_port", port=str(value))
    return value


def _mode(value: Any) -> DDNSMode:
    """Take the box's spellings of a mode, ``ddns_both_together`` among them."""
    text = cv.string(value).strip().lower()
    try:
        return DDNSMode.from_user(text)
    except ValueError:
        raise invalid("invalid_ddns_mode", mode=text, modes=", ".join(DDNSMode)) from None


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
        raise invalid("invalid_ddns_domain", domain=domain)
    return domain


def is_update_url(url: str) -> bool:
    """Accept what the box takes as one update URL.

    ``https://`` means TLS, ``http://`` or no scheme plain HTTP; another scheme is a mistake.
    The box needs a path after the host; placeholders such as ``<ipaddr>`` are its business.
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
        raise invalid("invalid_update_url", **INVALID_UPDATE_URL_PLACEHOLDERS)
    return url


def check_url_count(url: str, mode: DDNSMode) -> None:
    """``ddns_both`` updates IPv4 and IPv6 separately: one URL each, and only then two."""
    two = len(url.split(" ")) == _BOTH_URLS
    if mode is DDNSMode.BOTH and not two:
        raise invalid("update_url_needs_two", mode=mode)
    if mode is not DDNSMode.BOTH and two:
        raise invalid("update_url_needs_one", mode=mode)


def _url_matches_mode(data: dict[str, Any]) -> None:
    if data.get(ATTR_UPDATE_URL) and CONF_MODE in data:
        check_url_count(data[ATTR_UPDATE_URL], data[CONF_MODE])


# --- schemas ---------------------------------------------------------------------------------


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
    field = ".".join(str(part) for part in first.path)
    if isinstance(first, vol.RequiredFieldInvalid):
        return invalid("field_required", field=field)
    if first.path and str(first.path[0]) not in known:
        return invalid("field_unknown", field=field)
    return invalid("field_invalid", field=field)


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


# --- checks of the resulting settings --------------------------------------------------------

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


def check_mode_offered(capabilities: Capabilities, mode: DDNSMode) -> None:
    """Firmware before 2022 lacks ``ddns_together``; the SCPD (read at set-up) tells."""
    offered: set[DDNSMode] = set()
    for value in capabilities.mode_values:
        try:
            offered.add(DDNSMode.from_box(value))
        except TR064Error:  # a spelling we do not know offers nothing we could send
            continue
    if offered and mode not in offered:
        raise invalid("ddns_mode_not_offered", mode=mode, modes=", ".join(sorted(offered)))


def merge_ddns_settings(data: Mapping[str, Any], current: DDNSInfo) -> DDNSInfo:
    """Return ``current`` with the given fields; refuse what the box would refuse."""
    settings = replace(
        current, **{attribute: data[key] for key, attribute in _DDNS_FIELDS.items() if key in data}
    )
    if settings.enabled:
        if not settings.domain:
            raise invalid("ddns_domain_required")
        if settings.update_url:
            check_url_count(settings.update_url, settings.mode)
    return settings


def provider_matters(settings: DDNSInfo, data: Mapping[str, Any]) -> bool:
    """Switching off without naming a provider checks nothing about the target."""
    return settings.enabled or ATTR_PROVIDER in data


def find_provider(providers: tuple[DDNSProvider, ...], name: str) -> DDNSProvider:
    """Look the name up in the box's list; a different case is forgiven."""
    for provider in providers:
        if provider.name == name:
            return provider
    matches = [provider for provider in providers if provider.name.casefold() == name.casefold()]
    if len(matches) == 1:
        return matches[0]
    raise invalid(
        "ddns_provider_unknown",
        provider=name,
        providers=", ".join(provider.name for provider in providers),
    )


def is_user_defined(provider: DDNSProvider) -> bool:
    """Tell the user-defined entry: the one without a provider behind it, so no info URL.

    Its name is localised (``Benutzerdefiniert`` on German boxes), so it cannot be matched.
    """
    return not provider.info_url.strip()


def check_provider(settings: DDNSInfo, provider: DDNSProvider) -> DDNSInfo:
    """Return ``settings`` with the provider spelt as the box lists it."""
    if settings.enabled and not settings.update_url and is_user_defined(provider):
        raise invalid("update_url_required", provider=provider.name)
    return replace(settings, provider_name=provider.name)


def remote_access_settings(
    data: Mapping[str, Any], current: RemoteAccessInfo
) -> tuple[bool, int, str]:
    """Return switch, port and user, given or kept from ``current``; the box needs user and port."""
    username: str = data.get(CONF_USERNAME, current.username)
    if not username:
        raise invalid("remote_access_username_missing")
    port: int = data.get(CONF_PORT, current.port)
    if not port:
        raise invalid("remote_access_port_missing")
    return data.get(CONF_ENABLED, current.enabled), port, username
