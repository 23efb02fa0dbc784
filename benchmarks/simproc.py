"""Start and steer ``benchmarks.simserver`` from the benchmark process (sync and async)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import json
from pathlib import Path
import subprocess
import sys
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from types import TracebackType

REPO = Path(__file__).resolve().parent.parent
_COMMAND = (sys.executable, "-m", "benchmarks.simserver")
_STOP_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class Box:
    """Where one simulated box listens."""

    host: str
    port: int
    udn: str


@dataclass(frozen=True, slots=True)
class Boxes:
    """The first line the child prints: its boxes and their credentials."""

    username: str
    password: str
    profile: str
    boxes: tuple[Box, ...]

    @classmethod
    def parse(cls, line: str) -> Boxes:
        """Read the child's greeting."""
        data = json.loads(line)
        return cls(
            username=data["username"],
            password=data["password"],
            profile=data["profile"],
            boxes=tuple(Box(b["host"], int(b["port"]), b["udn"]) for b in data["boxes"]),
        )


def _answer(line: str) -> dict[str, Any]:
    if not line:
        raise RuntimeError("the simulator process ended unexpectedly")
    answer: dict[str, Any] = json.loads(line)
    if "error" in answer:
        raise RuntimeError(answer["error"])
    return answer


class SimulatorProcess:
    """Blocking control, for code that is not inside an event loop."""

    def __init__(self, boxes: int = 1, profile: str = "modern") -> None:
        """Remember what to start; ``with`` starts it."""
        self._args = ("--boxes", str(boxes), "--profile", profile)
        self._proc: subprocess.Popen[str] | None = None
        self.info: Boxes | None = None

    def __enter__(self) -> Self:
        """Start the child and read its greeting."""
        self._proc = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            (*_COMMAND, *self._args),
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        self.info = Boxes.parse(self._proc.stdout.readline())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Ask the child to quit; kill it if it does not."""
        proc = self._proc
        if proc is None:
            return
        try:
            assert proc.stdin is not None
            proc.stdin.write("quit\n")
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def command(self, line: str) -> dict[str, Any]:
        """Send one command and return its answer."""
        proc = self._proc
        assert proc is not None
        assert proc.stdin is not None
        assert proc.stdout is not None
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        return _answer(proc.stdout.readline())

    def requests(self) -> int:
        """HTTP requests the boxes served since the last clear."""
        return int(self.command("stats")["requests"])

    def clear(self) -> None:
        """Forget the request logs."""
        self.command("clear")

    def set_latency(self, seconds: float) -> None:
        """Add latency to every request on every box."""
        self.command(f"latency {seconds}")


class AsyncSimulatorProcess:
    """The same control without blocking an event loop (for the Home Assistant benchmarks)."""

    def __init__(self, boxes: int = 1, profile: str = "modern") -> None:
        """Remember what to start; ``async with`` starts it."""
        self._args = ("--boxes", str(boxes), "--profile", profile)
        self._proc: asyncio.subprocess.Process | None = None
        self.info: Boxes | None = None

    async def __aenter__(self) -> Self:
        """Start the child and read its greeting."""
        self._proc = await asyncio.create_subprocess_exec(
            *_COMMAND,
            *self._args,
            cwd=REPO,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self._proc.stdout is not None
        self.info = Boxes.parse((await self._proc.stdout.readline()).decode())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Ask the child to quit; kill it if it does not."""
        proc = self._proc
        if proc is None:
            return
        if proc.stdin is not None:
            try:
                proc.stdin.write(b"quit\n")
                await proc.stdin.drain()
                proc.stdin.close()
            except OSError:
                pass
        try:
            await asyncio.wait_for(proc.wait(), _STOP_TIMEOUT)
        except TimeoutError:
            proc.kill()
            await proc.wait()

    async def command(self, line: str) -> dict[str, Any]:
        """Send one command and return its answer."""
        proc = self._proc
        assert proc is not None
        assert proc.stdin is not None
        assert proc.stdout is not None
        proc.stdin.write(line.encode() + b"\n")
        await proc.stdin.drain()
        return _answer((await proc.stdout.readline()).decode())

    async def requests(self) -> int:
        """HTTP requests the boxes served since the last clear."""
        return int((await self.command("stats"))["requests"])

    async def clear(self) -> None:
        """Forget the request logs."""
        await self.command("clear")

    async def set_latency(self, seconds: float) -> None:
        """Add latency to every request on every box."""
        await self.command(f"latency {seconds}")
