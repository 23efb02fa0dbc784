"""A real Home Assistant with the integration: the demo (scripts/develop) and the browser tests.

``HomeAssistant`` prepares a configuration folder (minimal configuration, the integration linked
from the working tree), runs ``hass`` on a loopback port, completes onboarding through Home
Assistant's API and talks to its REST API. ``main`` is scripts/develop: the demo box and Home
Assistant on their usual ports, the box added as a config entry, until Ctrl-C.

The HTTP server's address and port go into its store (.storage/http) before each start: Home
Assistant 2026.10 no longer takes them from configuration.yaml for good. Onboarding's
"core_config" step is marked done in the configuration folder before the first start instead of
being posted: posting it makes Home Assistant set up four unrelated integrations (Met.no, Google
Translate, Radio Browser, shopping list), which would pip-install their libraries and reach out
to the internet. Location, units and time zone come from configuration.yaml instead.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import IO, Any
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_box import DemoBox, die_with_parent

REPO = Path(__file__).resolve().parents[2]
DOMAIN = "fritzbox_remote_access"
INTEGRATION = REPO / "custom_components" / DOMAIN
DEMO_NAME = "Demo"
DEMO_USER = "demo"
DEMO_PASSWORD = "demo-fritzbox"  # noqa: S105  # the documented login of a loopback-only demo
INSTALL_MARK = "Attempting install"

CONFIGURATION = """\
# Written by scripts/develop (tests/e2e writes its own): a minimal Home Assistant for the
# FRITZ!Box Remote Access integration. Home Assistant adds its default integrations itself;
# scripts/setup installs every library they need, so nothing is pip-installed at start.
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
# No http: here. Home Assistant 2026.10 keeps its HTTP settings in .storage/http (YAML would be
# migrated once, as a trial to confirm in the UI); scripts/develop writes the listen address
# (127.0.0.1 only) and port there before each start.

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


class HomeAssistantError(RuntimeError):
    """Home Assistant did not start or did not answer as expected."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_in_use(port: int) -> bool:
    """Whether something on 127.0.0.1 already listens on ``port``."""
    with socket.socket() as probe:
        # As servers do: connections of an earlier run waiting in TIME_WAIT do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


class HomeAssistant:
    """One ``hass`` process on 127.0.0.1 with its configuration folder."""

    def __init__(self, config_dir: Path, port: int) -> None:
        """Describe the instance; ``prepare`` and ``start`` make it real."""
        self.config_dir = config_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.client_id = f"{self.url}/"
        self.access_token: str | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def log_file(self) -> Path:
        """Home Assistant's own log."""
        return self.config_dir / "home-assistant.log"

    # -- configuration folder --------------------------------------------------------------

    def prepare(self) -> None:
        """Create what is missing: configuration, link to the integration, onboarding store.

        An existing configuration.yaml is kept as it is (a developer may have edited it).
        """
        self.config_dir.mkdir(parents=True, exist_ok=True)
        configuration = self.config_dir / "configuration.yaml"
        if not configuration.exists():
            configuration.write_text(CONFIGURATION.format(domain=DOMAIN))
        link = self.config_dir / "custom_components" / DOMAIN
        link.parent.mkdir(exist_ok=True)
        if not link.is_symlink():
            if link.exists():
                raise HomeAssistantError(f"{link} exists and is not a link to the working tree")
            link.symlink_to(os.path.relpath(INTEGRATION, link.parent))
        storage = self.config_dir / ".storage"
        storage.mkdir(exist_ok=True)
        if not (storage / "onboarding").exists():
            done = {"done": ["core_config"]}
            onboarding = {"version": 4, "minor_version": 1, "key": "onboarding", "data": done}
            (storage / "onboarding").write_text(json.dumps(onboarding, indent=2))
        self._write_http_settings(storage / "http")

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
        """Start ``hass`` in a session of its own (the caller decides when it stops)."""
        self._process = subprocess.Popen(  # noqa: S603  # our own interpreter
            [sys.executable, "-m", "homeassistant", "--config", str(self.config_dir)],
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

    def wait_until_running(self, timeout: float = 240.0) -> None:
        """Wait until the HTTP server answers; raise if hass exits or takes too long."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise HomeAssistantError(f"hass exited; see {self.log_file}")
            with contextlib.suppress(OSError, HomeAssistantError):
                self.request("GET", "/manifest.json", auth=False)
                return
            time.sleep(0.5)
        raise HomeAssistantError(f"hass did not answer within {timeout:.0f} s")

    def wait_until_started(self, timeout: float = 240.0) -> None:
        """Wait until Home Assistant reports it has finished starting (needs a token)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.request("GET", "/api/config").get("state") == "RUNNING":
                return
            time.sleep(0.5)
        raise HomeAssistantError(f"hass did not finish starting within {timeout:.0f} s")

    def installs_at_start(self) -> list[str]:
        """Lines of the log where Home Assistant pip-installed something."""
        if not self.log_file.exists():
            return []
        return [line for line in self.log_file.read_text().splitlines() if INSTALL_MARK in line]

    # -- HTTP --------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        form: dict[str, str] | None = None,
        auth: bool = True,
        timeout: float = 30.0,
    ) -> Any:
        """Call Home Assistant; JSON in, JSON out. HTTP errors raise ``HomeAssistantError``."""
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if auth:
            if self.access_token is None:
                raise HomeAssistantError("not logged in")
            headers["Authorization"] = f"Bearer {self.access_token}"
        request = urllib.request.Request(  # noqa: S310  # always our http:// URL
            self.url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode(errors="replace")[:500]
            raise HomeAssistantError(f"{method} {path}: HTTP {err.code} {detail}") from err
        return json.loads(payload) if payload else None

    # -- onboarding and login -----------------------------------------------------------------

    def _take_tokens(self, code: str) -> None:
        tokens = self.request(
            "POST",
            "/auth/token",
            form={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
            auth=False,
        )
        self.access_token = tokens["access_token"]

    def onboarding_steps(self) -> dict[str, bool]:
        """Onboarding steps and whether each is done (empty once onboarding is complete)."""
        try:
            steps = self.request("GET", "/api/onboarding", auth=False)
        except HomeAssistantError as err:
            if "HTTP 404" in str(err):  # onboarding finished before this start
                return {}
            raise
        return {step["step"]: step["done"] for step in steps}

    def onboard(self, name: str, username: str, password: str) -> None:
        """Complete onboarding through the API; afterwards we hold the owner's token."""
        steps = self.onboarding_steps()
        if not steps.get("user", True):
            answer = self.request(
                "POST",
                "/api/onboarding/users",
                {
                    "client_id": self.client_id,
                    "name": name,
                    "username": username,
                    "password": password,
                    "language": "en",
                },
                auth=False,
            )
            self._take_tokens(answer["auth_code"])
        else:
            self.login(username, password)
        for step in ("core_config", "analytics"):
            if not steps.get(step, True):
                self.request("POST", f"/api/onboarding/{step}", {})
        if not steps.get("integration", True):
            self.request(
                "POST",
                "/api/onboarding/integration",
                {"client_id": self.client_id, "redirect_uri": f"{self.url}/?auth_callback=1"},
            )

    def login(self, username: str, password: str) -> None:
        """Log in through the login flow, as the login page does."""
        flow = self.request(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.url}/?auth_callback=1",
            },
            auth=False,
        )
        result = self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": self.client_id, "username": username, "password": password},
            auth=False,
        )
        if result.get("type") != "create_entry":
            raise HomeAssistantError(f"login as {username!r} failed: {result.get('errors')}")
        self._take_tokens(result["result"])

    # -- the integration ----------------------------------------------------------------------

    def config_entries(self) -> list[dict[str, Any]]:
        """Return the integration's config entries."""
        entries: list[dict[str, Any]] = self.request(
            "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        return entries

    def add_box(self, host: str, port: int, username: str, password: str) -> dict[str, Any]:
        """Run the integration's config flow as the UI would; return its last answer."""
        flow = self.request(
            "POST",
            "/api/config/config_entries/flow",
            {"handler": DOMAIN, "show_advanced_options": False},
        )
        result: dict[str, Any] = self.request(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            {
                "host": host,
                "port": port,
                "use_tls": False,
                "username": username,
                "password": password,
            },
        )
        return result

    def state(self, entity_id: str) -> dict[str, Any]:
        """Return an entity's current state object."""
        state: dict[str, Any] = self.request("GET", f"/api/states/{entity_id}")
        return state

    def call_service(self, domain: str, service: str, data: dict[str, Any]) -> None:
        """Call a service (an action) and wait for it."""
        self.request("POST", f"/api/services/{domain}/{service}", data)


# -- scripts/develop ---------------------------------------------------------------------------


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _check_ports(*ports: int) -> None:
    for port in ports:
        if port_in_use(port):
            raise SystemExit(
                f"develop: port {port} on 127.0.0.1 is in use (another scripts/develop?); "
                "stop that, or pick other ports with --ha-port / --box-port"
            )


def develop(args: argparse.Namespace) -> int:
    """Run the demo until Ctrl-C; see the module docstring."""
    config_dir = Path(args.config).resolve()
    _check_ports(args.ha_port, args.box_port)
    hass = HomeAssistant(config_dir, args.ha_port)
    hass.prepare()
    box = DemoBox(port=args.box_port)
    try:
        info = box.start()
        _say(f"develop: simulated FRITZ!Box at {info['url']} (user {info['username']})")
        _say(f"develop: starting Home Assistant from {config_dir} (log: {hass.log_file})")
        hass.start()
        hass.wait_until_running()
        hass.onboard(DEMO_NAME, DEMO_USER, DEMO_PASSWORD)
        hass.wait_until_started()
        if hass.config_entries():
            added = "the simulated FRITZ!Box is set up (kept from an earlier run)"
        else:
            result = hass.add_box(info["host"], info["port"], info["username"], info["password"])
            if result.get("type") == "create_entry":
                added = "the simulated FRITZ!Box has been added"
            else:
                added = f"adding the simulated FRITZ!Box failed: {result}"
        banner = [
            "",
            f"  Home Assistant   {hass.url}   (also http://localhost:{args.ha_port})",
            f"  log in as        {DEMO_USER} / {DEMO_PASSWORD}",
            f"  FRITZ!Box (sim)  {info['url']}   {info['username']} / {info['password']}",
            f"  integration      {added}:",
            "                   Settings > Devices & services > FRITZ!Box Remote Access",
        ]
        if installs := hass.installs_at_start():
            banner.append("  WARNING          Home Assistant pip-installed at start:")
            banner.extend(f"                   {line}" for line in installs)
        _say("\n".join([*banner, "", "  Ctrl-C stops both.", ""]))
        while hass.running and box.process.poll() is None:
            time.sleep(0.5)
        _say("develop: Home Assistant or the box stopped; shutting down")
    except KeyboardInterrupt:
        _say("\ndevelop: stopping Home Assistant and the simulated FRITZ!Box")
        return 0
    except HomeAssistantError as err:
        _say(f"develop: {err}")
    finally:
        with contextlib.suppress(KeyboardInterrupt):
            hass.stop()
            box.stop()
    return 1


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    """scripts/develop."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description="Home Assistant with this integration and a simulated FRITZ!Box.",
    )
    parser.add_argument("--ha-port", type=int, default=8123)
    parser.add_argument("--box-port", type=int, default=49000)
    parser.add_argument("--config", default=str(REPO / ".ha-config"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--reset", action="store_true", help="start from a new configuration (.ha-config/)"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    if args.reset:
        shutil.rmtree(args.config, ignore_errors=True)
    return develop(args)


if __name__ == "__main__":
    sys.exit(main())
