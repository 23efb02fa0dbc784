"""HTTP to the box: digest login, TLS pinning, capped reads, and what its status codes mean."""

from __future__ import annotations

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

from .const import DEFAULT_PORT, DEFAULT_TLS_PORT, MAX_RESPONSE_BYTES, READ_CHUNK_BYTES
from .exceptions import (
    TR064AuthenticationError,
    TR064CertificateMismatchError,
    TR064ConnectionError,
    TR064Error,
    TR064LoginBlockedError,
    TR064MalformedResponseError,
    TR064UnsupportedError,
    upnp_error,
)
from .models import RequestStats
from .soap import parse_fault, parse_response, soap_action_header

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

    from aiohttp.payload import Payload

_LOGGER = logging.getLogger(__name__)


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


def _transport_fingerprint(transport: asyncio.BaseTransport) -> str | None:
    """SHA-256 (lowercase hex) of the peer's DER certificate on a TLS transport."""
    ssl_object = transport.get_extra_info("ssl_object")
    if not isinstance(ssl_object, ssl.SSLObject | ssl.SSLSocket):
        return None
    der = ssl_object.getpeercert(binary_form=True)
    return hashlib.sha256(der).hexdigest() if der else None


class _CertificateRecorder(aiohttp.Fingerprint):
    """``ssl=`` value for TLS without a pinned certificate: no verification, but recording.

    aiohttp handles any ``Fingerprint`` with an unverified context (as with ``ssl=False``) and
    calls its ``check`` with the transport of every new connection, before the first request
    is sent: the one place where the certificate is reachable for sure, since a small
    response releases its connection before the caller could look at it.
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

    That aiohttp escapes only the double quotes in ``username="..."``, so a box reading it as
    the quoted-string it is (RFC 9110) drops the backslashes and refuses the login.
    """

    def __init__(self, login: str, password: str) -> None:
        super().__init__(login, password, preemptive=True)
        self._aiohttp_prefix = f'Digest username="{login.replace('"', '\\"')}",'
        escaped = login.replace("\\", "\\\\").replace('"', '\\"')
        self._quoted_prefix = f'Digest username="{escaped}",'

    async def _encode(self, method: str, url: URL, body: Payload | Literal[b""]) -> str:
        header = await super()._encode(method, url, body)
        if header.startswith(self._aiohttp_prefix):
            return self._quoted_prefix + header.removeprefix(self._aiohttp_prefix)
        return header


def _digest_auth(username: str, password: str) -> aiohttp.DigestAuthMiddleware:
    """Return aiohttp's digest middleware, with quoted-pair escaping where aiohttp lacks it."""
    if escape_quotes("\\") == "\\\\":
        return aiohttp.DigestAuthMiddleware(username, password, preemptive=True)
    return _QuotedPairDigestAuth(username, password)


async def _read_capped(response: aiohttp.ClientResponse) -> bytes:
    """Read at most MAX_RESPONSE_BYTES; a larger body is refused, not buffered."""
    length = response.content_length
    if length is not None and length > MAX_RESPONSE_BYTES:
        response.close()
        raise TR064MalformedResponseError(f"Response of {length} bytes exceeds the limit")
    # Read in chunks even with a known length: a compressed body may unpack to far more.
    body = bytearray()
    async for chunk in response.content.iter_chunked(READ_CHUNK_BYTES):
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            response.close()
            raise TR064MalformedResponseError(
                f"Response exceeds the limit of {MAX_RESPONSE_BYTES} bytes"
            )
    return bytes(body)


def _resolve(base: URL, path: str) -> URL:
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


def _get_status_error(status: int, what: str) -> TR064Error:
    """Return the error for a document that did not come with HTTP 200."""
    if status == HTTPStatus.NOT_FOUND:
        return TR064UnsupportedError(f"The box has no {what} (HTTP 404)")
    if status == HTTPStatus.SERVICE_UNAVAILABLE:
        return TR064LoginBlockedError(f"The box refuses requests for now (HTTP 503, {what})")
    if status == HTTPStatus.UNAUTHORIZED:
        return TR064AuthenticationError(f"The box wants authentication for {what}")
    return TR064MalformedResponseError(f"Unexpected HTTP status {status} for {what}")


def _soap_status_error(status: int, action: str) -> TR064Error:
    """Return the error for an action answered with neither 200 nor a SOAP fault (500)."""
    if status == HTTPStatus.UNAUTHORIZED:
        return TR064AuthenticationError(
            f"{action}: the box rejected the username or password (HTTP 401)"
        )
    if status == HTTPStatus.SERVICE_UNAVAILABLE:
        return TR064LoginBlockedError(
            f"{action}: the box blocks logins for now after failed attempts (HTTP 503)"
        )
    if status == HTTPStatus.NOT_FOUND:
        return TR064UnsupportedError(f"{action}: the box has no such control URL (HTTP 404)")
    return TR064MalformedResponseError(f"{action}: unexpected HTTP status {status}")


@dataclass(frozen=True, slots=True)
class SoapRequest:
    """What every call of one action of one service sends alike."""

    service_type: str
    action: str
    url: URL
    headers: CIMultiDictProxy[str]
    label: str


class Transport:
    """One box's HTTP side: every request to it goes through here and is counted."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        port: int | None,
        use_tls: bool,
        fingerprint: str | None,
        timeout: float,
        username: str | None = None,
        password: str = "",
    ) -> None:
        """``ValueError`` for a malformed fingerprint or a ':' in the username."""
        self._session = session
        if port is None:
            port = DEFAULT_TLS_PORT if use_tls else DEFAULT_PORT
        self.base = URL.build(scheme="https" if use_tls else "http", host=host, port=port)
        self._pinned = normalize_fingerprint(fingerprint) if fingerprint else None
        # What goes into ssl= on every request: pinned, or unverified but recording.
        self._recorder: _CertificateRecorder | None = None
        self._ssl: bool | aiohttp.Fingerprint = True
        if use_tls and self._pinned is not None:
            self._ssl = aiohttp.Fingerprint(bytes.fromhex(self._pinned))
        elif use_tls:
            self._ssl = self._recorder = _CertificateRecorder()
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self.auth: aiohttp.DigestAuthMiddleware | None = None
        if username is not None:
            try:
                self.auth = _digest_auth(username, password)
            except ValueError:
                # The message names the username rule only; re-raise without the original.
                raise ValueError("The username must not contain ':' (HTTP digest)") from None
        self._middlewares = (self.auth,) if self.auth is not None else None
        # Kept only to scrub it from texts the box sends back; never logged or shown.
        self._secrets: tuple[str, ...] = (password,) if password else ()
        self.stats = RequestStats()

    @property
    def certificate_fingerprint(self) -> str | None:
        """SHA-256 (lowercase hex) of the box certificate: the pinned one, or the first seen."""
        if self._pinned is not None:
            return self._pinned
        return self._recorder.first_seen if self._recorder is not None else None

    def soap_request(self, service_type: str, control_url: str, action: str) -> SoapRequest:
        """URL and headers of one action; ``MalformedResponse`` for a control URL elsewhere."""
        return SoapRequest(
            service_type=service_type,
            action=action,
            url=_resolve(self.base, control_url),
            headers=CIMultiDictProxy(
                CIMultiDict(
                    {
                        hdrs.CONTENT_TYPE: 'text/xml; charset="utf-8"',
                        "SOAPACTION": soap_action_header(service_type, action),
                    }
                )
            ),
            label=f"{service_type.split(':')[-2]} {action}",
        )

    async def get[T](self, path: str, what: str, parse: Callable[[bytes], T]) -> T:
        """Unauthenticated GET of a document (description, SCPD), parsed."""
        url = _resolve(self.base, path)
        self.stats.requests += 1
        try:
            status, body = await self._exchange("GET", url, what)
            if status != HTTPStatus.OK:
                raise _get_status_error(status, what)
            return parse(body)
        except TR064Error:
            self.stats.failures += 1
            raise

    async def soap[T](
        self,
        request: SoapRequest,
        body: bytes,
        convert: Callable[[dict[str, str]], T],
        secrets: tuple[str, ...] = (),
    ) -> T:
        """Send an authenticated SOAP call; a fault raises its error, secrets scrubbed."""
        self.stats.requests += 1
        try:
            status, answer = await self._exchange(
                "POST",
                request.url,
                request.label,
                headers=request.headers,
                data=body,
                middlewares=self._middlewares,
            )
            if status == HTTPStatus.OK:
                return convert(parse_response(answer, request.action))
            if status != HTTPStatus.INTERNAL_SERVER_ERROR:
                raise _soap_status_error(status, request.action)
            # HTTP 500 without a parseable UPnP fault is malformed (parse_fault raises that).
            code, description = parse_fault(answer)
            for secret in (*self._secrets, *secrets):
                if secret:
                    description = description.replace(secret, "***")
            raise upnp_error(request.action, code, description)
        except TR064Error:
            self.stats.failures += 1
            raise

    async def _exchange(
        self,
        method: str,
        url: URL,
        label: str,
        *,
        headers: CIMultiDictProxy[str] | None = None,
        data: bytes | None = None,
        middlewares: tuple[aiohttp.DigestAuthMiddleware, ...] | None = None,
    ) -> tuple[int, bytes]:
        """One HTTP exchange, logged without contents; transport failures become TR064 errors."""
        debug = _LOGGER.isEnabledFor(logging.DEBUG)
        started = time.monotonic() if debug else 0.0
        try:
            async with self._session.request(
                method,
                url,
                headers=headers,
                data=data,
                timeout=self._timeout,
                ssl=self._ssl,
                allow_redirects=False,
                raise_for_status=False,
                middlewares=middlewares,  # None: the session's own, untouched
            ) as response:
                body = await _read_capped(response)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, TR064Error) as err:
            error = self._failure(err, url)
            if debug:
                _LOGGER.debug(
                    "%s %s failed after %.3f s: %s",
                    method,
                    label,
                    time.monotonic() - started,
                    type(error).__name__,
                )
            if error is err:
                raise
            # A certificate mismatch says all there is; aiohttp's error would add nothing.
            cause = None if isinstance(error, TR064CertificateMismatchError) else err
            raise error from cause
        if debug:
            _LOGGER.debug(
                "%s %s -> HTTP %s in %.3f s", method, label, status, time.monotonic() - started
            )
        return status, body

    def _failure(self, err: Exception, url: URL) -> TR064Error:
        """Return the TR064 error for a failed exchange."""
        where = f"{url.host}:{url.port}"
        if isinstance(err, TR064Error):
            return err
        if isinstance(err, aiohttp.ServerFingerprintMismatch):
            return TR064CertificateMismatchError(err.got.hex(), self._pinned)
        if isinstance(err, TimeoutError):
            return TR064ConnectionError(f"No answer from {where} within {self._timeout.total} s")
        if isinstance(err, aiohttp.ClientSSLError):
            return TR064ConnectionError(f"TLS handshake with {where} failed: {type(err).__name__}")
        return TR064ConnectionError(f"Connection to {where} failed: {type(err).__name__}: {err}")
