"""Fix flow of the certificate issue: show the box's new certificate, pin it once confirmed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from homeassistant.components.repairs import RepairsFlow

from .const import (
    CONF_FINGERPRINT,
    FIX_DATA_ENTRY_ID,
    FIX_DATA_FINGERPRINT,
    FIX_DATA_PINNED,
    ISSUE_CERTIFICATE_MISMATCH,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    # Only a type: Home Assistant 2026.3 (the oldest supported) does not export it.
    from homeassistant.components.repairs import RepairsFlowResult
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant
    import probatio as vol
else:
    # Home Assistant 2026.10 aliases voluptuous to probatio; older releases ship voluptuous.
    import voluptuous as vol

type IssueData = dict[str, str | int | float | None]


def display_fingerprint(fingerprint: str) -> str:
    """``AB:CD:…``, the way browsers and certificate viewers show a SHA-256 fingerprint."""
    return ":".join(fingerprint[i : i + 2] for i in range(0, len(fingerprint), 2)).upper()


class CertificateMismatchRepairFlow(RepairsFlow):
    """Pin the certificate the box presents now, then reload the entry."""

    def __init__(self, data: IssueData | None) -> None:
        """Keep what the coordinator recorded when the box refused our pinned certificate."""
        data = data or {}
        self._entry_id = data.get(FIX_DATA_ENTRY_ID)
        self._fingerprint = data.get(FIX_DATA_FINGERPRINT)
        self._pinned = data.get(FIX_DATA_PINNED)

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Go straight to the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show the new fingerprint; on confirmation pin it and reload the entry."""
        entry = self._entry()
        if entry is None or not isinstance(self._fingerprint, str):
            # The entry was removed or pins another certificate by now (reconfigured).
            return self.async_abort(reason="outdated")
        if user_input is not None:
            self.hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_FINGERPRINT: self._fingerprint}
            )
            # Reload after the flow has finished: the flow manager deletes the issue then,
            # and must not delete one the new set-up might raise.
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={
                "title": entry.title,
                "fingerprint": display_fingerprint(self._fingerprint),
            },
        )

    def _entry(self) -> ConfigEntry | None:
        """Return the entry while it still pins the certificate the box refused."""
        if not isinstance(self._entry_id, str):
            return None
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or entry.data.get(CONF_FINGERPRINT) != self._pinned:
            return None
        return entry


# Issue kind (the issue id without the entry id) -> its fix flow.
FIX_FLOWS: Final[dict[str, Callable[[IssueData | None], RepairsFlow]]] = {
    ISSUE_CERTIFICATE_MISMATCH: CertificateMismatchRepairFlow,
}


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: IssueData | None
) -> RepairsFlow:
    """Create the fix flow of a fixable issue."""
    kind = issue_id.rpartition("_")[0]
    if (flow := FIX_FLOWS.get(kind)) is None:
        raise ValueError(f"No fix flow for issue {issue_id}")
    return flow(data)
