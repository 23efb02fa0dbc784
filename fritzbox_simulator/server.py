"""The HTTP side of the box: documents, SOAP control, digest, faults and the request log.

One aiohttp low-level handler answers everything, so that the order of the checks is
visible in one place: reboot, latency, body faults, routing, app access, login blocking,
digest authentication, SOAP parsing, then the action itself (rights and arguments).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import logging
from typing import TYPE_CHECKING

from aiohttp import hdrs, web

from .control import Caller
from .control_api import PREFIX as CONTROL_PREFIX
from .digest import DigestAuthenticator, Outcome
from .faults import Faults, entity_bomb_body, garbage_body, malformed_body, oversized_body
from .request_log import NO_RESPONSE, RequestLog, RequestRecord
from .soap import (
    CONTENT_TYPE,
    SoapParseError,
    UPnPError,
    build_fault,
    build_response,
    parse_request,
    parse_soap_action,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from .control import Dispatcher
    from .description import Service
    from .lockout import LoginGuard
    from .users import BoxUser

_LOGGER = logging.getLogger(__package__)

#: What a box's login layer calls itself in 401 and 503 answers.
AUTH_SERVER = "Webserver"
REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    503: "Service Unavailable",
}


def html_error(status: int, headers: Mapping[str, str] | None = None) -> web.Response:
    """Answer with the box's plain HTML error page (never SOAP), e.g. for 401 and 503."""
    title = f"{status} {REASONS.get(status, 'Error')}"
    body = (
        f"<HTML><HEAD><TITLE>{title} (ERR_NONE)</TITLE></HEAD>"
        f"<BODY><H1>{title}</H1><BR>ERR_NONE<HR><B>{AUTH_SERVER}</B></BODY></HTML>\r\n"
    )
    # Exactly "text/html" as a box sends it (aiohttp would add a charset): fritzconnection,
    # for one, only accepts a missing igddesc.xml when the 404 says precisely that.
    response = web.Response(
        status=status, body=body.encode(), headers={hdrs.CONTENT_TYPE: "text/html"}
    )
    response.headers[hdrs.SERVER] = AUTH_SERVER
    response.headers.update(headers or {})
    return response


@dataclass(slots=True)
class _RequestFacts:
    """What the request log needs to know beyond the status."""

    action: str | None = None
    authenticated: bool = False
    username: str | None = None
    with_token: bool = False


@dataclass(frozen=True, slots=True)
class BoxEndpoints:
    """Everything addressable: documents by path and services by control URL."""

    documents: Mapping[str, bytes]
    services: Mapping[str, Service]
    server_header: str


class BoxHttpHandler:
    """Answers one request; the simulator owns the objects it is built from."""

    def __init__(
        self,
        *,
        endpoints: BoxEndpoints,
        dispatcher: Dispatcher,
        authenticator: DigestAuthenticator,
        guard: LoginGuard,
        log: RequestLog,
        faults: Callable[[], Faults],
        users: Callable[[], Mapping[str, BoxUser]],
        is_down: Callable[[], bool],
        tick: Callable[[], None],
        control: Callable[[web.BaseRequest], Awaitable[web.Response]] | None = None,
    ) -> None:
        """Take the simulator's parts; the callables see replacements made at run time.

        ``control`` answers the simulator's own control interface (see ``control_api``).
        """
        self._endpoints = endpoints
        self._dispatcher = dispatcher
        self._authenticator = authenticator
        self._guard = guard
        self._log = log
        self._faults = faults
        self._users = users
        self._is_down = is_down
        self._tick = tick
        self._control_api = control

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        """Answer (or drop) one request and log it; control requests are neither."""
        if self._control_api is not None and request.path.startswith(CONTROL_PREFIX):
            return await self._control_api(request)
        facts = _RequestFacts()
        try:
            response = await self._answer(request, facts)
        except web.HTTPException as exc:  # e.g. a request body over the size limit
            response = html_error(exc.status)
        if response is not None:
            response.headers.setdefault(hdrs.SERVER, self._endpoints.server_header)
        status = NO_RESPONSE if response is None else response.status
        self._log.add(
            RequestRecord(
                request.method,
                request.path,
                status,
                facts.action,
                facts.authenticated,
                facts.username,
                facts.with_token,
            )
        )
        _LOGGER.debug(
            "%s %s action=%s user=%s -> %s",
            request.method,
            request.path,
            facts.action,
            facts.username,
            status or "dropped",
        )
        # After a drop the transport is gone; aiohttp discards whatever is returned.
        return web.Response() if response is None else response

    async def _answer(self, request: web.BaseRequest, facts: _RequestFacts) -> web.Response | None:
        """Misbehave first (down, slow, broken), then route; None means "dropped"."""
        if self._is_down():
            _drop(request)
            return None
        self._tick()
        faults = self._faults()
        if faults.latency > 0:
            await asyncio.sleep(faults.latency)
            if self._is_down():
                _drop(request)
                return None
            if _client_gone(request):
                # The client gave up waiting: reading its body or writing an answer would
                # only make aiohttp log a ConnectionResetError.
                return None
        soap_action = parse_soap_action(request.headers.get("SOAPACTION"))
        facts.action = soap_action[1] if soap_action else None
        body_fault = faults.active_body_fault()
        if body_fault is not None:
            return _fault_answer(request, body_fault)
        return await self._route(request, soap_action, facts, faults)

    async def _route(
        self,
        request: web.BaseRequest,
        soap_action: tuple[str, str] | None,
        facts: _RequestFacts,
        faults: Faults,
    ) -> web.Response:
        if request.method in (hdrs.METH_GET, hdrs.METH_HEAD):
            return self._document(request)
        if request.method != hdrs.METH_POST:
            return html_error(405)
        service = self._endpoints.services.get(request.path)
        if service is None:
            return html_error(404)
        if faults.app_access_disabled:
            return _soap_fault(UPnPError(401))
        return await self._control(request, service, soap_action, facts)

    def _document(self, request: web.BaseRequest) -> web.Response:
        document = self._endpoints.documents.get(request.path)
        if document is None:
            return html_error(404)
        return web.Response(body=document, headers={hdrs.CONTENT_TYPE: "text/xml"})

    async def _control(
        self,
        request: web.BaseRequest,
        service: Service,
        soap_action: tuple[str, str] | None,
        facts: _RequestFacts,
    ) -> web.Response:
        """Authenticate first (as a box does), then parse, then run the action."""
        public = (
            soap_action is not None
            and soap_action[0] == service.service_type
            and not self._dispatcher.needs_authentication(*soap_action)
        )
        user: BoxUser | None = None
        if not public:
            login = self._authenticate(request, facts)
            if isinstance(login, web.Response):
                return login
            user = login
        try:
            call = parse_request(await request.read())
        except SoapParseError:
            return html_error(400)
        service_type, action = soap_action or (call.service_type, call.action)
        facts.action = action
        if not (
            service_type == service.service_type == call.service_type and action == call.action
        ):
            return _soap_fault(UPnPError(401))
        facts.with_token = call.token is not None
        try:
            out = self._dispatcher.call(
                service_type, action, call.arguments, Caller(user, call.token)
            )
        except UPnPError as error:
            return _soap_fault(error)
        return _soap(build_response(service_type, action, out), 200)

    def _authenticate(
        self, request: web.BaseRequest, facts: _RequestFacts
    ) -> BoxUser | web.Response:
        """Return the matched user, or the answer to send instead (401 challenge, 503)."""
        client = request.remote or "unknown"
        if self._guard.is_blocked(client):
            return html_error(503)
        result = self._authenticator.verify(
            request.method,
            request.raw_path,
            request.headers.get(hdrs.AUTHORIZATION),
            self._users(),
        )
        if result.outcome is Outcome.OK and result.user is not None:
            self._guard.record_success(client)
            facts.authenticated = True
            facts.username = result.user.name
            return result.user
        if result.outcome is Outcome.MISSING:
            self._guard.record_unauthenticated(client)
        elif result.outcome is not Outcome.STALE:
            self._guard.record_failure(client)
        challenge = self._authenticator.challenge(stale=result.outcome is Outcome.STALE)
        return html_error(401, {hdrs.WWW_AUTHENTICATE: challenge})


def _client_gone(request: web.BaseRequest) -> bool:
    """Whether the client closed the connection (aiohttp forgets a lost transport)."""
    transport = request.transport
    return transport is None or transport.is_closing()


def _drop(request: web.BaseRequest) -> None:
    """Close the connection without a response, like a box that resets or vanishes."""
    transport = request.transport
    if transport is not None:
        transport.abort()


def _fault_answer(request: web.BaseRequest, fault: str) -> web.Response | None:
    soap = request.method == hdrs.METH_POST
    if fault == "drop_connection":
        _drop(request)
        return None
    if fault == "http_500_garbage":
        return web.Response(status=500, body=garbage_body(), content_type="text/html")
    if fault == "entity_bomb":
        body = entity_bomb_body()
    elif fault == "oversized_body":
        body = oversized_body()
    else:
        body = malformed_body(soap)
    return web.Response(status=200, body=body, headers={hdrs.CONTENT_TYPE: CONTENT_TYPE})


def _soap(body: bytes, status: int) -> web.Response:
    return web.Response(
        status=status, body=body, headers={hdrs.CONTENT_TYPE: CONTENT_TYPE, "EXT": ""}
    )


def _soap_fault(error: UPnPError) -> web.Response:
    return _soap(build_fault(error), 500)
