"""The box's remote-access actions over TR-064; see docs/client.md for the design."""

from __future__ import annotations

import asyncio
from dataclasses import replace
import logging
from typing import TYPE_CHECKING

from .const import (
    ACTION_GET_APP_REMOTE_INFO,
    ACTION_GET_DDNS_INFO,
    ACTION_GET_DDNS_PROVIDERS,
    ACTION_GET_INFO,
    ACTION_GET_STATE,
    ACTION_SET_CONFIG,
    ACTION_SET_DDNS_CONFIG,
    ACTION_SET_ENABLE,
    ACTION_SET_LETS_ENCRYPT_ENABLE,
    ARG_MODE,
    AUTH_POLL_INTERVAL,
    AUTH_STOP_TIMEOUT,
    DEFAULT_APP_SETUP_CONTROL_URL,
    DEFAULT_AUTH_CONTROL_URL,
    DEFAULT_DEVICE_INFO_CONTROL_URL,
    DEFAULT_REMOTE_ACCESS_CONTROL_URL,
    DEFAULT_REMOTE_ACCESS_SCPD_URL,
    DEFAULT_TIMEOUT,
    DESCRIPTION_PATH,
    PORT_MAX,
    SERVICE_APP_SETUP,
    SERVICE_AUTH,
    SERVICE_DEVICE_INFO,
    SERVICE_REMOTE_ACCESS,
    STATE_VARIABLE_MODE,
    UPNP_ARGUMENT_VALUE_INVALID,
    UPNP_SECOND_FACTOR_BLOCKED,
    UPNP_SECOND_FACTOR_BUSY,
)
from .description import DeviceDescription, ServiceInfo, parse_device_description, parse_scpd
from .exceptions import (
    TR064Error,
    TR064InvalidArgumentError,
    TR064MalformedResponseError,
    TR064SecondFactorBlockedError,
    TR064SecondFactorBusyError,
    TR064SecondFactorError,
    TR064SecondFactorFailedError,
    TR064SecondFactorRequiredError,
    TR064SecondFactorTimeoutError,
    TR064UnsupportedError,
)
from .models import (
    AppRemoteInfo,
    AuthState,
    BoxInfo,
    Capabilities,
    DDNSInfo,
    DDNSMode,
    DDNSProvider,
    RemoteAccessInfo,
    RequestStats,
    SecondFactorChallenge,
    app_remote_info_from,
    auth_process_from,
    auth_state_from,
    box_info_from,
    ddns_info_from,
    parse_bool,
    parse_int,
    remote_access_info_from,
    required,
)
from .soap import build_envelope, is_xml_safe, parse_provider_list
from .transport import SoapRequest, Transport

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import aiohttp

    from .models import AuthProcess, Confirmation

_LOGGER = logging.getLogger(__name__)


async def fetch_udn(
    session: aiohttp.ClientSession,
    host: str,
    *,
    port: int | None = None,
    use_tls: bool = False,
    timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a per-request limit, as in the client
    fingerprint: str | None = None,
) -> str:
    """Read the root device UDN from tr64desc.xml; needs no credentials (unique id, discovery)."""
    transport = Transport(
        session, host, port=port, use_tls=use_tls, fingerprint=fingerprint, timeout=timeout
    )
    description = await transport.get(
        DESCRIPTION_PATH, "device description", parse_device_description
    )
    return description.udn


class FritzBoxRemoteAccess:
    """Client for X_AVM-DE_RemoteAccess of one box, with DeviceInfo and the second factor."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        username: str,
        password: str,
        port: int | None = None,
        use_tls: bool = False,
        fingerprint: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Store settings; ``ValueError`` for a malformed fingerprint or a ':' in the username."""
        self._host = host
        self._username = username
        self._use_tls = use_tls
        self._transport = Transport(
            session,
            host,
            port=port,
            use_tls=use_tls,
            fingerprint=fingerprint,
            timeout=timeout,
            username=username,
            password=password,
        )
        # URL and headers of each action, made on its first call: they never change.
        self._requests: dict[tuple[str, str], SoapRequest] = {}
        self._connect_lock = asyncio.Lock()
        self._description: DeviceDescription | None = None
        # The services this client talks to, by type, with their control URLs filled in.
        self._services: dict[str, ServiceInfo] = {}
        self._capabilities: Capabilities | None = None
        self._confirming = False

    def __repr__(self) -> str:
        """Without secrets: reprs end up in logs and diagnostics."""
        return (
            f"{type(self).__name__}(host={self._host!r}, port={self.port}, "
            f"use_tls={self._use_tls}, username={self._username!r})"
        )

    # --- properties -------------------------------------------------------------------------

    @property
    def host(self) -> str:
        """Host name or address of the box."""
        return self._host

    @property
    def port(self) -> int:
        """TCP port in use (49000 plain, 49443 TLS unless given)."""
        port = self._transport.base.port
        assert port is not None  # noqa: S101 - URL.build was given one
        return port

    @property
    def use_tls(self) -> bool:
        """Whether HTTPS is used."""
        return self._use_tls

    @property
    def udn(self) -> str:
        """Root device UDN ("uuid:…"); available after connect()."""
        if self._description is None:
            raise RuntimeError("connect() first")
        return self._description.udn

    @property
    def capabilities(self) -> Capabilities:
        """What the box's RemoteAccess SCPD advertises; available after connect()."""
        if self._capabilities is None:
            raise RuntimeError("connect() first")
        return self._capabilities

    @property
    def has_app_setup(self) -> bool:
        """Whether the description lists X_AVM-DE_AppSetup; available after connect()."""
        if self._capabilities is None:
            raise RuntimeError("connect() first")
        return SERVICE_APP_SETUP in self._services

    @property
    def certificate_fingerprint(self) -> str | None:
        """SHA-256 (lowercase hex) of the box certificate: the pinned one, or the first seen."""
        return self._transport.certificate_fingerprint

    @property
    def stats(self) -> RequestStats:
        """Request and failure counters."""
        return self._transport.stats

    # --- connection -------------------------------------------------------------------------

    async def connect(self) -> None:
        """Read tr64desc.xml and the RemoteAccess SCPD; does nothing when done before."""
        if self._capabilities is not None:
            return
        async with self._connect_lock:
            if self._capabilities is None:  # another task may have connected while we waited
                await self._load_descriptions()

    async def connect_with_device_info(self) -> BoxInfo:
        """Connect and read DeviceInfo, sent while the SCPD loads: one round trip less."""
        if self._capabilities is None:
            async with self._connect_lock:
                if self._capabilities is None:
                    box_info = await self._load_descriptions(device_info=True)
                    assert box_info is not None  # noqa: S101 - asked for
                    return box_info
        return await self.get_device_info()

    async def _load_descriptions(self, *, device_info: bool = False) -> BoxInfo | None:
        description = await self._transport.get(
            DESCRIPTION_PATH, "device description", parse_device_description
        )
        remote_access = description.find_service(SERVICE_REMOTE_ACCESS)
        if remote_access is None:
            raise TR064UnsupportedError("The box has no X_AVM-DE_RemoteAccess service")
        # Other services' actions are fixed: their SCPDs would cost requests and say nothing.
        # Known from the description alone, they may be called while the SCPD loads.
        services: dict[str, ServiceInfo] = {}
        for service_type, default_control_url in (
            (SERVICE_REMOTE_ACCESS, DEFAULT_REMOTE_ACCESS_CONTROL_URL),
            (SERVICE_DEVICE_INFO, DEFAULT_DEVICE_INFO_CONTROL_URL),
            (SERVICE_AUTH, DEFAULT_AUTH_CONTROL_URL),
            (SERVICE_APP_SETUP, DEFAULT_APP_SETUP_CONTROL_URL),
        ):
            if service := description.find_service(service_type):
                services[service_type] = replace(
                    service, control_url=service.control_url or default_control_url
                )
        self._description = description
        self._services = services
        read_scpd = self._transport.get(
            remote_access.scpd_url or DEFAULT_REMOTE_ACCESS_SCPD_URL,
            "RemoteAccess SCPD",
            parse_scpd,
        )
        box_info = None
        if device_info:
            scpd, box_info = await asyncio.gather(read_scpd, self.get_device_info())
        else:
            scpd = await read_scpd
        mode_values = scpd.allowed_values(
            ACTION_SET_DDNS_CONFIG, ARG_MODE, STATE_VARIABLE_MODE
        ) or scpd.allowed_values(ACTION_GET_DDNS_INFO, ARG_MODE, STATE_VARIABLE_MODE)
        self._capabilities = Capabilities(actions=frozenset(scpd.actions), mode_values=mode_values)
        return box_info

    # --- DeviceInfo -------------------------------------------------------------------------

    async def get_device_info(self) -> BoxInfo:
        """Model, serial, firmware, hardware version and uptime (DeviceInfo GetInfo)."""
        return await self._call(SERVICE_DEVICE_INFO, ACTION_GET_INFO, box_info_from)

    # --- X_AVM-DE_RemoteAccess --------------------------------------------------------------

    async def get_info(self) -> RemoteAccessInfo:
        """Remote access state; Let's Encrypt fields are None on legacy firmware."""
        return await self._call(SERVICE_REMOTE_ACCESS, ACTION_GET_INFO, remote_access_info_from)

    async def get_ddns_info(self) -> DDNSInfo:
        """Dynamic DNS configuration and update state."""
        return await self._call(SERVICE_REMOTE_ACCESS, ACTION_GET_DDNS_INFO, ddns_info_from)

    async def get_ddns_providers(self) -> tuple[DDNSProvider, ...]:
        """List the DDNS providers the box knows; the user-defined one has a localised name."""
        return await self._call(SERVICE_REMOTE_ACCESS, ACTION_GET_DDNS_PROVIDERS, _providers)

    async def set_config(
        self,
        *,
        enabled: bool,
        port: int,
        username: str,
        password: str,
        confirmation: Confirmation | None = None,
    ) -> None:
        """Configure the remote access user (needs right C)."""
        await self._write(
            ACTION_SET_CONFIG,
            _ignore,
            {
                "NewEnabled": _bool(enabled),
                "NewPort": str(port),
                "NewUsername": username,
                "NewPassword": password,
            },
            secrets=(password,),
            confirmation=confirmation,
        )

    async def set_ddns_config(
        self,
        *,
        enabled: bool,
        provider_name: str,
        update_url: str,
        server_ipv4: str,
        server_ipv6: str,
        domain: str,
        username: str,
        password: str,
        mode: DDNSMode,
        confirmation: Confirmation | None = None,
    ) -> None:
        """Configure dynamic DNS; the mode is written in the spelling this box advertises."""
        await self.connect()
        await self._write(
            ACTION_SET_DDNS_CONFIG,
            _ignore,
            {
                "NewEnabled": _bool(enabled),
                "NewProviderName": provider_name,
                "NewUpdateURL": update_url,
                "NewServerIPv4": server_ipv4,
                "NewServerIPv6": server_ipv6,
                "NewDomain": domain,
                "NewUsername": username,
                "NewPassword": password,
                "NewMode": self._mode_spelling(mode),
            },
            secrets=(password,),
            confirmation=confirmation,
        )

    async def set_enable(self, enabled: bool, *, confirmation: Confirmation | None = None) -> int:
        """Switch remote access; returns the port the box reports (0: no user may access)."""
        return await self._write(
            ACTION_SET_ENABLE,
            _returned_port,
            {"NewEnabled": _bool(enabled)},
            confirmation=confirmation,
        )

    async def set_lets_encrypt_enable(
        self, enabled: bool, *, confirmation: Confirmation | None = None
    ) -> None:
        """Switch Let's Encrypt; unsupported on firmware without it."""
        await self._write(
            ACTION_SET_LETS_ENCRYPT_ENABLE,
            _ignore,
            {"NewLetsEncryptEnabled": _bool(enabled)},
            confirmation=confirmation,
        )

    # --- X_AVM-DE_Auth ----------------------------------------------------------------------

    async def second_factor_enabled(self) -> bool | None:
        """Whether the box asks for confirmations at all; None if it has no X_AVM-DE_Auth."""
        await self.connect()
        if SERVICE_AUTH not in self._services:
            return None
        return await self._call(SERVICE_AUTH, ACTION_GET_INFO, _enabled)

    # --- X_AVM-DE_AppSetup ------------------------------------------------------------------

    async def get_app_remote_info(self) -> AppRemoteInfo:
        """External addresses, DDNS domain and MyFRITZ! name in one request (rights C or A).

        ``TR064UnsupportedError`` on a box without it, ``TR064PermissionError`` (606) for a
        user without either right.
        """
        return await self._call(SERVICE_APP_SETUP, ACTION_GET_APP_REMOTE_INFO, app_remote_info_from)

    # --- internals --------------------------------------------------------------------------

    def _mode_spelling(self, mode: DDNSMode) -> str:
        """Write the mode in the spelling this box advertises (boxes differ)."""
        advertised = self.capabilities.mode_values
        if not advertised:
            return mode.value
        for spelling in mode.spellings:
            if spelling in advertised:
                return spelling
        raise TR064UnsupportedError(f"The box does not offer DDNS mode {mode.value}")

    async def _call[T](
        self,
        service_type: str,
        action: str,
        convert: Callable[[dict[str, str]], T],
        arguments: Mapping[str, str] | None = None,
        *,
        secrets: tuple[str, ...] = (),
        token: str | None = None,
    ) -> T:
        """Send one action of one service and convert its answer; the one request path."""
        request = self._requests.get((service_type, action))
        if request is None:
            request = await self._prepare(service_type, action)
        arguments = arguments or {}
        for name, value in arguments.items():
            if not is_xml_safe(value):
                # Same answer the box would give, without sending what it cannot read.
                raise TR064InvalidArgumentError(
                    UPNP_ARGUMENT_VALUE_INVALID,
                    f"{action}: {name} contains characters XML cannot carry",
                )
        body = build_envelope(request.service_type, action, arguments, token)
        return await self._transport.soap(request, body, convert, secrets)

    async def _prepare(self, service_type: str, action: str) -> SoapRequest:
        """Check that the box has the action; make and keep its request."""
        if service_type == SERVICE_REMOTE_ACCESS or service_type not in self._services:
            # Only RemoteAccess needs its SCPD; the others need the description only.
            await self.connect()
        service = self._services.get(service_type)
        if service is None:
            raise TR064UnsupportedError(f"The box has no {service_type.split(':')[-2]} service")
        if service_type == SERVICE_REMOTE_ACCESS and not self.capabilities.supports(action):
            raise TR064UnsupportedError(f"The box does not support {action}")
        request = self._transport.soap_request(service.service_type, service.control_url, action)
        self._requests[service_type, action] = request
        return request

    async def _write[T](
        self,
        action: str,
        convert: Callable[[dict[str, str]], T],
        arguments: Mapping[str, str],
        *,
        secrets: tuple[str, ...] = (),
        confirmation: Confirmation | None,
    ) -> T:
        """Send a RemoteAccess write; with ``confirmation``, run the second factor on 866."""
        try:
            return await self._call(
                SERVICE_REMOTE_ACCESS, action, convert, arguments, secrets=secrets
            )
        except TR064SecondFactorRequiredError:
            if confirmation is None or SERVICE_AUTH not in self._services:
                raise
        token = await self._confirm(action, confirmation)
        # The token is good for this one action; a second 866 is raised as it is.
        return await self._call(
            SERVICE_REMOTE_ACCESS,
            action,
            convert,
            arguments,
            secrets=(*secrets, token),
            token=token,
        )

    async def _confirm(self, action: str, confirmation: Confirmation) -> str:
        """Run one confirmation on the box and return its token; one at a time per client."""
        if self._confirming:
            # Starting a second process would first stop the one already waiting.
            raise TR064SecondFactorBusyError(
                UPNP_SECOND_FACTOR_BUSY, f"{action}: a confirmation is already waiting"
            )
        self._confirming = True
        try:
            return await self._run_confirmation(action, confirmation)
        finally:
            self._confirming = False

    async def _run_confirmation(self, action: str, confirmation: Confirmation) -> str:
        # A process left over (ours, lost) would make the box answer 868 to the start.
        await self._stop_confirmation()
        process = await self._call(
            SERVICE_AUTH, ACTION_SET_CONFIG, auth_process_from, {"NewAction": "start"}
        )
        _LOGGER.debug("%s: confirmation started: %r", action, process)
        try:
            async with asyncio.timeout(confirmation.timeout):
                await self._await_confirmation(action, process, confirmation)
        except TimeoutError:
            await self._stop_confirmation()
            raise TR064SecondFactorTimeoutError(
                f"{action}: not confirmed on the box within {confirmation.timeout:g} s"
            ) from None
        except BaseException:  # cancelled, refused by the box, or the callback failed
            await self._stop_confirmation()
            raise
        return process.token

    async def _await_confirmation(
        self, action: str, process: AuthProcess, confirmation: Confirmation
    ) -> None:
        """Tell the caller what to do, then ask the box every 2 s until it is decided."""
        state = process.state
        if state is AuthState.WAITING:
            if not process.token:
                raise TR064MalformedResponseError("SetConfig(start) answered no token")
            confirmation.on_challenge(
                SecondFactorChallenge(
                    action=action,
                    methods=process.methods,
                    phone_code=process.phone_code,
                    timeout=confirmation.timeout,
                )
            )
        while state is AuthState.WAITING:
            await asyncio.sleep(AUTH_POLL_INTERVAL)
            state = await self._call(
                SERVICE_AUTH,
                ACTION_GET_STATE,
                auth_state_from,
                token=process.token,
                secrets=(process.token,),
            )
        if state is not AuthState.AUTHENTICATED:
            raise _state_error(action, state)

    async def _stop_confirmation(self) -> None:
        """End this user's confirmation process on the box; best effort, bounded."""
        try:
            async with asyncio.timeout(AUTH_STOP_TIMEOUT):
                await self._call(SERVICE_AUTH, ACTION_SET_CONFIG, _ignore, {"NewAction": "stop"})
        except (TR064Error, TimeoutError) as err:
            _LOGGER.debug("Stopping the confirmation failed: %s", type(err).__name__)


def _state_error(action: str, state: AuthState) -> TR064SecondFactorError:
    """Return the error for a confirmation that ended unconfirmed."""
    text = f"{action}: the box ended the confirmation ({state})"
    if state is AuthState.BLOCKED:
        return TR064SecondFactorBlockedError(UPNP_SECOND_FACTOR_BLOCKED, text)
    if state is AuthState.ANOTHER_PROCESS:
        return TR064SecondFactorBusyError(UPNP_SECOND_FACTOR_BUSY, text)
    return TR064SecondFactorFailedError(text)


def _bool(value: bool) -> str:
    return "1" if value else "0"


def _ignore(_values: dict[str, str]) -> None:
    """Setters return nothing worth reading."""


def _enabled(values: dict[str, str]) -> bool:
    return parse_bool(required(values, "NewEnabled"), "NewEnabled")


def _providers(values: dict[str, str]) -> tuple[DDNSProvider, ...]:
    return parse_provider_list(required(values, "NewProviderList"))


def _returned_port(values: dict[str, str]) -> int:
    return parse_int(required(values, "NewPort"), "NewPort", PORT_MAX)
