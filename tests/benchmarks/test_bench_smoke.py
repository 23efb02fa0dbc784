"""The benchmark still runs end to end and its request counts hold; no timing is asserted."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

from benchmarks.__main__ import RESULTS_DIR, report_paths

REPO = Path(__file__).resolve().parents[2]


def test_bench_smoke(tmp_path: Path) -> None:
    """``python -m benchmarks --smoke`` in its own process: HA's guards stay out of this one.

    fritzconnection runs against the unpatched simulator here, so this also guards the box's
    exact ``Content-Type: text/html`` on error pages: fritzconnection accepts the missing
    ``/igddesc.xml`` only with that header, and fails the run otherwise.
    """
    committed = (REPO / "BENCHMARKS.md").read_bytes()
    completed = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "benchmarks", "--smoke", "--out-dir", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads((tmp_path / "results.json").read_text())

    loopback = results["clients"]["loopback"]["summary"]
    ours, theirs = loopback["ours"], loopback["fritzconnection"]
    assert ours["setup_requests"] <= 5  # description, SCPD, GetInfo (challenge + retry), DDNS
    assert theirs["setup_requests"] >= 5 * ours["setup_requests"]
    assert ours["poll_requests"] == 2
    assert results["ha"]["part4"]["refresh_requests"] == 2
    assert results["ha"]["part4"]["setup"]["executor_jobs"] == 0
    assert results["ha"]["part4"]["refresh"]["executor_jobs"] == 0
    assert results["ha"]["detector"]["armed"]
    assert (tmp_path / "headline.png").stat().st_size > 0
    # The report lands beside its chart in the out dir; the committed one is left alone.
    report = (tmp_path / "BENCHMARKS.md").read_text()
    assert "](headline.png)" in report
    assert (REPO / "BENCHMARKS.md").read_bytes() == committed


def test_report_goes_to_the_repository_only_from_the_results_folder() -> None:
    """Only benchmarks/results updates BENCHMARKS.md; any other folder gets its own report."""
    assert report_paths(RESULTS_DIR) == (
        REPO / "BENCHMARKS.md",
        Path("benchmarks/results/headline.png"),
    )
    elsewhere = REPO / "artifacts" / "bench"
    assert report_paths(elsewhere) == (elsewhere / "BENCHMARKS.md", Path("headline.png"))
    outside = Path("/srv/bench")
    assert report_paths(outside) == (outside / "BENCHMARKS.md", Path("headline.png"))
