"""The one place where client errors become Home Assistant errors and config flow error keys.

It knows nothing of the coordinator, so a box problem reads the same wherever it surfaces.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Final

from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN
from .tr064 import (
    TR064AuthenticationError,
    TR064CertificateMismatchError,
    TR064ConnectionError,
    TR064Error,
    TR064InvalidArgumentError,
    TR064LoginBlockedError,
    TR064MalformedResponseError,
    TR064PermissionError,
    TR064SecondFactorBlockedError,
    TR064SecondFactorBusyError,
    TR064SecondFactorFailedError,
    TR064SecondFactorRequiredError,
    TR064SecondFactorTimeoutError,
    TR064UnsupportedError,
    TR064UPnPError,
)

if TYPE_CHECKING:
    from collections.abc import Mapping


class Right(StrEnum):
    """The FRITZ!Box user right an action needs (see docs/tr064.md)."""

    # "Restricted FRITZ!Box settings for apps": the least that reads the settings and that
    # switches Let's Encrypt.
    APP = "app"
    # "FRITZ!Box settings": needed to switch remote access itself.
    SETTINGS = "settings"


_PERMISSION_KEYS: Final[dict[Right, str]] = {
    Right.APP: "insufficient_rights_app",
    Right.SETTINGS: "insufficient_rights_settings",
}

# Checked in order: subclasses before their bases.
_ERROR_KEYS: Final[tuple[tuple[type[TR064Error], str], ...]] = (
    (TR064SecondFactorTimeoutError, "confirmation_timeout"),
    (TR064SecondFactorBlockedError, "confirmation_blocked"),
    (TR064SecondFactorBusyError, "confirmation_busy"),
    (TR064SecondFactorFailedError, "confirmation_failed"),
    (TR064SecondFactorRequiredError, "confirmation_required"),
    (TR064CertificateMismatchError, "certificate_mismatch"),
    (TR064ConnectionError, "cannot_connect"),
    (TR064AuthenticationError, "invalid_auth"),
    (TR064LoginBlockedError, "login_blocked"),
    (TR064UnsupportedError, "tr064_disabled"),
    (TR064MalformedResponseError, "malformed_response"),
    (TR064InvalidArgumentError, "invalid_argument"),
    (TR064UPnPError, "action_failed"),
)
UNKNOWN_ERROR_KEY: Final = "unknown_error"

_FLOW_ERRORS: Final[tuple[tuple[type[TR064Error], str], ...]] = (
    (TR064CertificateMismatchError, "certificate_changed"),
    (TR064ConnectionError, "cannot_connect"),
    (TR064AuthenticationError, "invalid_auth"),
    (TR064PermissionError, "insufficient_rights"),
    (TR064LoginBlockedError, "login_blocked"),
    (TR064UnsupportedError, "tr064_disabled"),
)
FLOW_UNKNOWN_ERROR: Final = "unknown"


def error_translation_key(err: TR064Error, right: Right = Right.APP) -> str:
    """Return the key under ``exceptions`` in the translations that describes ``err``."""
    if isinstance(err, TR064PermissionError):
        return _PERMISSION_KEYS[right]
    for error_type, key in _ERROR_KEYS:
        if isinstance(err, error_type):
            return key
    return UNKNOWN_ERROR_KEY


def error_placeholders(err: TR064Error, host: str) -> dict[str, str]:
    """Return the placeholders every exception message may use."""
    placeholders = {"host": host}
    if isinstance(err, TR064UPnPError):
        placeholders["code"] = str(err.code)
        placeholders["description"] = err.description
    return placeholders


def ha_error(
    err: TR064Error,
    host: str,
    *,
    right: Right = Right.APP,
    error_type: type[HomeAssistantError] = HomeAssistantError,
    upnp_keys: Mapping[int, str] | None = None,
    placeholders: Mapping[str, str] | None = None,
) -> HomeAssistantError:
    """Translate a client error into ``error_type`` with a translated message.

    ``upnp_keys`` gives UPnP codes the meaning one action documents for them (SetConfig's
    402 and 820); ``placeholders`` adds what those messages name.
    """
    key = error_translation_key(err, right)
    if upnp_keys and isinstance(err, TR064UPnPError) and err.code in upnp_keys:
        key = upnp_keys[err.code]
    return error_type(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={**error_placeholders(err, host), **(placeholders or {})},
    )


def flow_error(err: TR064Error) -> str:
    """Return the config flow error key for ``err``."""
    for error_type, key in _FLOW_ERRORS:
        if isinstance(err, error_type):
            return key
    return FLOW_UNKNOWN_ERROR
