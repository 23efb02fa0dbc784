"""Child process hosting N simulated boxes, steered line by line over stdin/stdout.

Start: ``python -m benchmarks.simserver --boxes N``. The first stdout line is JSON describing
the boxes; then every stdin line is one command and gets one JSON line back:

- ``stats``: requests served since the last ``clear`` (total, per status, per box)
- ``clear``: forget the request logs
- ``latency SECONDS``: added latency per request, on every box
- ``quit``: stop the boxes and exit (so does end of input)
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
import json
import sys
from typing import Any

from fritzbox_simulator import FritzBoxSimulator, SimulatorConfig

USERNAME = "admin"
PASSWORD = "bench-password-1"  # noqa: S105 - a simulated box on loopback, not a secret
HOST = "127.0.0.1"


def _stats(boxes: list[FritzBoxSimulator]) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    per_box: list[int] = []
    paths: Counter[str] = Counter()
    for sim in boxes:
        entries = sim.log.entries
        per_box.append(len(entries))
        for entry in entries:
            statuses[str(entry.status)] += 1
            paths[f"{entry.method} {entry.path}"] += 1
    return {
        "requests": sum(per_box),
        "by_status": dict(statuses),
        "per_box": per_box,
        "distinct_paths": len(paths),
        "get_requests": sum(n for key, n in paths.items() if key.startswith("GET ")),
        "post_requests": sum(n for key, n in paths.items() if key.startswith("POST ")),
    }


def _handle(line: str, boxes: list[FritzBoxSimulator]) -> dict[str, Any] | None:
    """Answer one command; None means quit."""
    command, _, argument = line.strip().partition(" ")
    if command == "stats":
        return _stats(boxes)
    if command == "clear":
        for sim in boxes:
            sim.log.clear()
        return {"ok": True}
    if command == "latency":
        seconds = float(argument)
        for sim in boxes:
            sim.faults.latency = seconds
        return {"ok": True, "latency": seconds}
    if command in ("quit", ""):
        return None
    return {"error": f"unknown command {command!r}"}


async def _serve(count: int, profile: str) -> None:
    boxes: list[FritzBoxSimulator] = []
    try:
        for _ in range(count):
            config = SimulatorConfig(
                username=USERNAME,
                password=PASSWORD,
                profile="legacy" if profile == "legacy" else "modern",
            )
            sim = FritzBoxSimulator(config)
            await sim.start(host=HOST, port=0)
            boxes.append(sim)
        hello = {
            "username": USERNAME,
            "password": PASSWORD,
            "profile": profile,
            "boxes": [{"host": sim.host, "port": sim.port, "udn": sim.udn} for sim in boxes],
        }
        print(json.dumps(hello), flush=True)

        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while True:
            raw = await reader.readline()
            answer = _handle(raw.decode(), boxes)
            if answer is None:
                break
            print(json.dumps(answer), flush=True)
    finally:
        for sim in boxes:
            await sim.stop()


def main() -> None:
    """Parse arguments and serve until told to quit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=1)
    parser.add_argument("--profile", choices=("modern", "legacy"), default="modern")
    args = parser.parse_args()
    if not 1 <= args.boxes <= 200:  # noqa: PLR2004 - a sanity bound, loopback ports are cheap
        parser.error("--boxes must be between 1 and 200")
    asyncio.run(_serve(args.boxes, args.profile))


if __name__ == "__main__":
    main()
