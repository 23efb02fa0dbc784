"""The poll with its two reads at once, set-up and the five-minute reads, at 20 ms per request.

Run as ``python -m benchmarks.poll_latency --out FILE`` (``--smoke`` for a few seconds). The
simulated box runs in a child process with 20 ms added to every request:

- client: a poll as the integration's coordinator sends it (GetInfo and GetDDNSInfo together),
  the same two reads one after the other, and fritzconnection's poll (one after the other);
- Home Assistant: set-up wall time (``async_setup`` to ``LOADED``) and the requests it sends,
  a coordinator refresh, and an hour of refreshes on a clock moved 30 s per refresh, which
  shows what the five-minute GetAppRemoteInfo reads cost.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
import json
import logging
from pathlib import Path
import sys
import time
from typing import TYPE_CHECKING, Any, cast
from unittest.mock import patch

import aiohttp
from aiohttp.resolver import AsyncResolver
from fritzconnection import FritzConnection  # type: ignore[import-untyped]
from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_test_home_assistant,
    get_test_config_dir,
    mock_storage,
)

from custom_components.fritzbox_remote_access.const import CONF_USE_TLS, DOMAIN, SCAN_INTERVAL
from custom_components.fritzbox_remote_access.tr064 import FritzBoxRemoteAccess

from .simproc import AsyncSimulatorProcess
from .stats import median, paired_ratio

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager
    from datetime import datetime

    from homeassistant.core import HomeAssistant

    from custom_components.fritzbox_remote_access.coordinator import (
        FritzRemoteAccessCoordinator,
    )

    from .simproc import Box, Boxes

LATENCY = 0.020
_SERVICE = "X_AVM-DE_RemoteAccess1"
HOUR = timedelta(hours=1)


# --- client -----------------------------------------------------------------------------------


async def _our_polls(
    sims: AsyncSimulatorProcess, box: Box, info: Boxes, polls: int, *, together: bool
) -> tuple[list[float], int]:
    """Latencies of ``polls`` polls through our client set up beforehand, and the requests."""
    async with aiohttp.ClientSession() as session:
        client = FritzBoxRemoteAccess(
            session, box.host, port=box.port, username=info.username, password=info.password
        )
        await client.get_info()  # description, SCPD, digest challenge
        await asyncio.gather(client.get_info(), client.get_ddns_info())  # a second connection
        await sims.clear()
        latencies: list[float] = []
        for _ in range(polls):
            started = time.perf_counter()
            if together:
                await asyncio.gather(client.get_info(), client.get_ddns_info())
            else:
                await client.get_info()
                await client.get_ddns_info()
            latencies.append(time.perf_counter() - started)
        return latencies, await sims.requests()


def _fritzconnection_poll(fc: FritzConnection, polls: int) -> list[float]:
    latencies: list[float] = []
    for _ in range(polls):
        started = time.perf_counter()
        fc.call_action(_SERVICE, "GetInfo")
        fc.call_action(_SERVICE, "GetDDNSInfo")
        latencies.append(time.perf_counter() - started)
    return latencies


async def _fritzconnection_polls(
    sims: AsyncSimulatorProcess, box: Box, info: Boxes, polls: int
) -> tuple[list[float], int]:
    """Poll with fritzconnection (default settings) in a worker thread, set up beforehand."""
    fc = await asyncio.to_thread(FritzConnection, box.host, box.port, info.username, info.password)
    try:
        await asyncio.to_thread(_fritzconnection_poll, fc, 1)  # its first login
        await sims.clear()
        latencies = await asyncio.to_thread(_fritzconnection_poll, fc, polls)
        return latencies, await sims.requests()
    finally:
        fc.session.close()


async def _clients(sims: AsyncSimulatorProcess, reps: int, polls: int) -> dict[str, Any]:
    info = sims.info
    assert info is not None
    box = info.boxes[0]
    medians: dict[str, list[float]] = {"together": [], "one_after_other": [], "fritzconnection": []}
    requests: dict[str, list[float]] = {name: [] for name in medians}
    for rep in range(reps):
        order = list(medians) if rep % 2 == 0 else list(reversed(medians))
        for name in order:
            if name == "fritzconnection":
                latencies, sent = await _fritzconnection_polls(sims, box, info, polls)
            else:
                latencies, sent = await _our_polls(
                    sims, box, info, polls, together=name == "together"
                )
            requests[name].append(sent / polls)
            medians[name].append(median(latencies))
    return {
        "reps": reps,
        "polls": polls,
        "median_ms": {name: median(values) * 1000 for name, values in medians.items()},
        "median_ms_per_rep": {name: [v * 1000 for v in values] for name, values in medians.items()},
        "requests_per_poll": {name: median(values) for name, values in requests.items()},
        "together_vs_fritzconnection": paired_ratio(
            medians["together"], medians["fritzconnection"]
        ),
    }


# --- Home Assistant ---------------------------------------------------------------------------


def _entry(info: Boxes, box: Box) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="FRITZ!Box 7590",
        unique_id=box.udn,
        data={
            CONF_HOST: box.host,
            CONF_PORT: box.port,
            CONF_USE_TLS: False,
            CONF_USERNAME: info.username,
            CONF_PASSWORD: info.password,
        },
    )


def _make_resolver(_hass: HomeAssistant) -> AsyncResolver:
    resolver = AsyncResolver()
    resolver.real_close = resolver.close  # type: ignore[attr-defined]
    return resolver


class _Clock:
    """``dt_util.utcnow`` for the coordinator, moved by hand."""

    def __init__(self) -> None:
        self.now: datetime = dt_util.utcnow()

    def __call__(self) -> datetime:
        return self.now


async def _home_assistant(sims: AsyncSimulatorProcess, setup_reps: int) -> dict[str, Any]:
    info = sims.info
    assert info is not None
    entry = _entry(info, info.boxes[0])
    hass_cm = cast(
        "AbstractAsyncContextManager[HomeAssistant]",
        async_test_home_assistant(config_dir=get_test_config_dir()),
    )
    async with hass_cm as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)  # load custom_components/
        entry.add_to_hass(hass)
        setup_ms: list[float] = []
        setup_requests: list[int] = []
        for rep in range(setup_reps + 1):  # the first one imports the platforms: not counted
            if rep:
                assert await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_block_till_done()
            await sims.clear()
            started = time.perf_counter()
            assert await hass.config_entries.async_setup(entry.entry_id)
            took = time.perf_counter() - started
            await hass.async_block_till_done()
            assert entry.state is ConfigEntryState.LOADED
            if rep:
                setup_ms.append(took * 1000)
                setup_requests.append(await sims.requests())

        coordinator = cast("FritzRemoteAccessCoordinator", entry.runtime_data)
        refresh_ms: list[float] = []
        await sims.clear()
        for _ in range(20):
            started = time.perf_counter()
            await coordinator.async_refresh()
            refresh_ms.append((time.perf_counter() - started) * 1000)
            assert coordinator.last_update_success
        refresh_requests = await sims.requests() / 20

        # An hour of polls on the coordinator's clock: every five minutes one read more.
        clock = _Clock()
        polls = int(HOUR / SCAN_INTERVAL)
        with patch("custom_components.fritzbox_remote_access.coordinator.dt_util.utcnow", clock):
            await sims.clear()
            for _ in range(polls):
                clock.now += SCAN_INTERVAL
                await coordinator.async_refresh()
                assert coordinator.last_update_success
            hour_requests = await sims.requests()
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_stop(force=True)
    return {
        "setup_reps": setup_reps,
        "setup_ms": median(setup_ms),
        "setup_ms_samples": setup_ms,
        "setup_requests": median(setup_requests),
        "refresh_ms": median(refresh_ms),
        "refresh_requests": refresh_requests,
        "polls_per_hour": polls,
        "requests_per_hour": hour_requests,
        "app_remote_reads_per_hour": hour_requests - 2 * polls,
    }


async def _run(smoke: bool) -> dict[str, Any]:
    results: dict[str, Any] = {"latency_ms": LATENCY * 1000}
    with (
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver", side_effect=_make_resolver
        ),
        mock_storage(),
    ):
        async with AsyncSimulatorProcess() as sims:
            await sims.set_latency(LATENCY)
            results["clients"] = await _clients(
                sims, reps=1 if smoke else 5, polls=3 if smoke else 100
            )
            results["home_assistant"] = await _home_assistant(sims, setup_reps=2 if smoke else 9)
    return results


def report(results: dict[str, Any]) -> str:
    """Return the figures as Markdown, for BENCHMARKS.md."""
    clients = results["clients"]
    ms = clients["median_ms"]
    per_poll = clients["requests_per_poll"]
    ha = results["home_assistant"]
    ratio = clients["together_vs_fritzconnection"]
    return "\n".join(
        [
            f"**Poll with {results['latency_ms']:.0f} ms added per request** (median of "
            f"{clients['reps']} runs of {clients['polls']} polls each)",
            "",
            "| | median latency | requests per poll |",
            "|---|---:|---:|",
            f"| ours, both reads at once (as the integration polls) | {ms['together']:.1f} ms "
            f"| {per_poll['together']:.2f} |",
            f"| ours, one read after the other | {ms['one_after_other']:.1f} ms "
            f"| {per_poll['one_after_other']:.2f} |",
            f"| fritzconnection | {ms['fritzconnection']:.1f} ms "
            f"| {per_poll['fritzconnection']:.2f} |",
            "",
            f"Ours at once / fritzconnection: **{ratio:.2f}x** (target: at most 0.6x).",
            "",
            f"**The integration in Home Assistant, {results['latency_ms']:.0f} ms per request**",
            "",
            "| | median | requests |",
            "|---|---:|---:|",
            f"| set-up, `async_setup` to `LOADED` ({ha['setup_reps']} repetitions) "
            f"| {ha['setup_ms']:.1f} ms | {ha['setup_requests']:.0f} |",
            f"| coordinator refresh | {ha['refresh_ms']:.1f} ms | {ha['refresh_requests']:.2f} |",
            f"| an hour of polling ({ha['polls_per_hour']} polls) | - "
            f"| {ha['requests_per_hour']} ({ha['app_remote_reads_per_hour']} of them "
            "GetAppRemoteInfo) |",
            "",
        ]
    )


def main() -> None:
    """Measure and write the results (their Markdown included) as JSON; print the Markdown."""
    parser = argparse.ArgumentParser(description="Concurrent poll and set-up at 20 ms")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    logging.getLogger("fritzconnection").setLevel(logging.CRITICAL)
    results = asyncio.run(_run(args.smoke))
    results["markdown"] = report(results)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(results["markdown"])


if __name__ == "__main__":
    main()
