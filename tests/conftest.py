"""Shared fixtures: simulated FRITZ!Boxes on loopback, all stopped after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from fritzbox_simulator import FritzBoxSimulator, SimulatorConfig

type SimulatorFactory = Callable[..., Awaitable[FritzBoxSimulator]]


@pytest.fixture
async def simulator_factory(socket_enabled: None) -> AsyncIterator[SimulatorFactory]:
    """Start simulators from ``SimulatorConfig`` keyword arguments on 127.0.0.1.

    ``socket_enabled`` lifts the Home Assistant test plugin's socket block for loopback.
    """
    started: list[FritzBoxSimulator] = []

    async def factory(**settings: Any) -> FritzBoxSimulator:
        sim = FritzBoxSimulator(SimulatorConfig(**settings))
        await sim.start(host="127.0.0.1", port=0, tls_port=0)
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        await sim.stop()


@pytest.fixture
async def simulator(simulator_factory: SimulatorFactory) -> FritzBoxSimulator:
    """A modern box with the default configuration."""
    return await simulator_factory()
