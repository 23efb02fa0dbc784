"""Diagnostics: what the entry, the box and the client know, without secrets.

Diagnostics end up in public bug reports: credentials, the DDNS domain and update URL (it can
carry credentials), the MyFRITZ! name and the external addresses are redacted, the serial number
and the UDN are cut short.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .coordinator import FritzRemoteAccessConfigEntry, FritzRemoteAccessCoordinator
    from .tr064 import Capabilities

TO_REDACT: Final = {
    CONF_PASSWORD,
    CONF_USERNAME,  # entry login, remote access user and DDNS account alike
    "domain",
    "update_url",
    "ddns_domain",
    "myfritz_name",
    "external_ipv4",
    "external_ipv6",
}

# Enough to tell boxes apart in a report, too little to identify one.
SERIAL_KEEP: Final = 4
UDN_PREFIX: Final = "uuid:"
UDN_KEEP: Final = 8


def mask(value: str, keep: int) -> str:
    """Keep the first ``keep`` characters, star the rest (same length)."""
    return value[:keep] + "*" * (len(value) - keep)


def mask_udn(udn: str) -> str:
    """Keep ``uuid:`` and the first 8 characters of the UUID; its last group holds the MAC."""
    prefix = UDN_PREFIX if udn.startswith(UDN_PREFIX) else ""
    return prefix + mask(udn.removeprefix(prefix), UDN_KEEP)


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: FritzRemoteAccessConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    diagnostics: dict[str, Any] = {
        "entry": {
            "title": entry.title,
            "unique_id": mask_udn(entry.unique_id or ""),
            "state": entry.state.value,
            "reason": entry.reason,
            "data": async_redact_data(entry.data, TO_REDACT),
        },
    }
    # Before a successful set-up (e.g. retrying, or refusing a certificate) there is no
    # coordinator; the entry part still helps.
    if entry.state is ConfigEntryState.LOADED:
        diagnostics.update(_coordinator_diagnostics(entry.runtime_data))
    return diagnostics


def _coordinator_diagnostics(coordinator: FritzRemoteAccessCoordinator) -> dict[str, Any]:
    device = asdict(coordinator.box_info)
    device["serial_number"] = mask(coordinator.box_info.serial_number, SERIAL_KEEP)
    stats = coordinator.client.stats
    last_error = coordinator.last_exception
    return {
        "device": {"udn": mask_udn(coordinator.udn), **device},
        "capabilities": _capabilities(coordinator.capabilities),
        "coordinator": {
            "last_update_success": coordinator.last_update_success,
            "last_error": None
            if last_error is None
            else {
                "type": type(last_error).__name__,
                "translation_key": getattr(last_error, "translation_key", None),
            },
            "login_paused_until": coordinator.guard.login_pause.paused_until(),
            "certificate_rejected": coordinator.certificate_rejected(),
            "app_setup": coordinator.app_setup,
            "dns_check": None if (check := coordinator.dns_check) is None else check.result,
        },
        "data": async_redact_data(asdict(coordinator.data), TO_REDACT),
        "client": {"requests": stats.requests, "failures": stats.failures},
    }


def _capabilities(capabilities: Capabilities) -> dict[str, Any]:
    return {
        # Firmware before about FRITZ!OS 7.3 has no Let's Encrypt in this service.
        "profile": "modern" if capabilities.lets_encrypt else "legacy",
        "actions": sorted(capabilities.actions),
        "mode_values": list(capabilities.mode_values),
    }
