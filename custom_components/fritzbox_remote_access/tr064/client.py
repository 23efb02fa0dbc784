"""Async client for the X_AVM-DE_RemoteAccess service of a FRITZ!Box over TR-064.

Design notes:
- The caller's ``aiohttp.ClientSession`` is used as it is; digest authentication is a middleware
  passed per request, created once, so its preemptive mode saves the 401 round trip on every poll.
- Only the RemoteAccess SCPD is read: a box lists 30+ services and reading all of them is what
  makes other clients slow and noisy. DeviceInfo's actions are fixed, its SCPD is not needed.
- Every failure becomes one of the exceptions in ``exceptions.py``; no message carries the
  password or any argument value.
- A poll is two SOAP calls, so their per-call work is kept small: URL, headers and the
  envelope's text are made once per action, a body of known length is read in one go, and
  the answer's plain shape is read without expat (``soap.py``; anything else goes to expat).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import hashlib
from http import HTTPStatus
import logging
import ssl
import time
from typing import TYPE_CHECKING, Literal

import aiohttp
from aiohttp import hdrs
from aiohttp.client_middleware_digest_auth import escape_quotes
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from .const import (
    ACTION_GET_DDNS_INFO,
    ACTION_GET_DDNS_PROVIDERS,
    ACTION_GET_INFO,
    ACTION_SET_CONFIG,
    ACTION_SET_DDNS_CONFIG,
    ACTION_SET_ENABLE,
    ACTION_SET_LETS_ENCRYPT_ENABLE,
    ARG_MODE,
    DEFAULT_DEVICE_INFO_CONTROL_URL,
    DEFAULT_PORT,
    DEFAULT_REMOTE_ACCESS_CONTROL_URL,
    DEFAULT_REMOTE_ACCESS_SCPD_URL,
    DEFAULT_TIMEOUT,
    DEFAULT_TLS_PORT,
    DESCRIPTION_PATH,
    MAX_RESPONSE_BYTES,
    READ_CHUNK_BYTES,
    SERVICE_DEVICE_INFO,
    SERVICE_REMOTE_ACCESS,
    STATE_VARIABLE_MODE,
    UPNP_ACTION_NOT_AUTHORIZED,
    UPNP_ARGUMENT_VALUE_INVALID,
    UPNP_INVALID_ACTION,
    UPNP_INVALID_ARGS,
)
from .description import (
    DeviceDescription,
    ServiceDescription,
    ServiceInfo,
    parse_device_description,
    parse_scpd,
)
from .exceptions import (
    TR064ActionFailedError,
    TR064AuthenticationError,
    TR064CertificateMismatchError,
    TR064ConnectionError,
    TR064Error,
    TR064InvalidArgumentError,
    TR064LoginBlockedError,
    TR064MalformedResponseError,
    TR064PermissionError,
    TR064UnsupportedError,
)
from .models import (
    PORT_MAX,
    Capabilities,
    DDNSInfo,
    DDNSMode,
    DDNSProvider,
    DeviceInfo,
    RemoteAccessInfo,
    RequestStats,
    ddns_info_from,
    device_info_from,
    parse_int,
    remote_access_info_from,
)
from .soap import (
    build_envelope,
    is_xml_safe,
    parse_fault,
    parse_provider_list,
    parse_response,
    soap_action_header,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from aiohttp.payload import Payload

_LOGGER = logging.getLogger(__name__)

_TOGETHER_SPELLINGS = ("ddns_together", "ddns_both_together")


def normalize_fingerprint(fingerprint: str) -> str:
    """Accept ``AB:CD:…`` or ``abcd…``; return lowercase hex of a SHA-256 digest."""
    text = fingerprint.strip().replace(":", "").lower()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise ValueError("Certificate fingerprint must be hex") from None
    if len(raw) != hashlib.sha256().digest_size:
        raise ValueError("Certificate fingerprint must be a SHA-256 digest (64 hex digits)")
    return text


def _base_url(host: str, port: int | None, use_tls: bool) -> URL:
    if port is None:
        port = DEFAULT_TLS_PORT if use_tls else DEFAULT_PORT
    return URL.build(scheme="https" if use_tls else "http", host=host, port=port)


class _CertificateRecorder(aiohttp.Fingerprint):
    """``ssl=`` value for TLS without a pinned certificate: no verification, but recording.

    aiohttp handles any ``Fingerprint`` with an unverified context (as with ``ssl=False``) and
    calls its ``check`` with the transport of every new connection, before the first request
    is sent. That is the one place where the connection's certificate is reachable for sure:
    a small response releases its connection before the caller could look at it.
    """

    def __init__(self) -> None:
        super().__init__(bytes(hashlib.sha256().digest_size))  # placeholder, never compared
        self.first_seen: str | None = None

    def check(self, transport: asyncio.Transport) -> None:
        """Record the first certificate presented; never refuse one."""
        fingerprint = _transport_fingerprint(transport)
        if self.first_seen is None and fingerprint is not None:
            self.first_seen = fingerprint


class _QuotedPairDigestAuth(aiohttp.DigestAuthMiddleware):
    """Digest auth for aiohttp 3.13 (Home Assistant 2026.3): escape the username's backslashes.

    That aiohttp escapes only the double quotes in the header's ``username="..."``, so a box
    reading it as the quoted-string it is (RFC 9110) drops the backslashes and refuses the
    login. Later versions escape both.
    """

    def __init__(self, login: str, password: str) -> None:
        super().__init__(login, password, preemptive=True)
        sent = login.replace('"', '\\"')
        meant = login.replace("\\", "\\\\").replace('"', '\\"')
        self._fix = (f'Digest username="{sent}",', f'Digest username="{meant}",')

    async def _encode(self, method: str, url: URL, body: Payload | Literal[b""]) -> str:
        header = await super()._encode(method, url, body)
        sent, meant = self._fix
        return meant + header.removeprefix(sent) if header.startswith(sent) else header


def _digest_auth(username: str, password: str) -> aiohttp.DigestAuthMiddleware:
    """Return aiohttp's digest middleware, its username escaping fixed where aiohttp lacks it."""
    if escape_quotes("\\") == "\\\\":
        return aiohttp.DigestAuthMiddleware(username, password, preemptive=True)
    return _QuotedPairDigestAuth(username, password)


def _transport_fingerprint(transport: asyncio.BaseTransport) -> str | None:
    """SHA-256 (lowercase hex) of the peer's DER certificate on a TLS transport."""
    ssl_object = transport.get_extra_info("ssl_object")
    if not isinstance(ssl_object, ssl.SSLObject | ssl.SSLSocket):
        return None
    der = ssl_object.getpeercert(binary_form=True)
    return hashlib.sha256(der).hexdigest() if der else None


async def _read_capped(response: aiohttp.ClientResponse) -> bytes:
    """Read at most MAX_RESPONSE_BYTES; a larger body is refused, not buffered."""
    length = response.content_length
    if length is not None and length > MAX_RESPONSE_BYTES:
        response.close()
        raise TR064MalformedResponseError(f"Response of {length} bytes exceeds the limit")
    if length is not None and hdrs.CONTENT_ENCODING not in response.headers:
        # aiohttp reads exactly Content-Length bytes, checked above: one read is enough.
        # A compressed body's length says nothing about its size unpacked: read in chunks.
        return await response.read()
    body = bytearray()
    async for chunk in response.content.iter_chunked(READ_CHUNK_BYTES):
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            response.close()
            raise TR064MalformedResponseError(
                f"Response exceeds the limit of {MAX_RESPONSE_BYTES} bytes"
            )
    return bytes(body)


@dataclass(frozen=True, slots=True)
class _SoapRequest:
    """What every call of one SOAP action sends alike."""

    url: URL
    headers: CIMultiDictProxy[str]
    label: str


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    body: bytes


async def _exchange(
    session: aiohttp.ClientSession,
    method: str,
    url: URL,
    *,
    client_timeout: aiohttp.ClientTimeout,
    ssl_param: bool | aiohttp.Fingerprint,
    pinned: str | None,
    headers: CIMultiDictProxy[str] | None = None,
    data: bytes | None = None,
    middlewares: tuple[aiohttp.DigestAuthMiddleware, ...] | None = None,
) -> _Reply:
    """One HTTP exchange; transport failures become TR064 exceptions."""
    try:
        async with session.request(
            method,
            url,
            headers=headers,
            data=data,
            timeout=client_timeout,
            ssl=ssl_param,
            allow_redirects=False,
            raise_for_status=False,
            middlewares=middlewares,  # None: the session's own, untouched
        ) as response:
            body = await _read_capped(response)
            return _Reply(response.status, body)
    except aiohttp.ServerFingerprintMismatch as err:
        raise TR064CertificateMismatchError(err.got.hex(), pinned) from None
    except TimeoutError as err:
        raise TR064ConnectionError(
            f"No answer from {url.host}:{url.port} within {client_timeout.total} s"
        ) from err
    except aiohttp.ClientSSLError as err:
        raise TR064ConnectionError(
            f"TLS handshake with {url.host}:{url.port} failed: {type(err).__name__}"
        ) from err
    except aiohttp.ClientError as err:
        raise TR064ConnectionError(
            f"Connection to {url.host}:{url.port} failed: {type(err).__name__}: {err}"
        ) from err


def _join(base: URL, path: str) -> URL:
    """Resolve a description URL against the box; never follow it to another host or scheme."""
    try:
        target = URL(path)
        scheme = target.scheme  # lowercased by yarl
        if scheme in ("", "http", "https"):
            if scheme or target.absolute:
                target = URL(target.raw_path_qs)
            return base.join(target)
    except ValueError:  # e.g. "http://[::1" or a port beyond 65535
        raise TR064MalformedResponseError(f"The box names an invalid URL: {path[:80]!r}") from None
    # file:, mailto: and the like: nothing an HTTP client could send a request to.
    raise TR064MalformedResponseError(f"The box names a non-HTTP URL: {path[:80]!r}")


def _check_get_status(reply: _Reply, what: str) -> bytes:
    if reply.status == HTTPStatus.OK:
        return reply.body
    if reply.status == HTTPStatus.NOT_FOUND:
        raise TR064UnsupportedError(f"The box has no {what} (HTTP 404)")
    if reply.status == HTTPStatus.SERVICE_UNAVAILABLE:
        raise TR064LoginBlockedError(f"The box refuses requests for now (HTTP 503, {what})")
    if reply.status == HTTPStatus.UNAUTHORIZED:
        raise TR064AuthenticationError(f"The box wants authentication for {what}")
    raise TR064MalformedResponseError(f"Unexpected HTTP status {reply.status} for {what}")


async def fetch_udn(
    session: aiohttp.ClientSession,
    host: str,
    *,
    port: int | None = None,
    use_tls: bool = False,
    timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a per-request limit, as in the contract
    fingerprint: str | None = None,
) -> str:
    """Read the root device UDN from tr64desc.xml; needs no credentials (unique id, discovery)."""
    pinned = normalize_fingerprint(fingerprint) if fingerprint else None
    ssl_param: bool | aiohttp.Fingerprint = True
    if use_tls:
        ssl_param = aiohttp.Fingerprint(bytes.fromhex(pinned)) if pinned else False
    reply = await _exchange(
        session,
        "GET",
        _base_url(host, port, use_tls).join(URL(DESCRIPTION_PATH)),
        client_timeout=aiohttp.ClientTimeout(total=timeout),
        ssl_param=ssl_param,
        pinned=pinned,
    )
    return parse_device_description(_check_get_status(reply, "device description")).udn


class FritzBoxRemoteAccess:
    """Client for X_AVM-DE_RemoteAccess (plus DeviceInfo GetInfo) of one box."""

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
        self._session = session
        self._host = host
        self._username = username
        self._use_tls = use_tls
        self._base = _base_url(host, port, use_tls)
        self._pinned = normalize_fingerprint(fingerprint) if fingerprint else None
        # What goes into ssl= on every request: pinned, or unverified but recording.
        self._recorder: _CertificateRecorder | None = None
        self._ssl: bool | aiohttp.Fingerprint = True
        if use_tls and self._pinned is not None:
            self._ssl = aiohttp.Fingerprint(bytes.fromhex(self._pinned))
        elif use_tls:
            self._ssl = self._recorder = _CertificateRecorder()
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        try:
            self._auth = _digest_auth(username, password)
        except ValueError:
            # The message names the username rule only; re-raise without the original.
            raise ValueError("The username must not contain ':' (HTTP digest)") from None
        self._middlewares = (self._auth,)
        # URL and headers of each SOAP action, made on its first call: they never change.
        self._requests: dict[tuple[str, str, str], _SoapRequest] = {}
        # Kept only to scrub it from texts the box sends back; never logged or shown.
        self._secrets: tuple[str, ...] = (password,) if password else ()
        self._stats = RequestStats()
        self._connect_lock = asyncio.Lock()
        self._description: DeviceDescription | None = None
        self._remote_access: ServiceInfo | None = None
        self._scpd: ServiceDescription | None = None
        self._capabilities: Capabilities | None = None

    def __repr__(self) -> str:
        """Without secrets: reprs end up in logs and diagnostics."""
        return (
            f"{type(self).__name__}(host={self._host!r}, port={self._base.port}, "
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
        port = self._base.port
        assert port is not None  # noqa: S101 - always set by _base_url
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
    def certificate_fingerprint(self) -> str | None:
        """SHA-256 (lowercase hex) of the box certificate: the pinned one, or the first seen."""
        if self._pinned is not None:
            return self._pinned
        return self._recorder.first_seen if self._recorder is not None else None

    @property
    def stats(self) -> RequestStats:
        """Request and failure counters."""
        return self._stats

    # --- connection -------------------------------------------------------------------------

    async def connect(self) -> None:
        """Read tr64desc.xml and the RemoteAccess SCPD; does nothing when done before."""
        if self._connected():
            return
        async with self._connect_lock:
            if not self._connected():  # another task may have connected while we waited
                await self._load_descriptions()

    def _connected(self) -> bool:
        return self._capabilities is not None

    async def _load_descriptions(self) -> None:
        description = await self._get(
            DESCRIPTION_PATH, "device description", parse_device_description
        )
        service = description.find_service(SERVICE_REMOTE_ACCESS)
        if service is None:
            raise TR064UnsupportedError("The box has no X_AVM-DE_RemoteAccess service")
        scpd = await self._get(
            service.scpd_url or DEFAULT_REMOTE_ACCESS_SCPD_URL, "RemoteAccess SCPD", parse_scpd
        )
        mode_values = scpd.allowed_values(
            ACTION_SET_DDNS_CONFIG, ARG_MODE, STATE_VARIABLE_MODE
        ) or scpd.allowed_values(ACTION_GET_DDNS_INFO, ARG_MODE, STATE_VARIABLE_MODE)
        self._description = description
        self._remote_access = service
        self._scpd = scpd
        self._capabilities = Capabilities(actions=frozenset(scpd.actions), mode_values=mode_values)

    # --- DeviceInfo -------------------------------------------------------------------------

    async def get_device_info(self) -> DeviceInfo:
        """Model, serial, firmware, hardware version and uptime (DeviceInfo GetInfo)."""
        await self.connect()
        assert self._description is not None  # noqa: S101 - set by connect()
        service = self._description.find_service(SERVICE_DEVICE_INFO)
        if service is None:
            raise TR064UnsupportedError("The box has no DeviceInfo service")
        return await self._soap(
            service,
            ACTION_GET_INFO,
            device_info_from,
            arguments={},
            label="DeviceInfo",
            default_control_url=DEFAULT_DEVICE_INFO_CONTROL_URL,
        )

    # --- X_AVM-DE_RemoteAccess --------------------------------------------------------------

    async def get_info(self) -> RemoteAccessInfo:
        """Remote access state; Let's Encrypt fields are None on legacy firmware."""
        return await self._remote_call(ACTION_GET_INFO, remote_access_info_from)

    async def set_config(self, *, enabled: bool, port: int, username: str, password: str) -> None:
        """Configure the remote access user (needs right C)."""
        await self._remote_call(
            ACTION_SET_CONFIG,
            _ignore,
            {
                "NewEnabled": _bool(enabled),
                "NewPort": str(port),
                "NewUsername": username,
                "NewPassword": password,
            },
            secrets=(password,),
        )

    async def get_ddns_info(self) -> DDNSInfo:
        """Dynamic DNS configuration and update state."""
        return await self._remote_call(ACTION_GET_DDNS_INFO, ddns_info_from)

    async def get_ddns_providers(self) -> tuple[DDNSProvider, ...]:
        """List the DDNS providers the box knows; the user-defined one has a localised name."""
        return await self._remote_call(ACTION_GET_DDNS_PROVIDERS, _providers)

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
    ) -> None:
        """Configure dynamic DNS; the mode is written in the spelling this box advertises."""
        await self.connect()
        await self._remote_call(
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
        )

    async def set_enable(self, enabled: bool) -> int:
        """Switch remote access; returns the port the box reports (0: no user may access)."""
        return await self._remote_call(
            ACTION_SET_ENABLE, _returned_port, {"NewEnabled": _bool(enabled)}
        )

    async def set_lets_encrypt_enable(self, enabled: bool) -> None:
        """Switch Let's Encrypt; unsupported on firmware without it."""
        await self._remote_call(
            ACTION_SET_LETS_ENCRYPT_ENABLE, _ignore, {"NewLetsEncryptEnabled": _bool(enabled)}
        )

    # --- internals --------------------------------------------------------------------------

    def _mode_spelling(self, mode: DDNSMode) -> str:
        """Boxes advertise either ddns_together or ddns_both_together; write what they know."""
        advertised = self.capabilities.mode_values
        if mode is DDNSMode.TOGETHER:
            for spelling in _TOGETHER_SPELLINGS:
                if spelling in advertised:
                    return spelling
        elif mode.value in advertised:
            return mode.value
        if advertised:
            raise TR064UnsupportedError(f"The box does not offer DDNS mode {mode.value}")
        return mode.value

    async def _remote_call[T](
        self,
        action: str,
        convert: Callable[[dict[str, str]], T],
        arguments: Mapping[str, str] | None = None,
        *,
        secrets: tuple[str, ...] = (),
    ) -> T:
        if self._capabilities is None:
            await self.connect()
        assert self._remote_access is not None  # noqa: S101 - set by connect()
        if not self.capabilities.supports(action):
            raise TR064UnsupportedError(f"The box does not support {action}")
        return await self._soap(
            self._remote_access,
            action,
            convert,
            arguments=arguments or {},
            label="RemoteAccess",
            default_control_url=DEFAULT_REMOTE_ACCESS_CONTROL_URL,
            secrets=secrets,
        )

    async def _get[T](self, path: str, what: str, parse: Callable[[bytes], T]) -> T:
        """Unauthenticated GET (description, SCPD); a failure to parse counts as failure."""
        reply = await self._send("GET", _join(self._base, path), what)
        try:
            return parse(_check_get_status(reply, what))
        except TR064Error:
            self._stats.failures += 1
            raise

    async def _soap[T](
        self,
        service: ServiceInfo,
        action: str,
        convert: Callable[[dict[str, str]], T],
        *,
        arguments: Mapping[str, str],
        label: str,
        default_control_url: str,
        secrets: tuple[str, ...] = (),
    ) -> T:
        """One authenticated SOAP call; faults become the matching exception."""
        for name, value in arguments.items():
            if not is_xml_safe(value):
                # Same answer the box would give, without sending what it cannot read.
                raise TR064InvalidArgumentError(
                    UPNP_ARGUMENT_VALUE_INVALID,
                    f"{action}: {name} contains characters XML cannot carry",
                )
        key = (service.service_type, service.control_url, action)
        request = self._requests.get(key)
        if request is None:
            request = self._requests[key] = _SoapRequest(
                url=_join(self._base, service.control_url or default_control_url),
                headers=CIMultiDictProxy(
                    CIMultiDict(
                        {
                            hdrs.CONTENT_TYPE: 'text/xml; charset="utf-8"',
                            "SOAPACTION": soap_action_header(service.service_type, action),
                        }
                    )
                ),
                label=f"{label} {action}",
            )
        reply = await self._send(
            "POST",
            request.url,
            request.label,
            headers=request.headers,
            data=build_envelope(service.service_type, action, arguments),
            authenticate=True,
        )
        try:
            return convert(self._interpret(reply, action, secrets))
        except TR064Error:
            self._stats.failures += 1
            raise

    def _interpret(self, reply: _Reply, action: str, secrets: tuple[str, ...]) -> dict[str, str]:
        if reply.status == HTTPStatus.OK:
            return parse_response(reply.body, action)
        if reply.status == HTTPStatus.UNAUTHORIZED:
            raise TR064AuthenticationError(
                f"{action}: the box rejected the username or password (HTTP 401)"
            )
        if reply.status == HTTPStatus.SERVICE_UNAVAILABLE:
            raise TR064LoginBlockedError(
                f"{action}: the box blocks logins for now after failed attempts (HTTP 503)"
            )
        if reply.status == HTTPStatus.NOT_FOUND:
            raise TR064UnsupportedError(f"{action}: the box has no such control URL (HTTP 404)")
        if reply.status != HTTPStatus.INTERNAL_SERVER_ERROR:
            raise TR064MalformedResponseError(f"{action}: unexpected HTTP status {reply.status}")
        # HTTP 500 without a parseable UPnP fault is malformed (parse_fault raises that).
        code, description = parse_fault(reply.body)
        for secret in (*self._secrets, *secrets):
            if secret:
                description = description.replace(secret, "***")
        raise _upnp_error(action, code, description)

    async def _send(
        self,
        method: str,
        url: URL,
        label: str,
        *,
        headers: CIMultiDictProxy[str] | None = None,
        data: bytes | None = None,
        authenticate: bool = False,
    ) -> _Reply:
        """Send one request, count it, log it; transport errors are raised as TR064 errors."""
        self._stats.requests += 1
        debug = _LOGGER.isEnabledFor(logging.DEBUG)
        started = time.monotonic() if debug else 0.0
        try:
            reply = await _exchange(
                self._session,
                method,
                url,
                client_timeout=self._timeout,
                ssl_param=self._ssl,
                pinned=self._pinned,
                headers=headers,
                data=data,
                middlewares=self._middlewares if authenticate else None,
            )
        except TR064Error as err:
            self._stats.failures += 1
            if debug:
                _LOGGER.debug(
                    "%s %s failed after %.3f s: %s",
                    method,
                    label,
                    time.monotonic() - started,
                    type(err).__name__,
                )
            raise
        if debug:
            _LOGGER.debug(
                "%s %s -> HTTP %s in %.3f s",
                method,
                label,
                reply.status,
                time.monotonic() - started,
            )
        return reply


def _bool(value: bool) -> str:
    return "1" if value else "0"


def _ignore(_values: dict[str, str]) -> None:
    """Setters return nothing worth reading."""


def _providers(values: dict[str, str]) -> tuple[DDNSProvider, ...]:
    try:
        provider_list = values["NewProviderList"]
    except KeyError:
        raise TR064MalformedResponseError("Response lacks NewProviderList") from None
    return parse_provider_list(provider_list)


def _returned_port(values: dict[str, str]) -> int:
    try:
        port = values["NewPort"]
    except KeyError:
        raise TR064MalformedResponseError("Response lacks NewPort") from None
    return parse_int(port, "NewPort", PORT_MAX)


def _upnp_error(action: str, code: int, description: str) -> TR064Error:
    """Map a UPnP error code to the exception a caller can act on."""
    text = f"{action}: {description}" if description else action
    if code == UPNP_INVALID_ACTION:
        return TR064UnsupportedError(
            f"{action}: Invalid Action (UPnP 401): unknown to the box, or access for "
            "applications (TR-064) is switched off"
        )
    if code == UPNP_ACTION_NOT_AUTHORIZED:
        return TR064PermissionError(code, text)
    if code in (UPNP_INVALID_ARGS, UPNP_ARGUMENT_VALUE_INVALID):
        return TR064InvalidArgumentError(code, text)
    return TR064ActionFailedError(code, text)
