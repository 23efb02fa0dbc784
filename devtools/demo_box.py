"""The simulated FRITZ!Box of the demo (scripts/develop) and of the browser tests (tests/e2e).

Run as a program it starts ``fritzbox_simulator`` with a lived-in state (Dynamic DNS set up and
updated, remote access off) and its HTTP control interface (``control_url``: press the button,
dial the code), writes one JSON line with its address to stdout, then answers JSON lines on
stdin: ``{"op": "get", "path": "ddns.status_ipv4"}`` or
``{"op": "set", "path": "remote_access_enabled", "value": true}`` (paths into ``sim.state``).
A DNS server on a loopback UDP port (``nameserver``) answers the box's DDNS name with the
box's external addresses as they are at that moment; Home Assistant's DNS check asks it.
It stops on SIGINT, SIGTERM or when stdin closes, so it never outlives whoever started it.
With ``--confirm`` every write to the box's remote-access settings waits for its second factor.

It is a process of its own because the tests' process blocks sockets (pytest-socket), which a
server in that process would trip over whenever Home Assistant polls it between two tests.
``DemoBox`` is the parent's side; ``python -m devtools.demo_box`` the child's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from pathlib import Path
import signal
import subprocess
import sys
from typing import IO, TYPE_CHECKING, Any, Self
import urllib.parse
import urllib.request

from .dns_server import start_dns_server
from .processes import die_with_parent

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import TracebackType

REPO = Path(__file__).resolve().parents[1]
DEMO_USERNAME = "admin"
DEMO_PASSWORD = "fritz-demo-2024"  # noqa: S105  # a loopback-only simulator; scripts/develop prints it
DEMO_SEED = 7590  # a fixed serial number, hence UDN: a config entry survives a restart


# -- the child: the simulator with a control channel ---------------------------------------


def _resolve(root: object, path: str) -> tuple[object, str]:
    *parents, name = path.split(".")
    for part in parents:
        root = getattr(root, part)
    if not hasattr(root, name) or name.startswith("_"):
        raise AttributeError(f"no state field {path!r}")
    return root, name


def apply_command(state: object, command: dict[str, Any]) -> dict[str, Any]:
    """Run one control command against the simulator's state; errors become answers."""
    if command.get("op") not in ("get", "set"):
        return {"ok": False, "error": f"unknown op {command.get('op')!r}"}
    try:
        target, name = _resolve(state, str(command["path"]))
        if command["op"] == "set":
            setattr(target, name, command["value"])
        value = getattr(target, name)
    except (AttributeError, KeyError, ValueError, TypeError) as err:
        return {"ok": False, "error": str(err)}
    return {"ok": True, "value": value}


async def serve(args: argparse.Namespace) -> None:
    """Run the box until a signal arrives or stdin closes."""
    from fritzbox_simulator import FritzBoxSimulator, SimulatorConfig  # noqa: PLC0415
    from fritzbox_simulator.control_api import PREFIX as CONTROL_PREFIX  # noqa: PLC0415

    sim = FritzBoxSimulator(
        SimulatorConfig(
            username=args.username,
            password=args.password,
            profile="modern",
            seed=args.seed,
            confirm=args.confirm,
            control_api=True,
        )
    )
    ddns = sim.state.ddns
    ddns.enabled = True
    ddns.provider_name = "dynv6.com"
    ddns.domain = "fritzbox-demo.dynv6.net"
    ddns.mode = sim.config.mode_spelling
    ddns.update_url = "https://dynv6.com/api/update?hostname=<domain>&ipv4=<ipaddr>&token=<pass>"
    ddns.username = "none"
    ddns.status_ipv4 = ddns.status_ipv6 = "updated"
    # Short enough for the device page to show the sensor's name in full beside it.
    sim.state.external_ipv6 = "2003:c2:e70f:5a00::1"

    def records(name: str) -> tuple[list[str], list[str]] | None:
        state = sim.state
        if name != state.ddns.domain.lower():
            return None
        return [a for a in (state.external_ipv4,) if a], [a for a in (state.external_ipv6,) if a]

    await sim.start(host=args.host, port=args.port)
    try:
        dns, dns_port = await start_dns_server(records, args.host, args.dns_port)
    except OSError:
        await sim.stop()
        raise
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def say(message: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    say(
        {
            "url": sim.url,
            "host": sim.host,
            "port": sim.port,
            "udn": sim.udn,
            "username": args.username,
            "password": args.password,
            "control_url": f"{sim.url}{CONTROL_PREFIX}",
            "nameserver": f"{args.host}:{dns_port}",
            "protected_actions": sorted(sim.protected_actions),
            "second_factor_methods": sim.second_factor.methods,
            "phone_code": sim.second_factor.phone_code,
        }
    )

    async def answer() -> None:
        while line := await reader.readline():
            try:
                command = json.loads(line)
            except ValueError as err:
                say({"ok": False, "error": f"not JSON: {err}"})
                continue
            say(apply_command(sim.state, command))

    control = asyncio.create_task(answer())
    stop = asyncio.create_task(stopped.wait())
    try:
        await asyncio.wait((control, stop), return_when=asyncio.FIRST_COMPLETED)
    finally:
        control.cancel()
        stop.cancel()
        dns.close()
        await sim.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Start the demo box (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=49000, help="0 picks a free port")
    parser.add_argument("--username", default=DEMO_USERNAME)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    parser.add_argument(
        "--dns-port", type=int, default=0, help="UDP port of its DNS server (0: a free one)"
    )
    parser.add_argument(
        "--confirm", action="store_true", help="every write needs the second factor"
    )
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args))
    except OSError as err:
        sys.stderr.write(f"demo box: cannot start: {err}\n")
        return 1
    return 0


# -- the parent's side ---------------------------------------------------------------------


class DemoBox:
    """A running demo box process; ``get``/``set`` reach into its state."""

    def __init__(
        self,
        *,
        port: int = 0,
        password: str = DEMO_PASSWORD,
        confirm: bool = False,
        stderr: IO[bytes] | int | None = None,
    ) -> None:
        """Describe the box; ``start`` runs it."""
        self._args = ["--port", str(port), "--password", password]
        if confirm:
            self._args.append("--confirm")
        self._stderr = stderr
        self._process: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] = {}

    @property
    def process(self) -> subprocess.Popen[str]:
        """The running child process."""
        if self._process is None:
            raise RuntimeError("the demo box is not running")
        return self._process

    def start(self) -> dict[str, Any]:
        """Start the child and return what it announced (url, udn, credentials, nameserver)."""
        self._process = subprocess.Popen(  # noqa: S603  # our own interpreter and module
            [sys.executable, "-m", "devtools.demo_box", *self._args],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            start_new_session=True,
            preexec_fn=die_with_parent,  # noqa: PLW1509  # only calls prctl
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            code = self.process.wait(timeout=10)
            raise RuntimeError(f"the demo box did not start (exit code {code})")
        self.info = json.loads(line)
        return self.info

    def _call(self, command: dict[str, Any]) -> Any:
        stdin, stdout = self.process.stdin, self.process.stdout
        if stdin is None or stdout is None:
            raise RuntimeError("no control channel")
        stdin.write(json.dumps(command) + "\n")
        stdin.flush()
        answer = json.loads(stdout.readline())
        if not answer["ok"]:
            raise ValueError(answer["error"])
        return answer["value"]

    def get(self, path: str) -> Any:
        """Read a field of the box's state, e.g. ``remote_access_enabled``."""
        return self._call({"op": "get", "path": path})

    def set(self, path: str, value: Any) -> Any:
        """Change a field of the box's state, e.g. ``ddns.status_ipv4``."""
        return self._call({"op": "set", "path": path, "value": value})

    def control(self, operation: str, **params: str) -> dict[str, Any]:
        """Run an operation of the box's HTTP control interface, e.g. ``press-button``."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        request = urllib.request.Request(  # noqa: S310  # the box's own http:// URL
            f"{self.info['control_url']}{operation}{query}", method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read())
        return answer

    def stop(self, timeout: float = 10.0) -> None:
        """Close the control channel (the box stops), then make sure it is gone."""
        if self._process is None:
            return
        process, self._process = self._process, None
        if process.stdin:
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()

    def __enter__(self) -> Self:
        """Start the box."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the box."""
        self.stop()


if __name__ == "__main__":
    sys.exit(main())
