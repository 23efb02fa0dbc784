"""``python -m benchmarks``: run every part, write BENCHMARKS.md, the chart and the raw JSON.

Into benchmarks/results/ and the repository's BENCHMARKS.md by default; with ``--out-dir`` all
three go to that folder and the committed report stays as it is. ``--smoke`` runs each part once
with tiny counts and writes to ``--out-dir`` (by default a temporary folder, never the committed
results); it checks request counts, never timings.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import platform
import subprocess
import sys
import tempfile
import time
from typing import Any

from fritzbox_simulator.description import walk_services

from .chart import draw_chart
from .client_bench import Plan, measure, quiet_fritzconnection
from .report import check_targets, render_markdown, smoke_failures
from .simproc import REPO, SimulatorProcess

RESULTS_DIR = REPO / "benchmarks" / "results"
LATENCY = 0.020
FULL = {
    "loopback": Plan(latency=0.0, setup_reps=15, poll_reps=5, polls=500, floor=True),
    "latency": Plan(latency=LATENCY, setup_reps=9, poll_reps=3, polls=500),
}
SMOKE = {
    "loopback": Plan(latency=0.0, setup_reps=1, poll_reps=1, polls=5, warmup_polls=1, floor=True),
    "latency": Plan(latency=LATENCY, setup_reps=1, poll_reps=1, polls=2, warmup_polls=1),
}
HA_BOXES = 50
SMOKE_HA_BOXES = 3


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """Describe the machine the numbers were measured on."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            name: _version(name)
            for name in ("homeassistant", "aiohttp", "fritzconnection", "requests", "urllib3")
        },
    }


def _ha_part(out: Path, smoke: bool) -> dict[str, Any]:
    """Parts 4 and 5 run in their own process (blocking-call guards, tracemalloc)."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.ha_bench",
        "--out",
        str(out),
        "--boxes",
        str(SMOKE_HA_BOXES if smoke else HA_BOXES),
    ]
    if smoke:
        command.append("--smoke")
    subprocess.run(command, cwd=REPO, check=True)  # noqa: S603 - our own module
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()  # folded into results.json
    return result


def _concurrent_part(out: Path, smoke: bool) -> dict[str, Any]:
    """Part 6, the poll with both reads at once at 20 ms, in its own process (Home Assistant)."""
    command = [sys.executable, "-m", "benchmarks.poll_latency", "--out", str(out)]
    if smoke:
        command.append("--smoke")
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()  # folded into results.json
    return result


def run(smoke: bool, out_dir: Path) -> dict[str, Any]:
    """Every part, in one run; returns everything the report needs."""
    quiet_fritzconnection()
    plans = SMOKE if smoke else FULL
    started = time.perf_counter()
    results: dict[str, Any] = {"smoke": smoke, "machine": machine(), "clients": {}}
    with SimulatorProcess() as sim:
        assert sim.info is not None
        results["simulator"] = {
            "profile": sim.info.profile,
            "services": len(tuple(walk_services())),
        }
        for name, plan in plans.items():
            print(f"parts 1-3: {name} ({plan.latency * 1000:.0f} ms added)", flush=True)
            results["clients"][name] = measure(sim, plan, progress=not smoke)
    print("parts 4-5: Home Assistant harness", flush=True)
    results["ha"] = _ha_part(out_dir / "ha.json", smoke)
    print("part 6: the poll with both reads at once (20 ms added)", flush=True)
    results["concurrent"] = _concurrent_part(out_dir / "poll_latency.json", smoke)
    results["machine"]["load_average_end"] = list(os.getloadavg())
    results["duration_s"] = time.perf_counter() - started
    results["targets"] = check_targets(results)
    return results


def report_paths(out_dir: Path) -> tuple[Path, Path]:
    """Where the report goes and how it links the chart (relative to the report itself)."""
    chart = out_dir / "headline.png"
    if out_dir.resolve() == RESULTS_DIR.resolve():
        return REPO / "BENCHMARKS.md", chart.relative_to(REPO)
    return out_dir / "BENCHMARKS.md", Path(chart.name)


def write_report(results: dict[str, Any], out_dir: Path) -> Path:
    """Write the Markdown report for ``results`` (see ``report_paths``); return its path."""
    markdown, chart_link = report_paths(out_dir)
    markdown.write_text(render_markdown(results, chart_link))
    return markdown


def main() -> None:
    """Parse arguments, run, write outputs."""
    parser = argparse.ArgumentParser(description="Benchmarks against fritzconnection")
    parser.add_argument("--smoke", action="store_true", help="tiny counts; checks requests only")
    parser.add_argument("--out-dir", type=Path, help="default: benchmarks/results (full runs)")
    args = parser.parse_args()
    # A smoke run's tiny counts must never replace the committed results.
    out_dir: Path = (
        args.out_dir
        or (Path(tempfile.mkdtemp(prefix="fra-bench-smoke-")) if args.smoke else RESULTS_DIR)
    ).resolve()
    if args.smoke and out_dir == RESULTS_DIR.resolve():
        parser.error("--smoke never writes to benchmarks/results (the committed results)")
    out_dir.mkdir(parents=True, exist_ok=True)

    results = run(args.smoke, out_dir)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    chart = out_dir / "headline.png"
    draw_chart(
        chart,
        results["clients"]["loopback"],
        results["clients"]["latency"],
        LATENCY * 1000,
        subtitle=(
            f"medians of repeated runs · {results['machine']['cpu']}, "
            f"{results['machine']['cpus']} CPUs · {results['machine']['date']}"
        ),
    )
    markdown = write_report(results, out_dir)
    if args.smoke:
        failures = smoke_failures(results)
        for failure in failures:
            print(f"smoke: FAILED: {failure}", file=sys.stderr)
        print(f"smoke: {'failed' if failures else 'ok'} in {results['duration_s']:.1f} s")
        sys.exit(1 if failures else 0)
    for target in results["targets"]:
        print(f"{'met   ' if target['met'] else 'MISSED'} {target['name']}: {target['measured']}")
    print(f"done in {results['duration_s']:.0f} s; wrote {markdown} and {chart}")


if __name__ == "__main__":
    main()
