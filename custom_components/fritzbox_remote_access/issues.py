"""The repair issues of an entry: missing rights, a changed certificate, unreachable IPv4."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from homeassistant.core import callback
from homeassistant.helpers import issue_registry as ir

from .const import (
    DOMAIN,
    ISSUE_CERTIFICATE_MISMATCH,
    ISSUE_INSUFFICIENT_RIGHTS,
    ISSUE_IPV4_CGNAT,
    ISSUE_IPV4_NO_ADDRESS,
    ISSUE_IPV4_PRIVATE,
)
from .reachability import IPv4Reach

if TYPE_CHECKING:
    from ipaddress import IPv4Address

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

IPV4_ISSUES: Final = {
    IPv4Reach.NO_ADDRESS: ISSUE_IPV4_NO_ADDRESS,
    IPv4Reach.CGNAT: ISSUE_IPV4_CGNAT,
    IPv4Reach.PRIVATE: ISSUE_IPV4_PRIVATE,
}
ENTRY_ISSUES: Final = (ISSUE_INSUFFICIENT_RIGHTS, ISSUE_CERTIFICATE_MISMATCH, *IPV4_ISSUES.values())


def issue_id(kind: str, entry_id: str) -> str:
    """Repair issues are per entry: two boxes may have different trouble."""
    return f"{kind}_{entry_id}"


@callback
def create_issue(
    hass: HomeAssistant,
    entry: ConfigEntry,
    kind: str,
    placeholders: dict[str, str],
    *,
    data: dict[str, str | int | float | None] | None = None,
    severity: ir.IssueSeverity = ir.IssueSeverity.ERROR,
) -> None:
    """Raise ``kind`` for ``entry``; fixable issues carry what their fix flow needs."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(kind, entry.entry_id),
        data=data,
        is_fixable=data is not None,
        is_persistent=False,
        severity=severity,
        translation_key=kind,
        translation_placeholders={"title": entry.title, **placeholders},
    )


@callback
def delete_issues(hass: HomeAssistant, entry_id: str, *kinds: str) -> None:
    """Remove the entry's issues of ``kinds``; missing ones are fine."""
    for kind in kinds:
        ir.async_delete_issue(hass, DOMAIN, issue_id(kind, entry_id))


@callback
def show_ipv4_issue(
    hass: HomeAssistant, entry: ConfigEntry, reach: IPv4Reach | None, address: IPv4Address | None
) -> None:
    """Show the IPv4 issue for ``reach`` (None: not relied on) and remove the other two."""
    wanted = IPV4_ISSUES.get(reach) if reach is not None else None
    delete_issues(hass, entry.entry_id, *(kind for kind in IPV4_ISSUES.values() if kind != wanted))
    if wanted is not None:
        create_issue(
            hass,
            entry,
            wanted,
            {"address": str(address or "")},
            severity=ir.IssueSeverity.WARNING,
        )
