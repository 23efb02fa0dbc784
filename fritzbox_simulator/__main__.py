"""Command line: run a simulated box until interrupted.

python -m fritzbox_simulator --port 49000 --tls-port 49443 --profile legacy --fault malformed_xml
python -m fritzbox_simulator --reboot 30   # unreachable for the first 30 s, as if just restarted
python -m fritzbox_simulator --confirm     # every RemoteAccess write needs the second factor
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import signal
import sys
from typing import TYPE_CHECKING

from .config import (
    DEFAULT_PASSWORD,
    LOCALES,
    MODE_SPELLINGS,
    PROFILES,
    REMOTE_ACCESS_WRITES,
    SimulatorConfig,
)
from .control_api import PREFIX
from .faults import BOOLEAN_FAULTS, Faults
from .second_factor import DEFAULT_METHODS
from .simulator import FritzBoxSimulator
from .state import LINES

if TYPE_CHECKING:
    from collections.abc import Sequence


def _fault_name(value: str) -> str:
    """Accept fault names with hyphens or underscores."""
    name = value.replace("-", "_")
    if name not in BOOLEAN_FAULTS:
        raise argparse.ArgumentTypeError(f"unknown fault {value!r}; known: {BOOLEAN_FAULTS}")
    return name


def _seconds(value: str) -> float:
    """Accept a finite duration of zero seconds or more."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 <= seconds < math.inf:  # nan fails both comparisons
        raise argparse.ArgumentTypeError(f"seconds must be 0 or more and finite: {value!r}")
    return seconds


_CONTROL_HELP = (
    ("GET  status", "second factor, protected actions, line, faults"),
    ("POST press-button", "press a button on the box"),
    ("POST dial?code=*11234", "dial the code on a connected phone"),
    ("POST fail-second-factor", 'end the running confirmation with "failure"'),
    ("POST protect?actions=A,B", "protect these RemoteAccess actions from now on"),
    ("POST fault?name=NAME&on=1", "switch a fault on (on=0: off)"),
    ("POST line?profile=ds-lite", f"external addresses of a line: {', '.join(LINES)}"),
    ("POST line?ipv4=A&ipv6=B", 'set the external addresses ("" for none)'),
    ("POST myfritz?enabled=1&name=N", "MyFRITZ! on, with its DynDNS name"),
    ("POST advance?seconds=N", "move the simulator clock"),
)
EPILOG = (
    "control interface (unless --no-control-api), on the HTTP port, no login:\n"
    + "".join(
        f"  {(verb[:5] + PREFIX + verb[5:]).ljust(42)}{text}\n" for verb, text in _CONTROL_HELP
    )
    + f"e.g. curl -X POST http://127.0.0.1:49000{PREFIX}press-button\n"
)


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line; every option maps to a ``SimulatorConfig`` field."""
    parser = argparse.ArgumentParser(
        prog="python -m fritzbox_simulator",
        description="Simulated FRITZ!Box (TR-064).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    parser.add_argument("--port", type=int, default=49000, help="HTTP port; 0 picks a free one")
    parser.add_argument(
        "--tls-port", type=int, default=None, help="also listen with HTTPS here (0: free port)"
    )
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--profile", choices=PROFILES, default="modern")
    parser.add_argument("--locale", choices=LOCALES, default="de")
    parser.add_argument("--mode-spelling", choices=MODE_SPELLINGS, default="ddns_together")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument(
        "--fault",
        type=_fault_name,
        action="append",
        default=[],
        metavar="NAME",
        help=f"switch a fault on (repeatable): {', '.join(BOOLEAN_FAULTS)}",
    )
    parser.add_argument(
        "--reboot",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="reboot right after start: connections refused for SECONDS, then fresh nonces",
    )
    parser.add_argument(
        "--tr064-disabled",
        action="store_true",
        help='"access for applications" off: no tr64desc.xml (404), every action 401',
    )
    parser.add_argument(
        "--confirm",
        action="store_true",
        help=f"every write needs the second factor: {', '.join(REMOTE_ACCESS_WRITES)}",
    )
    parser.add_argument(
        "--protect",
        action="append",
        default=[],
        metavar="ACTION",
        help="an X_AVM-DE_RemoteAccess action that needs the second factor (repeatable)",
    )
    parser.add_argument(
        "--second-factor-methods",
        default=DEFAULT_METHODS,
        metavar="METHODS",
        help=f"what SetConfig(start) offers (default {DEFAULT_METHODS}; also googleauth)",
    )
    parser.add_argument(
        "--second-factor-seconds",
        type=_seconds,
        default=300.0,
        metavar="SECONDS",
        help="how long a confirmation waits, and a confirmed token stays valid",
    )
    parser.add_argument(
        "--no-second-factor",
        action="store_true",
        help="second factor switched off (X_AVM-DE_Auth GetInfo says 0; nothing protected)",
    )
    parser.add_argument(
        "--no-control-api",
        action="store_true",
        help=f"do not serve the control interface under {PREFIX}",
    )
    parser.add_argument(
        "--line",
        choices=tuple(LINES),
        default="public",
        help="external addresses: public IPv4 and IPv6, DS-Lite (IPv6 only), CGNAT, private",
    )
    parser.add_argument(
        "--no-app-setup",
        action="store_true",
        help="a box without X_AVM-DE_AppSetup (GetAppRemoteInfo)",
    )
    parser.add_argument("--lockout-threshold", type=int, default=10)
    parser.add_argument("--lockout-seconds", type=float, default=60.0)
    parser.add_argument("--nonce-lifetime", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=None, help="make ports and serial repeatable")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    """Turn parsed options into the simulator's configuration; ValueError if they clash."""
    faults = Faults(latency=args.latency, **dict.fromkeys(args.fault, True))
    return SimulatorConfig(
        username=args.username,
        password=args.password,
        profile=args.profile,
        mode_spelling=args.mode_spelling,
        locale=args.locale,
        tls=args.tls_port is not None,
        tr064_enabled=not args.tr064_disabled,
        faults=faults,
        lockout_threshold=args.lockout_threshold,
        lockout_seconds=args.lockout_seconds,
        nonce_lifetime=args.nonce_lifetime,
        seed=args.seed,
        confirm=args.confirm,
        protected_actions=frozenset(args.protect),
        second_factor_enabled=not args.no_second_factor,
        second_factor_methods=args.second_factor_methods,
        second_factor_seconds=args.second_factor_seconds,
        control_api=not args.no_control_api,
        line=args.line,
        app_setup=not args.no_app_setup,
    )


def _second_factor_lines(simulator: FritzBoxSimulator) -> list[str]:
    """Say what needs confirming, and how to confirm it through the control interface."""
    protected = sorted(simulator.protected_actions)
    if not protected or not simulator.config.second_factor_enabled:
        return []
    lines = [f"  second factor required for: {', '.join(protected)}"]
    if not simulator.config.control_api:
        return lines
    control = f"{simulator.url}{PREFIX}"
    if "button" in simulator.second_factor.methods.split(","):
        lines.append(f"  press the button: curl -X POST {control}press-button")
    code = simulator.second_factor.phone_code
    if code is not None:
        lines.append(f"  dial {code}: curl -X POST '{control}dial?code={code}'")
    return lines


async def serve(args: argparse.Namespace) -> None:
    """Run until SIGINT or SIGTERM, then stop cleanly."""
    simulator = FritzBoxSimulator(config_from_args(args))
    await simulator.start(args.host, args.port, args.tls_port or 0)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    lines = [
        f"FRITZ!Box simulator ({simulator.config.profile}) listening on {simulator.url}",
        f"  description: {simulator.url}/tr64desc.xml",
    ]
    if simulator.tls_url is not None:
        lines.append(f"  HTTPS: {simulator.tls_url} sha256={simulator.certificate_fingerprint}")
    # Demo credentials of a loopback-only test box, printed on purpose for the person running it.
    lines.append(f"  demo credentials: {args.username} / {args.password}")
    if args.reboot is not None:
        simulator.reboot(args.reboot)
        lines.append(f"  rebooting: unreachable for {args.reboot:g} s")
    lines.extend(_second_factor_lines(simulator))
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    try:
        await stopped.wait()
    finally:
        await simulator.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config_from_args(args)
    except ValueError as err:
        parser.error(str(err))
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        asyncio.run(serve(args))
    except OSError as err:
        sys.stderr.write(f"cannot start: {err}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
