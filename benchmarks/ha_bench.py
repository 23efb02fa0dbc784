"""Parts 4 and 5: the integration inside Home Assistant's test harness.

Run as its own process (``python -m benchmarks.ha_bench --out FILE``): it switches on Home
Assistant's blocking-call detection for the whole process and traces memory with tracemalloc,
neither of which should leak into other measurements. The simulated boxes run in a child
process, so CPU time and memory measured here are Home Assistant's and the integration's only.

What "the event loop is never blocked" means here, measured three ways:

- executor jobs: every ``loop.run_in_executor`` call (``hass.async_add_executor_job``,
  ``hass.async_add_import_executor_job``, ``asyncio.to_thread`` and aiohttp's resolver all end
  there), each with whether a frame of the integration was on the stack when it was submitted;
- ``homeassistant.block_async_io`` is enabled, and every "Detected blocking call" log record
  (or ``RuntimeError`` it raises) is collected;
- the longest single callback the loop ran (each ``Handle._run`` is timed).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, field
import gc
import glob
import json
import logging
from pathlib import Path
import sys
import time
import traceback
import tracemalloc
from typing import TYPE_CHECKING, Any, cast
from unittest.mock import patch

from aiohttp.resolver import AsyncResolver
from homeassistant import block_async_io, loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_test_home_assistant,
    get_test_config_dir,
    mock_storage,
)

from custom_components.fritzbox_remote_access.const import CONF_USE_TLS, DOMAIN

from .simproc import AsyncSimulatorProcess
from .stats import median, percentile

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractAsyncContextManager

    from homeassistant.core import HomeAssistant

    from custom_components.fritzbox_remote_access.coordinator import (
        FritzRemoteAccessCoordinator,
    )

    from .simproc import Box, Boxes

_INTEGRATION_PATH = str(Path(__file__).resolve().parent.parent / "custom_components" / DOMAIN)
_BLOCKING_TEXT = "Detected blocking call"
_GROWTH_LEVELS = (1, 10, 50)


# --- instruments --------------------------------------------------------------------------


@dataclass(slots=True)
class ExecutorJob:
    """One executor submission: what ran, and whether our integration asked for it."""

    target: str
    from_integration: bool


@dataclass(slots=True)
class Instruments:
    """Counters that the patched loop and log handler feed."""

    jobs: list[ExecutorJob] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)
    all_blocking: list[str] = field(default_factory=list)
    max_callback: float = 0.0  # wall seconds
    max_callback_repr: str = ""
    max_callback_cpu: float = 0.0  # thread CPU seconds: unaffected by other processes
    max_callback_cpu_repr: str = ""
    max_gc_pause: float = 0.0
    gc_started: float = 0.0

    def reset(self) -> None:
        """Start a new measurement window."""
        self.jobs.clear()
        self.blocking.clear()
        self.max_callback = 0.0
        self.max_callback_repr = ""
        self.max_callback_cpu = 0.0
        self.max_callback_cpu_repr = ""
        self.max_gc_pause = 0.0

    def window(self) -> dict[str, Any]:
        """Report what happened since the last reset."""
        return {
            "executor_jobs": len(self.jobs),
            "executor_jobs_from_integration": sum(j.from_integration for j in self.jobs),
            "executor_targets": sorted({j.target for j in self.jobs}),
            "blocking_calls": list(self.blocking),
            "max_callback_ms": self.max_callback * 1000,
            "max_callback": self.max_callback_repr,
            "max_callback_cpu_ms": self.max_callback_cpu * 1000,
            "max_callback_cpu": self.max_callback_cpu_repr,
            "max_gc_pause_ms": self.max_gc_pause * 1000,
        }


class _BlockingLogHandler(logging.Handler):
    def __init__(self, instruments: Instruments) -> None:
        super().__init__(logging.DEBUG)
        self._instruments = instruments

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if _BLOCKING_TEXT in message:
            line = message.splitlines()[0][:300]
            self._instruments.blocking.append(line)
            self._instruments.all_blocking.append(line)


def _target_name(func: Callable[..., object]) -> str:
    while hasattr(func, "func"):  # functools.partial
        func = func.func
    module = getattr(func, "__module__", "?")
    return f"{module}.{getattr(func, '__qualname__', repr(func))}"


def _install(loop: asyncio.AbstractEventLoop, instruments: Instruments) -> None:
    """Patch the loop's executor entry point and the callback runner."""
    original_executor = loop.run_in_executor

    def run_in_executor(executor: Any, func: Callable[..., Any], *args: Any) -> Any:
        from_integration = any(
            frame.filename.startswith(_INTEGRATION_PATH) for frame in traceback.extract_stack()
        )
        instruments.jobs.append(ExecutorJob(_target_name(func), from_integration))
        return original_executor(executor, func, *args)

    loop.run_in_executor = run_in_executor  # type: ignore[method-assign,assignment]

    handle_class = asyncio.events.Handle
    original_run = handle_class._run  # noqa: SLF001 - the one place every callback runs

    def timed_run(self: asyncio.Handle) -> None:
        cpu_started = time.thread_time()
        started = time.perf_counter()
        original_run(self)
        took = time.perf_counter() - started
        cpu = time.thread_time() - cpu_started
        if took > instruments.max_callback:
            instruments.max_callback = took
            instruments.max_callback_repr = repr(self)[:300]
        if cpu > instruments.max_callback_cpu:
            instruments.max_callback_cpu = cpu
            instruments.max_callback_cpu_repr = repr(self)[:300]

    handle_class._run = timed_run  # type: ignore[method-assign]  # noqa: SLF001

    logging.getLogger().addHandler(_BlockingLogHandler(instruments))

    def gc_pause(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            instruments.gc_started = time.perf_counter()
        else:
            instruments.max_gc_pause = max(
                instruments.max_gc_pause, time.perf_counter() - instruments.gc_started
            )

    gc.callbacks.append(gc_pause)


# --- Home Assistant helpers ---------------------------------------------------------------


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


def _hass(config_dir: str) -> AbstractAsyncContextManager[HomeAssistant]:
    return cast(
        "AbstractAsyncContextManager[HomeAssistant]",
        async_test_home_assistant(config_dir=config_dir),
    )


def _make_resolver(_hass: HomeAssistant) -> AsyncResolver:
    resolver = AsyncResolver()
    resolver.real_close = resolver.close  # type: ignore[attr-defined]
    return resolver


def _plain_resolver() -> Any:
    """Do what the harness's ``mock_zeroconf_resolver`` fixture does: no zeroconf."""
    return patch(
        "homeassistant.helpers.aiohttp_client._async_make_resolver", side_effect=_make_resolver
    )


def _enable_custom_integrations(hass: HomeAssistant) -> None:
    """Do what the harness's ``enable_custom_integrations`` fixture does."""
    hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> float:
    """Set up one entry; seconds from async_setup to LOADED."""
    started = time.perf_counter()
    ok = await hass.config_entries.async_setup(entry.entry_id)
    took = time.perf_counter() - started
    await hass.async_block_till_done()
    if not ok or entry.state is not ConfigEntryState.LOADED:
        raise RuntimeError(f"entry did not load: {entry.state}")
    return took


def _coordinator(entry: MockConfigEntry) -> FritzRemoteAccessCoordinator:
    return cast("FritzRemoteAccessCoordinator", entry.runtime_data)


async def _refresh(coordinator: FritzRemoteAccessCoordinator) -> None:
    await coordinator.async_refresh()
    if not coordinator.last_update_success:
        raise RuntimeError(f"refresh failed: {coordinator.last_exception!r}")


def _enable_blocking_detection() -> None:
    """Every guard bootstrap installs in production, including those skipped under unittest."""
    block_async_io._IN_TESTS = False  # noqa: SLF001 - otherwise open() & co. go unguarded
    block_async_io.enable()


async def _detector_selftest(instruments: Instruments, config_dir: str) -> dict[str, Any]:
    """Prove the detection is armed: one deliberate blocking call, made by us, must be seen."""
    instruments.reset()
    glob.glob(f"{config_dir}/*.nothing")  # noqa: PTH207 - glob.glob is what is guarded
    armed = bool(instruments.blocking)
    instruments.reset()
    return {
        "armed": armed,
        "guarded": len(block_async_io._BLOCKED_CALLS.calls),  # noqa: SLF001
        "known": len(block_async_io._BLOCKING_CALLS),  # noqa: SLF001
    }


# --- part 4 -------------------------------------------------------------------------------


async def _part4(
    hass: HomeAssistant,
    sims: AsyncSimulatorProcess,
    instruments: Instruments,
    setup_reps: int,
    refreshes: int,
) -> dict[str, Any]:
    info = sims.info
    assert info is not None
    entry = _entry(info, info.boxes[0])
    entry.add_to_hass(hass)

    # Cold: the first set-up also imports the platforms and loads translations.
    instruments.reset()
    await sims.clear()
    cold = await _setup(hass, entry)
    cold_window = instruments.window()
    cold_requests = await sims.requests()

    # Warm: unload and set up again, as a reload does; a fresh coordinator and client each time.
    setup_times: list[float] = []
    setup_requests: list[int] = []
    instruments.reset()
    for _ in range(setup_reps):
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        await sims.clear()
        setup_times.append(await _setup(hass, entry))
        setup_requests.append(await sims.requests())
    setup_window = instruments.window()

    coordinator = _coordinator(entry)
    for _ in range(5):  # warm-up
        await _refresh(coordinator)
    instruments.reset()
    await sims.clear()
    refresh_times: list[float] = []
    cpu = time.process_time()
    for _ in range(refreshes):
        started = time.perf_counter()
        await _refresh(coordinator)
        refresh_times.append(time.perf_counter() - started)
    refresh_cpu = time.process_time() - cpu
    refresh_requests = await sims.requests()
    refresh_window = instruments.window()

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    return {
        "cold_setup_ms": cold * 1000,
        "cold_setup_requests": cold_requests,
        "cold_setup": cold_window,
        "setup_reps": setup_reps,
        "setup_ms": median(setup_times) * 1000,
        "setup_ms_samples": [t * 1000 for t in setup_times],
        "setup_requests": median(setup_requests),
        "setup": setup_window,
        "refreshes": refreshes,
        "refresh_ms": median(refresh_times) * 1000,
        "refresh_p95_ms": percentile(refresh_times, 0.95) * 1000,
        "refresh_cpu_ms": refresh_cpu / refreshes * 1000,
        "refresh_requests": refresh_requests / refreshes,
        "refresh": refresh_window,
    }


# --- part 5 -------------------------------------------------------------------------------


async def _growth_timing(
    hass: HomeAssistant,
    sims: AsyncSimulatorProcess,
    instruments: Instruments,
    levels: tuple[int, ...],
    rounds: int,
) -> list[dict[str, Any]]:
    """Refresh every entry at once (as if all their timers fired together) at each level."""
    info = sims.info
    assert info is not None
    entries: list[MockConfigEntry] = []
    results: list[dict[str, Any]] = []
    instruments.reset()
    for level in levels:
        while len(entries) < level:
            entry = _entry(info, info.boxes[len(entries)])
            entry.add_to_hass(hass)
            await _setup(hass, entry)
            entries.append(entry)
        coordinators = [_coordinator(e) for e in entries]
        await asyncio.gather(*(_refresh(c) for c in coordinators))  # warm-up
        await sims.clear()
        round_times: list[float] = []
        cpu = time.process_time()
        for _ in range(rounds):
            started = time.perf_counter()
            await asyncio.gather(*(_refresh(c) for c in coordinators))
            round_times.append(time.perf_counter() - started)
        round_cpu = time.process_time() - cpu
        requests = await sims.requests()
        results.append(
            {
                "entries": level,
                "rounds": rounds,
                "round_ms": median(round_times) * 1000,
                "per_entry_ms": median(round_times) * 1000 / level,
                "cpu_per_entry_ms": round_cpu / rounds / level * 1000,
                "requests_per_entry": requests / rounds / level,
            }
        )
    window = instruments.window()
    for entry in entries:
        await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    results.append({"instruments": window})
    return results


async def _growth_memory(
    hass: HomeAssistant, sims: AsyncSimulatorProcess, levels: tuple[int, ...]
) -> list[dict[str, Any]]:
    """Traced memory with 0 and ``levels`` entries loaded (each entry refreshed once more)."""
    info = sims.info
    assert info is not None
    points: list[dict[str, Any]] = []

    def traced() -> int:
        gc.collect()
        return tracemalloc.get_traced_memory()[0]

    points.append({"entries": 0, "bytes": traced()})
    count = 0
    for level in levels:
        while count < level:
            entry = _entry(info, info.boxes[count])
            entry.add_to_hass(hass)
            await _setup(hass, entry)
            await _refresh(_coordinator(entry))
            count += 1
        await hass.async_block_till_done()
        points.append({"entries": level, "bytes": traced()})
    return points


def _memory_summary(reps: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """Median slope per extra entry over the repetitions, and the first entry's cost."""
    first: list[float] = []
    extra: list[float] = []
    for points in reps:
        by_count = {p["entries"]: p["bytes"] for p in points}
        low, high = min(c for c in by_count if c > 0), max(by_count)
        first.append(by_count[low] - by_count[0])
        if high > low:
            extra.append((by_count[high] - by_count[low]) / (high - low))
    return {
        "first_entry_bytes": median(first),
        "per_extra_entry_bytes": median(extra),
        "points": reps,
    }


# --- driver -------------------------------------------------------------------------------


async def _run(config_dir: str, boxes: int, smoke: bool) -> dict[str, Any]:
    instruments = Instruments()
    _install(asyncio.get_running_loop(), instruments)
    levels = tuple(n for n in _GROWTH_LEVELS if n <= boxes) if not smoke else (1, boxes)
    results: dict[str, Any] = {"boxes": boxes, "levels": list(levels)}
    # As the harness's autouse ``hass_storage`` fixture: storage in memory, nothing written.
    with _plain_resolver(), mock_storage():
        return await _run_all(
            config_dir, boxes, smoke=smoke, instruments=instruments, levels=levels, results=results
        )


async def _run_all(
    config_dir: str,
    boxes: int,
    *,
    smoke: bool,
    instruments: Instruments,
    levels: tuple[int, ...],
    results: dict[str, Any],
) -> dict[str, Any]:
    async with AsyncSimulatorProcess(boxes=boxes) as sims:
        async with _hass(config_dir) as hass:
            _enable_custom_integrations(hass)
            _enable_blocking_detection()
            results["detector"] = await _detector_selftest(instruments, config_dir)
            try:
                results["part4"] = await _part4(
                    hass,
                    sims,
                    instruments,
                    setup_reps=3 if smoke else 15,
                    refreshes=5 if smoke else 200,
                )
                results["growth"] = await _growth_timing(
                    hass, sims, instruments, levels, rounds=1 if smoke else 7
                )
            finally:
                await hass.async_stop(force=True)

        memory_reps: list[list[dict[str, Any]]] = []
        for _ in range(1 if smoke else 3):
            async with _hass(config_dir) as hass:
                _enable_custom_integrations(hass)
                await sims.clear()
                tracemalloc.start()
                try:
                    memory_reps.append(await _growth_memory(hass, sims, levels))
                finally:
                    tracemalloc.stop()
                    await hass.async_stop(force=True)
        results["memory"] = _memory_summary(memory_reps)
    # Everything detected in the whole run, measured windows or not (e.g. the harness's own
    # mock.patch importing by name, and our self-test).
    results["blocking_calls_anywhere"] = instruments.all_blocking
    return results


def main() -> None:
    """Run parts 4 and 5 and write their results as JSON."""
    parser = argparse.ArgumentParser(description="Home Assistant harness benchmarks")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--boxes", type=int, default=max(_GROWTH_LEVELS))
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger().handlers[0].setLevel(logging.ERROR)  # blocking reports are collected
    # Repeated blocking-call reports are logged at DEBUG; count those too.
    logging.getLogger("homeassistant.util.loop").setLevel(logging.DEBUG)
    # "We found a custom integration ... not tested by Home Assistant", once per instance.
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    # The harness's own test configuration directory; nothing is written to it (the harness
    # keeps registries in memory), and no temporary directory has to be removed from the
    # thread that the blocking-call detection watches.
    results = asyncio.run(_run(get_test_config_dir(), args.boxes, args.smoke))
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
