"""Parts 1-3: set-up and steady-state polling, our client against fritzconnection.

Both clients run in this process's main thread, one after the other; the simulated box runs in a
child process. So ``time.process_time()`` here is client CPU time only (aiohttp needs no helper
thread for an IP literal, requests none at all), and the box's request log gives the number of
HTTP requests each client really sent, digest 401 round trips included.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import asdict, dataclass, field
import json
import logging
import resource
import time
from typing import TYPE_CHECKING, Any

import aiohttp
from fritzconnection import FritzConnection  # type: ignore[import-untyped]

from custom_components.fritzbox_remote_access.tr064 import FritzBoxRemoteAccess

from .simproc import SimulatorProcess
from .stats import median, paired_ratio, percentile

if TYPE_CHECKING:
    from .simproc import Box

OURS = "ours"
FRITZCONNECTION = "fritzconnection"
CONTENDERS = (OURS, FRITZCONNECTION)
AIOHTTP_FLOOR = "aiohttp floor"
_SERVICE = "X_AVM-DE_RemoteAccess1"
_SERVICE_TYPE = "urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1"


@dataclass(frozen=True, slots=True)
class SetupSample:
    """One set-up: from nothing to the first GetInfo + GetDDNSInfo results."""

    requests: int
    wall: float  # seconds
    cpu: float  # seconds


@dataclass(frozen=True, slots=True)
class PollSample:
    """One run of ``polls`` polls (GetInfo + GetDDNSInfo) on a set-up client."""

    polls: int
    requests: int
    median: float  # seconds per poll
    p95: float
    cpu_per_poll: float
    user_per_poll: float
    system_per_poll: float

    @property
    def requests_per_poll(self) -> float:
        """Requests divided by polls."""
        return self.requests / self.polls


@dataclass(slots=True)
class ContenderResult:
    """All samples of one contender under one latency."""

    setups: list[SetupSample] = field(default_factory=list)
    polls: list[PollSample] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        """Medians over the repetitions."""
        return {
            "setup_requests": median([s.requests for s in self.setups]),
            "setup_wall_ms": median([s.wall for s in self.setups]) * 1000,
            "setup_cpu_ms": median([s.cpu for s in self.setups]) * 1000,
            "poll_requests": median([p.requests_per_poll for p in self.polls]),
            "poll_median_ms": median([p.median for p in self.polls]) * 1000,
            "poll_p95_ms": median([p.p95 for p in self.polls]) * 1000,
            "poll_cpu_ms": median([p.cpu_per_poll for p in self.polls]) * 1000,
            "poll_user_ms": median([p.user_per_poll for p in self.polls]) * 1000,
            "poll_system_ms": median([p.system_per_poll for p in self.polls]) * 1000,
        }


@dataclass(frozen=True, slots=True)
class CpuSplit:
    """User and kernel CPU seconds of this process (getrusage), for the split only."""

    user: float
    system: float

    @classmethod
    def now(cls) -> CpuSplit:
        """Read the current totals."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return cls(usage.ru_utime, usage.ru_stime)

    def since(self, start: CpuSplit) -> CpuSplit:
        """Difference to an earlier reading."""
        return CpuSplit(self.user - start.user, self.system - start.system)


class _AsyncPoller:
    """Drives an async client from sync code through one long-lived event loop."""

    def __init__(self, runner: asyncio.Runner) -> None:
        """Nothing is sent before ``setup``."""
        self._runner = runner
        self._session: aiohttp.ClientSession | None = None

    async def _poll_once(self) -> None:
        raise NotImplementedError

    async def _polls(self, count: int) -> tuple[list[float], float]:
        latencies: list[float] = []
        cpu = time.process_time()
        for _ in range(count):
            started = time.perf_counter()
            await self._poll_once()
            latencies.append(time.perf_counter() - started)
        return latencies, time.process_time() - cpu

    def timed_polls(self, count: int) -> tuple[list[float], float]:
        """Poll ``count`` times; latencies and total CPU seconds."""
        return self._runner.run(self._polls(count))

    def poll(self) -> None:
        """One untimed poll."""
        self.timed_polls(1)

    def close(self) -> None:
        """Close the session (and its keep-alive connection)."""
        if self._session is not None:
            self._runner.run(self._session.close())
            self._session = None


class OurClient(_AsyncPoller):
    """Our async client, driven from sync code through one long-lived event loop."""

    def __init__(self, runner: asyncio.Runner, box: Box, username: str, password: str) -> None:
        """Nothing is sent before ``setup``."""
        super().__init__(runner)
        self._box = box
        self._username = username
        self._password = password
        self._client: FritzBoxRemoteAccess | None = None

    async def _setup(self) -> tuple[float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        self._session = aiohttp.ClientSession()
        self._client = FritzBoxRemoteAccess(
            self._session,
            self._box.host,
            port=self._box.port,
            username=self._username,
            password=self._password,
        )
        await self._client.get_info()
        await self._client.get_ddns_info()
        return time.perf_counter() - wall, time.process_time() - cpu

    def timed_setup(self) -> tuple[float, float]:
        """Set up; (wall, cpu) seconds measured inside the loop."""
        return self._runner.run(self._setup())

    def setup(self) -> None:
        """Set up without caring for the time."""
        self.timed_setup()

    async def _poll_once(self) -> None:
        client = self._client
        assert client is not None
        await client.get_info()
        await client.get_ddns_info()


class FritzConnectionClient:
    """fritzconnection with its default settings: reads the description and every SCPD."""

    def __init__(self, box: Box, username: str, password: str) -> None:
        """Nothing is sent before ``setup``."""
        self._box = box
        self._username = username
        self._password = password
        self._fc: FritzConnection | None = None

    def timed_setup(self) -> tuple[float, float]:
        """Set up; (wall, cpu) seconds."""
        cpu, wall = time.process_time(), time.perf_counter()
        self._fc = FritzConnection(self._box.host, self._box.port, self._username, self._password)
        self._fc.call_action(_SERVICE, "GetInfo")
        self._fc.call_action(_SERVICE, "GetDDNSInfo")
        return time.perf_counter() - wall, time.process_time() - cpu

    def setup(self) -> None:
        """Set up without caring for the time."""
        self.timed_setup()

    def timed_polls(self, count: int) -> tuple[list[float], float]:
        """Poll ``count`` times; latencies and total CPU seconds."""
        fc = self._fc
        assert fc is not None
        latencies: list[float] = []
        cpu = time.process_time()
        for _ in range(count):
            started = time.perf_counter()
            fc.call_action(_SERVICE, "GetInfo")
            fc.call_action(_SERVICE, "GetDDNSInfo")
            latencies.append(time.perf_counter() - started)
        return latencies, time.process_time() - cpu

    def poll(self) -> None:
        """One untimed poll."""
        self.timed_polls(1)

    def close(self) -> None:
        """Close the requests session."""
        if self._fc is not None:
            self._fc.session.close()
            self._fc = None


class AiohttpFloor(_AsyncPoller):
    """Not a contender: what any aiohttp-based client pays for the same two requests.

    The same two SOAP POSTs (same headers and bodies) through a bare ``aiohttp.ClientSession``
    with ``DigestAuthMiddleware(preemptive=True)``; bodies are read, not parsed. The
    difference to our client is what our own code costs.
    """

    def __init__(self, runner: asyncio.Runner, box: Box, username: str, password: str) -> None:
        """Nothing is sent before ``setup``."""
        super().__init__(runner)
        self._url = f"http://{box.host}:{box.port}/upnp/control/x_remote"
        self._auth = aiohttp.DigestAuthMiddleware(username, password, preemptive=True)
        self._requests = tuple(
            (
                {
                    "Content-Type": 'text/xml; charset="utf-8"',
                    "SOAPACTION": f'"{_SERVICE_TYPE}#{action}"',
                },
                (
                    '<?xml version="1.0" encoding="utf-8"?>\n<s:Envelope '
                    'xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
                    's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
                    f'<s:Body><u:{action} xmlns:u="{_SERVICE_TYPE}"></u:{action}></s:Body>'
                    "</s:Envelope>"
                ).encode(),
            )
            for action in ("GetInfo", "GetDDNSInfo")
        )

    async def _poll_once(self) -> None:
        session = self._session
        assert session is not None
        for headers, body in self._requests:
            async with session.post(
                self._url, headers=headers, data=body, middlewares=(self._auth,)
            ) as response:
                await response.read()
                if response.status != 200:  # noqa: PLR2004 - HTTP OK
                    raise RuntimeError(f"floor request answered {response.status}")

    async def _setup(self) -> None:
        self._session = aiohttp.ClientSession()
        await self._poll_once()

    def setup(self) -> None:
        """Open the session; the first poll fetches the digest challenge."""
        self._runner.run(self._setup())


type AnyClient = OurClient | FritzConnectionClient | AiohttpFloor


@dataclass(frozen=True, slots=True)
class Plan:
    """How much to measure under one latency."""

    latency: float
    setup_reps: int
    poll_reps: int
    polls: int
    warmup_polls: int = 20
    floor: bool = False  # also poll with AiohttpFloor (a reference, not a contender)


def _make(name: str, runner: asyncio.Runner, sim: SimulatorProcess, box: Box) -> AnyClient:
    info = sim.info
    assert info is not None
    if name == OURS:
        return OurClient(runner, box, info.username, info.password)
    if name == AIOHTTP_FLOOR:
        return AiohttpFloor(runner, box, info.username, info.password)
    return FritzConnectionClient(box, info.username, info.password)


def _order(rep: int) -> tuple[str, ...]:
    """Alternate who goes first, so that drift on a shared machine hits both alike."""
    return CONTENDERS if rep % 2 == 0 else CONTENDERS[::-1]


def measure(sim: SimulatorProcess, plan: Plan, progress: bool = True) -> dict[str, Any]:
    """Run set-up and polling repetitions for both contenders under ``plan.latency``."""
    info = sim.info
    assert info is not None
    box = info.boxes[0]
    sim.set_latency(plan.latency)
    results = {name: ContenderResult() for name in (*CONTENDERS, AIOHTTP_FLOOR)}
    with asyncio.Runner() as runner:
        # Warm-up: imports, first-use code paths, the box's nonce table; not measured.
        for name in (*CONTENDERS, AIOHTTP_FLOOR):
            client = _make(name, runner, sim, box)
            client.setup()
            for _ in range(plan.warmup_polls):
                client.poll()
            client.close()

        for rep in range(plan.setup_reps):
            for name in _order(rep):
                client = _make(name, runner, sim, box)
                assert not isinstance(client, AiohttpFloor)
                sim.clear()
                wall, cpu = client.timed_setup()
                results[name].setups.append(SetupSample(sim.requests(), wall, cpu))
                client.close()

        for rep in range(plan.poll_reps):
            for name in (*_order(rep), *((AIOHTTP_FLOOR,) if plan.floor else ())):
                client = _make(name, runner, sim, box)
                client.setup()
                for _ in range(plan.warmup_polls):
                    client.poll()
                sim.clear()
                split = CpuSplit.now()
                latencies, cpu = client.timed_polls(plan.polls)
                split = CpuSplit.now().since(split)
                requests = sim.requests()
                client.close()
                results[name].polls.append(
                    PollSample(
                        polls=plan.polls,
                        requests=requests,
                        median=median(latencies),
                        p95=percentile(latencies, 0.95),
                        cpu_per_poll=cpu / plan.polls,
                        user_per_poll=split.user / plan.polls,
                        system_per_poll=split.system / plan.polls,
                    )
                )
                if progress:
                    sample = results[name].polls[-1]
                    print(
                        f"  latency {plan.latency * 1000:.0f} ms, poll rep {rep + 1}/"
                        f"{plan.poll_reps}, {name}: {sample.requests_per_poll:.2f} req/poll, "
                        f"median {sample.median * 1000:.2f} ms",
                        flush=True,
                    )
    sim.set_latency(0.0)
    return _report(plan, results)


def _report(plan: Plan, results: dict[str, ContenderResult]) -> dict[str, Any]:
    ours, theirs = results[OURS], results[FRITZCONNECTION]
    ratios = {
        # How many times more fritzconnection needs than we do, pair by pair.
        "setup_requests": paired_ratio(
            [s.requests for s in theirs.setups], [s.requests for s in ours.setups]
        ),
        "setup_wall": paired_ratio([s.wall for s in theirs.setups], [s.wall for s in ours.setups]),
        "setup_cpu": paired_ratio([s.cpu for s in theirs.setups], [s.cpu for s in ours.setups]),
        "poll_requests": paired_ratio(
            [p.requests_per_poll for p in theirs.polls], [p.requests_per_poll for p in ours.polls]
        ),
        "poll_median": paired_ratio(
            [p.median for p in theirs.polls], [p.median for p in ours.polls]
        ),
        "poll_p95": paired_ratio([p.p95 for p in theirs.polls], [p.p95 for p in ours.polls]),
        "poll_cpu": paired_ratio(
            [p.cpu_per_poll for p in theirs.polls], [p.cpu_per_poll for p in ours.polls]
        ),
        "poll_user": paired_ratio(
            [p.user_per_poll for p in theirs.polls], [p.user_per_poll for p in ours.polls]
        ),
    }
    floor = results[AIOHTTP_FLOOR]
    return {
        "plan": asdict(plan),
        "summary": {name: results[name].summary() for name in CONTENDERS},
        "floor": {key: value for key, value in floor.summary().items() if key.startswith("poll_")}
        if floor.polls
        else None,
        "floor_samples": [asdict(p) for p in floor.polls],
        "ratios": ratios,
        "samples": {
            name: {
                "setups": [asdict(s) for s in results[name].setups],
                "polls": [asdict(p) for p in results[name].polls],
            }
            for name in CONTENDERS
        },
    }


def quiet_fritzconnection() -> None:
    """Keep the output readable: fritzconnection logs a missing igddesc.xml at INFO."""
    logging.getLogger("fritzconnection").setLevel(logging.WARNING)


def main() -> None:
    """``python -m benchmarks.client_bench``: parts 1-3 only, printed; writes nothing."""
    parser = argparse.ArgumentParser(description="Client benchmark only (no report)")
    parser.add_argument("--polls", type=int, default=500, help="polls per run")
    parser.add_argument("--poll-reps", type=int, default=5, help="poll runs per contender")
    parser.add_argument("--setup-reps", type=int, default=15, help="set-ups per contender")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added per request")
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON")
    args = parser.parse_args()
    quiet_fritzconnection()
    plan = Plan(
        latency=args.latency_ms / 1000,
        setup_reps=args.setup_reps,
        poll_reps=args.poll_reps,
        polls=args.polls,
        floor=True,
    )
    with SimulatorProcess() as sim:
        result = measure(sim, plan, progress=False)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name, summary in (*result["summary"].items(), (AIOHTTP_FLOOR, result["floor"] or {})):
        figures = ", ".join(f"{key} {value:.3f}" for key, value in summary.items())
        print(f"{name}: {figures}")


if __name__ == "__main__":
    main()
