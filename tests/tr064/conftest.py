"""Fixtures for the client tests: a real simulator on loopback and a plain aiohttp session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from custom_components.fritzbox_remote_access.tr064 import FritzBoxRemoteAccess

if TYPE_CHECKING:
    from fritzbox_simulator import FritzBoxSimulator

    from ..conftest import SimulatorFactory

USERNAME = "admin"
PASSWORD = "Pa55-w0rd-not-in-logs"

type BoxFactory = Callable[..., Awaitable[FritzBoxSimulator]]
type ClientFactory = Callable[..., FritzBoxRemoteAccess]


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """The Home Assistant test plugin blocks sockets; these tests talk to loopback servers."""


@pytest.fixture
def box_factory(simulator_factory: SimulatorFactory) -> BoxFactory:
    """The shared simulator factory, with credentials these tests know."""

    async def factory(**overrides: Any) -> FritzBoxSimulator:
        settings: dict[str, Any] = {"username": USERNAME, "password": PASSWORD}
        settings.update(overrides)
        return await simulator_factory(**settings)

    return factory


@pytest.fixture
async def box(box_factory: BoxFactory) -> FritzBoxSimulator:
    """A modern box with default settings."""
    return await box_factory()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """The caller's session; the client must leave it open and unchanged."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def make_client(session: aiohttp.ClientSession) -> ClientFactory:
    """Build a client for a simulator, plain HTTP unless use_tls is given."""

    def factory(sim: FritzBoxSimulator, **overrides: Any) -> FritzBoxRemoteAccess:
        settings: dict[str, Any] = {"username": USERNAME, "password": PASSWORD, "timeout": 5.0}
        settings.update(overrides)
        if settings.get("use_tls"):
            settings.setdefault("port", sim.tls_port)
        else:
            settings.setdefault("port", sim.port)
        return FritzBoxRemoteAccess(session, sim.host, **settings)

    return factory
