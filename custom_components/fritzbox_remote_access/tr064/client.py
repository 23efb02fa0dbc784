"""The box's remote-access actions over TR-064; see docs/client.md for the design."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from .const import (
    ACTION_GET_APP_REMOTE_INFO,
    ACTION_GET_DDNS_INFO,
    ACTION_GET_DDNS_PROVIDERS,
    ACTION_GET_INFO,
    ACTION_SET_CONFIG,
    ACTION_SET_DDNS_CONFIG,
    ACTION_SET_ENABLE,
    ACTION_SET_LETS_ENCRYPT_ENABLE,
    DEFAULT_REMOTE_ACCESS_SCPD_URL,
    DEFAULT_TIMEOUT,
    DESCRIPTION_PATH,
    PORT_MAX,
    SERVICE_APP_SETUP,
    SERVICE_AUTH,
    SERVICE_DEVICE_INFO,
    SERVICE_REMOTE_ACCESS,
    UPNP_ARGUMENT_VALUE_INVALID,
)
from .description import (
    DeviceDescription,
    ServiceInfo,
    client_services,
    parse_device_description,
    parse_scpd,
    remote_access_capabilities,
)
from .exceptions import TR064InvalidArgumentError, TR064UnsupportedError
from .models import (
    AppRemoteInfo,
    BoxInfo,
    Capabilities,
    DDNSInfo,
    DDNSMode,
    DDNSProvider,
    RemoteAccessInfo,
    RequestStats,
    app_remote_info_from,
    box_info_from,
    ddns_info_from,
    parse_int,
    remote_access_info_from,
    required,
)
from .second_factor import SecondFactor
from .soap import build_envelope, is_xml_safe, no_answer, provider_list_from, soap_bool
from .transport import SoapRequest, Transport

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    import aiohttp

    from .models import Confirmation


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
        self._second_factor = SecondFactor(self._call)

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
        services = client_services(description)
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
        self._capabilities = remote_access_capabilities(scpd)
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
        return await self._call(
            SERVICE_REMOTE_ACCESS, ACTION_GET_DDNS_PROVIDERS, provider_list_from
        )

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
            no_answer,
            {
                "NewEnabled": soap_bool(enabled),
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
            no_answer,
            {
                "NewEnabled": soap_bool(enabled),
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
            {"NewEnabled": soap_bool(enabled)},
            confirmation=confirmation,
        )

    async def set_lets_encrypt_enable(
        self, enabled: bool, *, confirmation: Confirmation | None = None
    ) -> None:
        """Switch Let's Encrypt; unsupported on firmware without it."""
        await self._write(
            ACTION_SET_LETS_ENCRYPT_ENABLE,
            no_answer,
            {"NewLetsEncryptEnabled": soap_bool(enabled)},
            confirmation=confirmation,
        )

    # --- X_AVM-DE_Auth ----------------------------------------------------------------------

    async def second_factor_enabled(self) -> bool | None:
        """Whether the box asks for confirmations at all; None if it has no X_AVM-DE_Auth."""
        await self.connect()
        if SERVICE_AUTH not in self._services:
            return None
        return await self._second_factor.enabled()

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

        def send(token: str | None) -> Awaitable[T]:
            return self._call(
                SERVICE_REMOTE_ACCESS,
                action,
                convert,
                arguments,
                secrets=secrets if token is None else (*secrets, token),
                token=token,
            )

        return await self._second_factor.write(
            action, send, confirmation, lambda: SERVICE_AUTH in self._services
        )


def _returned_port(values: dict[str, str]) -> int:
    return parse_int(required(values, "NewPort"), "NewPort", PORT_MAX)
