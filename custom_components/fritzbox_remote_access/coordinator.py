"""Polls the box: GetInfo and GetDDNSInfo side by side every 30 s, GetAppRemoteInfo rarely.

What is sent when, and what a failed poll costs: docs/tr064.md.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    EVENT_HOMEASSISTANT_STOP,
)
from homeassistant.core import callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
)
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
    REACHABILITY_INTERVAL,
    SCAN_INTERVAL,
)
from .errors import ha_error
from .guard import box_guard
from .issues import create_issue, delete_issues, show_ipv4_issue
from .reachability import DNSCheckSchedule, ipv4_reach, updates_ipv4
from .tr064 import (
    DEFAULT_TIMEOUT,
    AppRemoteInfo,
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
    TR064UnsupportedError,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from datetime import datetime

    from homeassistant.core import Event, HomeAssistant

    from .reachability import DNSCheck

type FritzRemoteAccessConfigEntry = ConfigEntry[FritzRemoteAccessCoordinator]


@dataclass(frozen=True, slots=True)
class FritzRemoteAccessData:
    """One poll's view of the box."""

    remote_access: RemoteAccessInfo
    ddns: DDNSInfo
    # GetAppRemoteInfo's latest answer (read every few minutes); None without the action.
    app_remote: AppRemoteInfo | None = None


async def _read_together(reads: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Send ``reads`` at once and return their results in order, or raise the first error.

    A read refused for its login while another got through is sent once more on its own: the
    other proves the password, so the box's nonce went stale between the two.
    """
    results = await asyncio.gather(*(read() for read in reads), return_exceptions=True)
    failed = [index for index, result in enumerate(results) if isinstance(result, BaseException)]
    for index in failed:
        if not isinstance(results[index], TR064Error):
            raise results[index]
    if not failed:
        return results
    if len(failed) == len(reads) or not all(
        isinstance(results[index], TR064AuthenticationError) for index in failed
    ):
        raise results[failed[0]]
    for index in failed:
        results[index] = await reads[index]()
    return results


async def _done[T](value: T) -> T:
    """Return ``value`` as an awaitable, for ``asyncio.gather``."""
    return value


def _ddns_changed(before: DDNSInfo, after: DDNSInfo) -> bool:
    """Whether the box reports another DDNS state or setting (an update came through)."""
    return (
        before.enabled,
        before.domain,
        before.mode,
        before.status_ipv4,
        before.status_ipv6,
    ) != (after.enabled, after.domain, after.mode, after.status_ipv4, after.status_ipv6)


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
        # Whether this box and user offer GetAppRemoteInfo: known after the first refresh.
        self.app_setup = False
        self._app_remote_read: datetime | None = None
        # The DDNS name in DNS against the external addresses.
        self._dns = DNSCheckSchedule()
        # Writes waiting for a person end with the entry (unload, reload) or Home Assistant.
        self._cancel_writes: set[Callable[[], None]] = set()
        entry.async_on_unload(
            hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, self._async_cancel_writes)
        )

    @property
    def udn(self) -> str:
        """Root device UDN, the box's identity (the entry's unique ID)."""
        return self.client.udn

    @property
    def dns_check(self) -> DNSCheck | None:
        """The DDNS name's latest check; None while unknown or without external addresses."""
        return self._dns.last

    @property
    def capabilities(self) -> Capabilities:
        """What the box's firmware offers."""
        return self.client.capabilities

    @callback
    def async_on_shutdown(self, cancel: Callable[[], None]) -> Callable[[], None]:
        """Call ``cancel`` when the entry unloads or Home Assistant stops; returns a remover."""
        self._cancel_writes.add(cancel)
        return partial(self._cancel_writes.discard, cancel)

    @callback
    def _async_cancel_writes(self, _event: Event | None = None) -> None:
        for cancel in list(self._cancel_writes):
            cancel()

    async def async_shutdown(self) -> None:
        """Stop polling and end the writes that wait for confirmation."""
        self._async_cancel_writes()
        await super().async_shutdown()

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
            self.box_info = await self.client.connect_with_device_info()
        except TR064Error as err:
            raise self._update_error(err) from err
        self.app_setup = self.client.has_app_setup

    async def _async_update_data(self) -> FritzRemoteAccessData:
        """Fetch GetInfo and GetDDNSInfo, unless the box asked us to stay away.

        Both go out at once: one round trip. After a failed poll GetInfo goes first, alone, so
        a box that refuses us (503, a wrong password) hears one request per try, not two.
        GetAppRemoteInfo joins every few minutes, and after the DDNS status changed.
        """
        if (blocked := self.blocked_error()) is not None:
            raise blocked
        previous = self.data
        app_remote = previous.app_remote if previous is not None else None
        read_app_remote = self._app_remote_due()
        client = self.client
        try:
            probe = None if self.last_update_success else await client.get_info()
            reads: list[Callable[[], Awaitable[Any]]] = [
                client.get_info if probe is None else partial(_done, probe),
                client.get_ddns_info,
            ]
            if read_app_remote:
                reads.append(self._read_app_remote)
            remote_access, ddns, *read = await _read_together(reads)
            if read:
                app_remote = read[0]
            elif (
                not read_app_remote
                and self.app_setup
                and previous is not None
                and _ddns_changed(previous.ddns, ddns)
            ):
                app_remote = await self._read_app_remote()
        except TR064Error as err:
            raise self._update_error(err) from err
        self.guard.login_pause.reset()
        self.guard.refused_pin = None
        delete_issues(
            self.hass,
            self.config_entry.entry_id,
            ISSUE_INSUFFICIENT_RIGHTS,
            ISSUE_CERTIFICATE_MISMATCH,
        )
        data = FritzRemoteAccessData(remote_access=remote_access, ddns=ddns, app_remote=app_remote)
        self._update_ipv4_issue(data)
        self._schedule_dns_check(previous, data)
        return data

    # --- reachability -----------------------------------------------------------------------

    def _app_remote_due(self) -> bool:
        """GetAppRemoteInfo is read at set-up and then at most every few minutes."""
        if not self.app_setup:
            return False
        read = self._app_remote_read
        return read is None or dt_util.utcnow() - read >= REACHABILITY_INTERVAL

    async def _read_app_remote(self) -> AppRemoteInfo | None:
        """Read the external addresses; a box or user without the action stops asking."""
        try:
            info = await self.client.get_app_remote_info()
        except (TR064UnsupportedError, TR064PermissionError) as err:
            # Not this user's right, or not on this firmware: no such entities, no repair.
            LOGGER.debug("GetAppRemoteInfo is not available: %s", type(err).__name__)
            self.app_setup = False
            return None
        self._app_remote_read = dt_util.utcnow()
        return info

    def _update_ipv4_issue(self, data: FritzRemoteAccessData) -> None:
        """Explain why IPv4 cannot work while remote access or IPv4 DDNS relies on it."""
        remote = data.app_remote
        relied_on = data.remote_access.enabled or (
            data.ddns.enabled and updates_ipv4(data.ddns.mode)
        )
        address = remote.external_ipv4 if remote is not None else None
        reach = ipv4_reach(address) if remote is not None and relied_on else None
        show_ipv4_issue(self.hass, self.config_entry, reach, address)

    def _schedule_dns_check(
        self, previous: FritzRemoteAccessData | None, data: FritzRemoteAccessData
    ) -> None:
        """Check the DDNS name every few minutes, and soon after the box updated it."""
        changed = previous is None or (
            _ddns_changed(previous.ddns, data.ddns) or previous.app_remote != data.app_remote
        )
        if self._dns.start(data.ddns, data.app_remote, changed=changed):
            self.config_entry.async_create_task(
                self.hass, self._async_check_dns(data), f"{DOMAIN} DNS check", eager_start=False
            )

    async def _async_check_dns(self, data: FritzRemoteAccessData) -> None:
        """Resolve the DDNS name in a task of its own and show the outcome."""
        assert data.app_remote is not None  # noqa: S101 - checked by the caller
        await self._dns.run(data.ddns, data.app_remote)
        self.async_update_listeners()
        if self._dns.recheck and self.last_update_success:
            self._dns.recheck = False
            self._schedule_dns_check(None, self.data)

    def _update_error(self, err: TR064Error) -> Exception:
        """Record the side effects of ``err`` and return what to raise."""
        if isinstance(err, TR064LoginBlockedError):
            return self.paused_error(self.guard.login_pause.start())
        if isinstance(err, TR064PermissionError):
            # No username in it: Home Assistant puts issues into diagnostics unredacted.
            create_issue(self.hass, self.config_entry, ISSUE_INSUFFICIENT_RIGHTS, {})
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
        create_issue(
            self.hass,
            self.config_entry,
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
