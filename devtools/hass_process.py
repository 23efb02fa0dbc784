"""Running a real Home Assistant (``hass``) on a loopback port with its configuration folder.

The HTTP server's address and port go into its store (.storage/http) before each start: Home
Assistant 2026.10 no longer takes them from configuration.yaml for good. Onboarding's
"core_config" step is marked done in the configuration folder before the first start instead of
being posted: posting it makes Home Assistant set up four unrelated integrations (Met.no, Google
Translate, Radio Browser, shopping list), which would pip-install their libraries and reach out
to the internet. Location, units and time zone come from configuration.yaml instead.

The integration's DNS check asks the demo box's DNS server: the development-only integration
``fritzbox_demo_dns`` (linked next to ours, loaded from configuration.yaml) points it there, at
the address written to demo-dns.yaml before each start.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
import shutil
import signal
import subprocess
import sys
import time
from typing import IO, TYPE_CHECKING
import urllib.request

from .hass_api import DOMAIN, HassClient
from .processes import die_with_parent, free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO = Path(__file__).resolve().parents[1]
INTEGRATION = REPO / "custom_components" / DOMAIN
DEMO_DNS = "fritzbox_demo_dns"
DEMO_DNS_FILE = "demo-dns.yaml"
# The demo DNS lines of configuration.yaml (added to one of ours that lacks them).
DEMO_DNS_CONFIGURATION = f"""
# Development only (devtools/{DEMO_DNS}): the integration's DNS check asks the demo box's
# DNS server on loopback, whose address is written to {DEMO_DNS_FILE} before each start.
{DEMO_DNS}: !include {DEMO_DNS_FILE}
"""
INSTALL_MARK = "Attempting install"
# In every configuration.yaml written here: tells scripts/develop --reset the folder is its own.
CONFIGURATION_MARK = "a minimal Home Assistant for the"

CONFIGURATION = (
    """\
# Written by devtools/hass_process.py: a minimal Home Assistant for the FRITZ!Box Remote
# Access integration. Home Assistant adds its default integrations itself; scripts/setup
# installs every library they need, so nothing is pip-installed at start.
homeassistant:
  name: FRITZ!Box demo
  latitude: 52.5163
  longitude: 13.3777
  elevation: 34
  unit_system: metric
  time_zone: Europe/Berlin
  country: DE
  currency: EUR
  language: en

frontend:
config:
# No http: here. Home Assistant keeps its HTTP settings in .storage/http (YAML would be
# migrated once, as a trial to confirm in the UI); the listen address (127.0.0.1 only) and
# port are written there before each start.

logger:
  default: warning
  logs:
    # Shows "Attempting install" should Home Assistant ever pip-install something at start.
    homeassistant.util.package: info
    # debug shows every request to the box
    custom_components.{domain}: info
    # The ffmpeg integration always loads, but nothing here needs the (large) ffmpeg program.
    haffmpeg: critical
"""
    + DEMO_DNS_CONFIGURATION
)


class HassProcessError(RuntimeError):
    """Home Assistant did not start."""


class HassProcess:
    """One ``hass`` process on 127.0.0.1 with its configuration folder."""

    def __init__(self, config_dir: Path, port: int) -> None:
        """Describe the instance; ``prepare`` and ``start`` make it real."""
        self.config_dir = config_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def log_file(self) -> Path:
        """Home Assistant's own log."""
        return self.config_dir / "home-assistant.log"

    def client(self) -> HassClient:
        """Return a REST client for this instance (not logged in yet)."""
        return HassClient(self.url)

    # -- configuration folder --------------------------------------------------------------

    def made_here(self) -> bool:
        """Whether the configuration folder was written by ``prepare`` (so may be deleted)."""
        configuration = self.config_dir / "configuration.yaml"
        with contextlib.suppress(OSError, UnicodeDecodeError):
            return CONFIGURATION_MARK in configuration.read_text()
        return False

    def prepare(self, nameserver: str) -> None:
        """Create what is missing: configuration, links to the integrations, onboarding store.

        An existing configuration.yaml is kept as it is (a developer may have edited it), but
        gains the demo DNS lines if it is ours and lacks them. ``nameserver`` (``host:port``)
        is the DNS server the integration's DNS check asks.
        """
        self.config_dir.mkdir(parents=True, exist_ok=True)
        configuration = self.config_dir / "configuration.yaml"
        if not configuration.exists():
            configuration.write_text(CONFIGURATION.format(domain=DOMAIN))
        elif self.made_here() and f"\n{DEMO_DNS}:" not in configuration.read_text():
            with configuration.open("a") as appended:
                appended.write(DEMO_DNS_CONFIGURATION)
        (self.config_dir / DEMO_DNS_FILE).write_text(
            f"# Written by devtools/hass_process.py before each start.\nnameserver: {nameserver}\n"
        )
        self._link(DOMAIN, INTEGRATION)
        self._link(DEMO_DNS, Path(__file__).parent / DEMO_DNS)
        storage = self.config_dir / ".storage"
        storage.mkdir(exist_ok=True)
        if not (storage / "onboarding").exists():
            done = {"done": ["core_config"]}
            onboarding = {"version": 4, "minor_version": 1, "key": "onboarding", "data": done}
            (storage / "onboarding").write_text(json.dumps(onboarding, indent=2))
        self._write_http_settings(storage / "http")

    def _link(self, domain: str, target: Path) -> None:
        """custom_components/<domain>: a relative link to ``target`` in the working tree."""
        link = self.config_dir / "custom_components" / domain
        link.parent.mkdir(exist_ok=True)
        if not link.is_symlink():
            if link.exists():
                raise HassProcessError(f"{link} exists and is not a link to the working tree")
            link.symlink_to(os.path.relpath(target, link.parent))

    def _write_http_settings(self, path: Path) -> None:
        """Listen on 127.0.0.1:port only; keep every other HTTP setting as it is.

        A new store is written in the store's first version, which Home Assistant migrates and
        completes with its defaults as for any old installation.
        """
        listen = {"server_host": ["127.0.0.1"], "server_port": self.port}
        if path.exists():
            store = json.loads(path.read_text())
            settings = store["data"] if store["version"] == 1 else store["data"]["stable"]
            settings.update(listen)
        else:
            store = {"version": 1, "minor_version": 1, "key": "http", "data": listen}
        path.write_text(json.dumps(store, indent=2))

    # -- process ---------------------------------------------------------------------------

    def start(self, output: IO[bytes] | int | None = None) -> None:
        """Start ``hass`` in a session of its own (the caller decides when it stops).

        ``-P`` keeps the working directory off ``sys.path``: its custom_components/ would
        otherwise hide the configuration folder's, where the demo DNS integration is linked.
        """
        self._process = subprocess.Popen(  # noqa: S603  # our own interpreter
            [sys.executable, "-P", "-m", "homeassistant", "--config", str(self.config_dir)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT if output is not None else None,
            start_new_session=True,
            preexec_fn=die_with_parent,  # noqa: PLW1509  # only calls prctl
        )

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout: float = 60.0) -> int | None:
        """SIGTERM (Home Assistant shuts down cleanly), SIGKILL after ``timeout`` seconds."""
        if self._process is None:
            return None
        process, self._process = self._process, None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return process.returncode

    def wait_until_answering(self, timeout: float = 240.0) -> None:
        """Wait until the HTTP server answers; raise if hass exits or takes too long."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise HassProcessError(f"hass exited; see {self.log_file}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/manifest.json", timeout=5),  # noqa: S310
            ):
                return
            time.sleep(0.5)
        raise HassProcessError(f"hass did not answer within {timeout:.0f} s")

    def installs_at_start(self) -> list[str]:
        """Lines of the log where Home Assistant pip-installed something."""
        if not self.log_file.exists():
            return []
        return [line for line in self.log_file.read_text().splitlines() if INSTALL_MARK in line]


@contextlib.contextmanager
def running_hass(config_dir: Path, logs: Path, nameserver: str) -> Iterator[HassProcess]:
    """Run ``hass`` from a new ``config_dir`` on a free port until the block ends.

    Its DNS check asks ``nameserver``. Its console output and, once it has stopped, its log are
    kept in the folder ``logs``.
    """
    process = HassProcess(config_dir, free_port())
    process.prepare(nameserver)
    with (logs / "hass-output.log").open("wb") as output:
        process.start(output)
        try:
            process.wait_until_answering()
            yield process
        finally:
            process.stop()
            if process.log_file.exists():
                shutil.copyfile(process.log_file, logs / "home-assistant.log")
