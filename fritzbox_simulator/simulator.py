"""``FritzBoxSimulator``: builds a box from its config and runs its listeners.

Reboots are timed on the simulator clock (real time plus ``advance``): the listeners close at
once, and come back when the clock reaches the end of the reboot, so ``advance`` or
``end_reboot`` shorten it without sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
import ipaddress
import logging
import random
import socket
from typing import TYPE_CHECKING, Self

from aiohttp import web

from . import app_setup, auth, control_api, device_info, remote_access
from .app_setup import AppSetupService
from .auth import AuthService
from .clock import SimClock
from .config import MODEL_NAME, SimulatorConfig
from .control import Dispatcher
from .description import DESCRIPTION_PATH, render_description, walk_services
from .device_info import DeviceInfoService
from .digest import DigestAuthenticator
from .lockout import LoginGuard
from .remote_access import RemoteAccessService
from .request_log import RequestLog
from .scpd import render_scpd
from .second_factor import SecondFactor
from .server import BoxEndpoints, BoxHttpHandler
from .state import BoxState
from .tls import Certificate, load_into, make_self_signed, server_context

if TYPE_CHECKING:
    import ssl
    from types import TracebackType

    from .faults import Faults

_LOGGER = logging.getLogger(__package__)

AVM_MAC_PREFIX = "3810D5"
DEFAULT_SECURITY_PORT = 49443
#: How long stop() lets running handlers finish before cancelling them.
SHUTDOWN_TIMEOUT = 1.0
RELISTEN_DELAY = 0.2

#: A listening socket not yet served, and the TLS context to serve it with (None: plain HTTP).
type _Bound = tuple[socket.socket, ssl.SSLContext | None]


def _remote_access_pairs(actions: frozenset[str]) -> frozenset[tuple[str, str]]:
    return frozenset((remote_access.SERVICE_TYPE, action) for action in actions)


class FritzBoxSimulator:
    """A simulated FRITZ!Box 7590 speaking TR-064 on loopback; see the package docstring."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        """Build the box; nothing listens before ``start``."""
        self.config = config = config or SimulatorConfig()
        self._clock = SimClock()
        self._rng = random.Random(config.seed)  # noqa: S311 - ports and serials, not secrets
        self._serial = AVM_MAC_PREFIX + f"{self._rng.getrandbits(24):06X}"
        self._udn = config.udn or f"uuid:739f2409-bccb-40e7-8e6c-{self._serial}"
        self._state = BoxState.with_users(config.initial_users())
        self._state.set_line(config.line)
        self._faults = config.faults.copy()
        self._log = RequestLog()
        self._authenticator = DigestAuthenticator(self._clock, config.nonce_lifetime)
        self._guard = LoginGuard(
            self._clock,
            config.lockout_threshold,
            config.lockout_seconds,
            config.unauthenticated_allowance,
        )
        self._boot_time = self._clock.now()
        self._second_factor = SecondFactor(
            self._clock,
            enabled=config.second_factor_enabled,
            methods=config.second_factor_methods,
            protected=_remote_access_pairs(config.protected),
            lifetime=config.second_factor_seconds,
            attempts=config.second_factor_attempts,
            block_seconds=config.second_factor_block_seconds,
        )
        dispatcher = self._build_dispatcher()
        self._handler = BoxHttpHandler(
            endpoints=self._build_endpoints(dispatcher),
            dispatcher=dispatcher,
            authenticator=self._authenticator,
            guard=self._guard,
            log=self._log,
            faults=self._served_faults,
            users=lambda: self._state.users,
            is_down=lambda: self._down,
            tick=self._tick,
            control=self._control if config.control_api else None,
        )
        self._runner: web.ServerRunner | None = None
        self._listeners: list[asyncio.Server] = []
        self._host = "127.0.0.1"
        self._port: int | None = None
        self._tls_port: int | None = None
        self._certificate: Certificate | None = None
        self._ssl_context: ssl.SSLContext | None = None
        self._down = False
        self._reboot_until = 0.0
        self._reboot_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def _build_dispatcher(self) -> Dispatcher:
        info = DeviceInfoService(
            self._state,
            self._clock,
            firmware=self.config.firmware,
            serial_number=self._serial,
            boot_time=lambda: self._boot_time,
            security_port=lambda: self._tls_port or DEFAULT_SECURITY_PORT,
        )
        remote = RemoteAccessService(self._state, self._clock, self._rng, self.config)
        implementations = {
            device_info.SERVICE_TYPE: info.implementation(),
            remote_access.SERVICE_TYPE: remote.implementation(),
        }
        if self.config.second_factor_service:
            implementations[auth.SERVICE_TYPE] = AuthService(self._second_factor).implementation()
        if self.config.app_setup:
            implementations[app_setup.SERVICE_TYPE] = AppSetupService(self._state).implementation()
        return Dispatcher(implementations, self._second_factor)

    async def _control(self, request: web.BaseRequest) -> web.Response:
        return await control_api.handle(self, request)

    def _build_endpoints(self, dispatcher: Dispatcher) -> BoxEndpoints:
        omit = frozenset(
            name
            for name, offered in (
                (app_setup.SERVICE_NAME, self.config.app_setup),
                (auth.SERVICE_NAME, self.config.second_factor_service),
            )
            if not offered
        )
        services = tuple(walk_services(omit=omit))
        documents: dict[str, bytes] = {}
        if self.config.tr064_enabled:
            documents[DESCRIPTION_PATH] = render_description(self._udn, self.config.firmware, omit)
        for service in services:
            documents[service.scpd_url] = render_scpd(dispatcher.scpd(service.service_type))
        version = self.config.firmware.display
        return BoxEndpoints(
            documents=documents,
            services={service.control_url: service for service in services},
            server_header=f"{MODEL_NAME} UPnP/1.0 AVM {MODEL_NAME} {version}",
        )

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0, tls_port: int = 0) -> None:
        """Listen on ``host``; port 0 picks a free one. The TLS listener only with config.tls."""
        if self._runner is not None:
            raise RuntimeError("the simulator is already running")
        runner = web.ServerRunner(
            web.Server(self._handler, access_log=None), shutdown_timeout=SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        self._runner = runner
        self._host = host
        if self.config.tls:
            self._certificate = make_self_signed((host,))
            self._ssl_context = server_context(self._certificate)
        try:
            await self._serve(self._bind(port, tls_port))
        except BaseException:
            await self.stop()
            raise
        _LOGGER.debug("FRITZ!Box simulator listening on %s", self.url)

    def _bind(self, port: int, tls_port: int | None) -> list[_Bound]:
        """Open the listening sockets now, so connections queue from this moment on."""
        plans: list[tuple[int, ssl.SSLContext | None]] = [(port, None)]
        if self._ssl_context is not None:
            plans.append((tls_port or 0, self._ssl_context))
        family = socket.getaddrinfo(self._host, None, type=socket.SOCK_STREAM)[0][0]
        bound: list[_Bound] = []
        try:
            for number, context in plans:
                sock = socket.create_server((self._host, number), family=family)
                sock.setblocking(False)
                bound.append((sock, context))
        except OSError:
            for sock, _ in bound:
                sock.close()
            raise
        self._port = bound[0][0].getsockname()[1]
        if len(bound) > 1:
            self._tls_port = bound[1][0].getsockname()[1]
        return bound

    async def _serve(self, bound: list[_Bound]) -> None:
        """Start accepting on sockets from ``_bind``; closes those not served on failure."""
        factory = self._runner.server if self._runner is not None else None
        if factory is None:
            raise RuntimeError("the simulator is not running")
        loop = asyncio.get_running_loop()
        try:
            while bound:
                sock, context = bound[0]
                self._listeners.append(await loop.create_server(factory, sock=sock, ssl=context))
                bound.pop(0)
        finally:
            for sock, _ in bound:
                sock.close()

    def _close_listeners(self) -> list[asyncio.Server]:
        """Stop listening and cut every open connection at once; returns what was closed."""
        closed, self._listeners = self._listeners, []
        for server in closed:
            server.close()
            server.abort_clients()
        return closed

    async def stop(self) -> None:
        """Close everything this simulator opened; safe to call twice."""
        task, self._reboot_task = self._reboot_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        closed = self._close_listeners()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        for server in closed:
            await server.wait_closed()
        self._down = False

    async def __aenter__(self) -> Self:
        """Start on 127.0.0.1 with free ports."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop."""
        await self.stop()

    # -- run-time control ------------------------------------------------------------------

    def reboot(self, seconds: float) -> None:
        """Become unreachable (refused, open connections reset) for ``seconds`` of sim time.

        The box comes back with fresh nonces, a cleared login block and a new uptime.
        ``reboot(0)`` listens again before returning, so the next connection gets through.
        Calling it again during a reboot moves the end.
        """
        if self._runner is None:
            raise RuntimeError("the simulator is not running")
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        self._reboot_until = self._clock.now() + seconds
        if self._reboot_task is not None and not self._reboot_task.done():
            self._wake.set()
            return
        self._down = True
        closed = self._close_listeners()
        bound = self._bind(self._port or 0, self._tls_port) if seconds == 0 else None
        self._reboot_task = asyncio.get_running_loop().create_task(self._come_back(closed, bound))

    async def _come_back(self, closed: list[asyncio.Server], bound: list[_Bound] | None) -> None:
        try:
            for server in closed:
                await server.wait_closed()
            if bound is None:
                await self._sleep_until_reboot_ends()
                bound = await self._bind_again()
            self._authenticator.reset()
            self._guard.reset()
            self._boot_time = self._clock.now()
            self._down = False
            await self._serve(bound)
        finally:
            for sock, _ in bound or ():
                sock.close()
        _LOGGER.debug("FRITZ!Box simulator is back after its reboot")

    async def _sleep_until_reboot_ends(self) -> None:
        while True:
            self._wake.clear()
            remaining = self._reboot_until - self._clock.now()
            if remaining <= 0:
                return
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await self._wake.wait()

    async def _bind_again(self) -> list[_Bound]:
        """Bind the old ports again, retrying while something else holds them."""
        while True:
            try:
                return self._bind(self._port or 0, self._tls_port)
            except OSError as err:
                _LOGGER.warning("cannot listen again after the reboot yet: %s", err)
                await asyncio.sleep(RELISTEN_DELAY)

    async def end_reboot(self) -> None:
        """Test helper: finish a running reboot now and wait until the box listens again."""
        task = self._reboot_task
        if task is None or task.done():
            return
        self._reboot_until = self._clock.now()
        self._wake.set()
        await task

    @property
    def rebooting(self) -> bool:
        """Whether the box is unreachable right now."""
        return self._down

    def advance(self, seconds: float) -> None:
        """Move the simulator clock: progressions, nonce expiry, login blocks and reboots."""
        self._clock.advance(seconds)
        self._tick()
        self._wake.set()

    # -- the internet line ------------------------------------------------------------------

    def set_line(self, line: str) -> None:
        """Switch to the external addresses of ``line`` (``public``, ``ds-lite``, ``cgnat``, …)."""
        self._state.set_line(line)

    def set_external_addresses(self, ipv4: str | None = None, ipv6: str | None = None) -> None:
        """Set either external address ("" for none); ValueError for anything but an address."""
        for value, version in ((ipv4, 4), (ipv6, 6)):
            if value and ipaddress.ip_address(value).version != version:
                raise ValueError(f"not an IPv{version} address: {value!r}")
        if ipv4 is not None:
            self._state.external_ipv4 = ipv4
        if ipv6 is not None:
            self._state.external_ipv6 = ipv6

    # -- the second factor -----------------------------------------------------------------

    def press_button(self) -> bool:
        """Press a button on the box; True if that confirmed a waiting second factor."""
        return self._second_factor.press_button()

    def dial(self, code: str) -> bool:
        """Dial ``code`` on a phone connected to the box; True if it confirmed a process."""
        return self._second_factor.dial(code)

    def fail_second_factor(self) -> bool:
        """End the running confirmation with ``failure``; False if none was running."""
        return self._second_factor.fail()

    @property
    def second_factor(self) -> SecondFactor:
        """The confirmation state machine (state, methods, phone code)."""
        return self._second_factor

    @property
    def protected_actions(self) -> frozenset[str]:
        """X_AVM-DE_RemoteAccess actions that need the second factor now."""
        return frozenset(action for _, action in self._second_factor.protected)

    @protected_actions.setter
    def protected_actions(self, actions: frozenset[str]) -> None:
        self._second_factor.protected = _remote_access_pairs(self.config.check_protected(actions))

    def _served_faults(self) -> Faults:
        """Return the faults to apply: with TR-064 off, every action is refused (401)."""
        if self.config.tr064_enabled:
            return self._faults
        return replace(self._faults, app_access_disabled=True)

    def _tick(self) -> None:
        self._state.tick(
            self._clock.now(),
            checking=self.config.ddns_checking_seconds,
            updating=self.config.ddns_updating_seconds,
        )

    def swap_certificate(self) -> str:
        """Serve a new self-signed certificate to new connections; returns its fingerprint."""
        if self._ssl_context is None:
            raise RuntimeError("the simulator has no TLS listener")
        certificate = make_self_signed((self._host,))
        load_into(self._ssl_context, certificate)
        self._certificate = certificate
        return certificate.fingerprint

    # -- views -----------------------------------------------------------------------------

    @property
    def host(self) -> str:
        """The address the listeners are bound to."""
        return self._host

    @property
    def port(self) -> int:
        """The plain HTTP port (TR-064's 49000 on a real box)."""
        if self._port is None:
            raise RuntimeError("the simulator has not been started")
        return self._port

    @property
    def tls_port(self) -> int | None:
        """The HTTPS port, or None without TLS."""
        return self._tls_port

    @property
    def url(self) -> str:
        """Base URL of the plain HTTP listener."""
        return f"http://{self._host}:{self.port}"

    @property
    def tls_url(self) -> str | None:
        """Base URL of the HTTPS listener, or None without TLS."""
        return None if self._tls_port is None else f"https://{self._host}:{self._tls_port}"

    @property
    def udn(self) -> str:
        """The root device's UDN (``uuid:...``), stable for this instance."""
        return self._udn

    @property
    def serial_number(self) -> str:
        """DeviceInfo's serial number: a MAC address in AVM's range."""
        return self._serial

    @property
    def state(self) -> BoxState:
        """The box's truth (tests read and change it), brought up to date with the clock."""
        self._tick()
        return self._state

    @property
    def faults(self) -> Faults:
        """Faults in force; change its fields (or replace it) at run time."""
        return self._faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._faults = faults

    @property
    def log(self) -> RequestLog:
        """Every request answered so far."""
        return self._log

    @property
    def certificate_fingerprint(self) -> str | None:
        """Lowercase hex SHA-256 of the DER certificate now served, or None without TLS."""
        return None if self._certificate is None else self._certificate.fingerprint
