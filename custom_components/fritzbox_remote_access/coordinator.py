"""Polls the box: one GetInfo and one GetDDNSInfo every 30 seconds, nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
)
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import (
    CONF_FINGERPRINT,
    CONF_USE_TLS,
    DOMAIN,
    FIX_DATA_ENTRY_ID,
    FIX_DATA_FINGERPRINT,
    FIX_DATA_PINNED,
    ISSUE_CERTIFICATE_MISMATCH,
    ISSUE_INSUFFICIENT_RIGHTS,
    LOGGER,
    SCAN_INTERVAL,
)
from .errors import ha_error
from .guard import box_guard
from .tr064 import (
    DEFAULT_TIMEOUT,
    BoxInfo,
    Capabilities,
    DDNSInfo,
    DDNSProvider,
    FritzBoxRemoteAccess,
    RemoteAccessInfo,
    TR064AuthenticationError,
    TR064CertificateMismatchError,
    TR064Error,
    TR064LoginBlockedError,
    TR064PermissionError,
)

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.core import HomeAssistant

type FritzRemoteAccessConfigEntry = ConfigEntry[FritzRemoteAccessCoordinator]


@dataclass(frozen=True, slots=True)
class FritzRemoteAccessData:
    """One poll's view of the box."""

    remote_access: RemoteAccessInfo
    ddns: DDNSInfo


def issue_id(kind: str, entry_id: str) -> str:
    """Repair issues are per entry: two boxes may have different trouble."""
    return f"{kind}_{entry_id}"


class FritzRemoteAccessCoordinator(DataUpdateCoordinator[FritzRemoteAccessData]):
    """Owns the client of one box and its latest snapshot."""

    config_entry: FritzRemoteAccessConfigEntry
    box_info: BoxInfo

    def __init__(self, hass: HomeAssistant, entry: FritzRemoteAccessConfigEntry) -> None:
        """Create the client from the entry; nothing is sent before the first refresh."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=SCAN_INTERVAL,
            always_update=False,
        )
        self.host: str = entry.data[CONF_HOST]
        self.use_tls: bool = entry.data.get(CONF_USE_TLS, False)
        self.pinned_fingerprint: str | None = entry.data.get(CONF_FINGERPRINT)
        self.client = FritzBoxRemoteAccess(
            async_get_clientsession(hass),
            self.host,
            username=entry.data[CONF_USERNAME],
            password=entry.data[CONF_PASSWORD],
            port=entry.data.get(CONF_PORT),
            use_tls=self.use_tls,
            fingerprint=self.pinned_fingerprint,
            timeout=DEFAULT_TIMEOUT,
        )
        self.guard = box_guard(hass, entry.entry_id)
        # The box's DDNS provider list, for the service actions: read on first need (or by the
        # get_ddns_providers action), then kept. Only a firmware update changes it; a reload
        # reads it again.
        self.ddns_providers: tuple[DDNSProvider, ...] | None = None

    @property
    def udn(self) -> str:
        """Root device UDN, the box's identity (the entry's unique ID)."""
        return self.client.udn

    @property
    def capabilities(self) -> Capabilities:
        """What the box's firmware offers."""
        return self.client.capabilities

    async def async_config_entry_first_refresh(self) -> None:
        """Fail set-up with the translated reason of the failed first refresh.

        Home Assistant 2026.3 raises a bare ConfigEntryNotReady, so the entry would retry
        without saying why; later versions pass the reason on themselves.
        """
        try:
            await super().async_config_entry_first_refresh()
        except ConfigEntryNotReady as err:
            cause = err.__cause__
            if (
                err.translation_key is not None
                or not isinstance(cause, HomeAssistantError)
                or cause.translation_key is None
            ):
                raise
            raise ConfigEntryNotReady(
                translation_domain=cause.translation_domain,
                translation_key=cause.translation_key,
                translation_placeholders=cause.translation_placeholders,
            ) from cause

    async def _async_setup(self) -> None:
        """Read the description and the device data once; they do not change between polls."""
        if (blocked := self.blocked_error()) is not None:
            raise blocked
        try:
            await self.client.connect()
            self.box_info = await self.client.get_device_info()
        except TR064Error as err:
            raise self._update_error(err) from err

    async def _async_update_data(self) -> FritzRemoteAccessData:
        """Fetch GetInfo and GetDDNSInfo, unless the box asked us to stay away."""
        if (blocked := self.blocked_error()) is not None:
            raise blocked
        try:
            remote_access = await self.client.get_info()
            ddns = await self.client.get_ddns_info()
        except TR064Error as err:
            raise self._update_error(err) from err
        self.guard.login_pause.reset()
        self.guard.refused_pin = None
        ir.async_delete_issue(self.hass, DOMAIN, self._issue_id(ISSUE_INSUFFICIENT_RIGHTS))
        ir.async_delete_issue(self.hass, DOMAIN, self._issue_id(ISSUE_CERTIFICATE_MISMATCH))
        return FritzRemoteAccessData(remote_access=remote_access, ddns=ddns)

    def _update_error(self, err: TR064Error) -> Exception:
        """Record the side effects of ``err`` and return what to raise."""
        if isinstance(err, TR064LoginBlockedError):
            return self.paused_error(self.guard.login_pause.start())
        if isinstance(err, TR064PermissionError):
            # No username in it: Home Assistant puts issues into diagnostics unredacted.
            self._create_issue(ISSUE_INSUFFICIENT_RIGHTS, {})
        elif isinstance(err, TR064CertificateMismatchError):
            self.reject_certificate(err)
        if isinstance(err, TR064AuthenticationError):
            return ha_error(err, self.host, error_type=ConfigEntryAuthFailed)
        return ha_error(err, self.host, error_type=UpdateFailed)

    def blocked_error(
        self, error_type: type[HomeAssistantError] = UpdateFailed
    ) -> HomeAssistantError | None:
        """Why nothing may be sent to the box now, or None when requests may go out."""
        if self.certificate_rejected():
            # Not even a TLS handshake until the user has accepted (or replaced) the certificate.
            mismatch = TR064CertificateMismatchError(None, self.pinned_fingerprint)
            return ha_error(mismatch, self.host, error_type=error_type)
        if (until := self.guard.login_pause.paused_until()) is not None:
            return self.paused_error(until, error_type)
        return None

    def certificate_rejected(self) -> bool:
        """Whether the box refused our pinned certificate and the user has not decided yet.

        The repair issue's fix flow, or a reconfiguration, pins another certificate; the block
        belongs to the old pin.
        """
        return self.guard.certificate_refused(self.pinned_fingerprint)

    def reject_certificate(self, err: TR064CertificateMismatchError) -> None:
        """Stop talking to the box and ask the user whether to trust its new certificate."""
        self.guard.refused_pin = self.pinned_fingerprint
        self._create_issue(
            ISSUE_CERTIFICATE_MISMATCH,
            {"fingerprint": err.fingerprint or "?"},
            data={
                FIX_DATA_ENTRY_ID: self.config_entry.entry_id,
                FIX_DATA_FINGERPRINT: err.fingerprint,
                FIX_DATA_PINNED: self.pinned_fingerprint,
            },
        )

    def paused_error(
        self, until: datetime, error_type: type[HomeAssistantError] = UpdateFailed
    ) -> HomeAssistantError:
        """Explain that nothing is sent to the box before ``until``."""
        return error_type(
            translation_domain=DOMAIN,
            translation_key="login_blocked_paused",
            translation_placeholders={
                "host": self.host,
                "time": dt_util.as_local(until).strftime("%H:%M"),
            },
        )

    def _issue_id(self, kind: str) -> str:
        return issue_id(kind, self.config_entry.entry_id)

    def _create_issue(
        self,
        kind: str,
        placeholders: dict[str, str],
        data: dict[str, str | int | float | None] | None = None,
    ) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._issue_id(kind),
            data=data,
            # Fixable issues carry what their fix flow needs.
            is_fixable=data is not None,
            is_persistent=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=kind,
            translation_placeholders={"title": self.config_entry.title, **placeholders},
        )
