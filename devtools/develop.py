"""scripts/develop: the demo box and a real Home Assistant on their usual ports, until Ctrl-C.

Home Assistant is onboarded with a demo user and the box is added as a config entry, so the
integration's device page is one click away.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
import shutil
import signal
import sys
import time
from typing import Any

from .demo_box import DemoBox
from .hass_api import HassApiError
from .hass_process import REPO, HassProcess, HassProcessError
from .processes import port_in_use

DEMO_NAME = "Demo"
DEMO_USER = "demo"
DEMO_PASSWORD = "demo-fritzbox"  # noqa: S105  # the documented login of a loopback-only demo


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


def _confirmation_lines(info: dict[str, Any]) -> list[str]:
    """How to confirm a change on the box, when it wants confirmations."""
    if not info["protected_actions"]:
        return []
    control = info["control_url"]
    lines = [
        "  confirmation     on: the box wants every change confirmed (second factor);",
        "                   flip Remote access, read the notification, then, in another terminal,",
        f"  press the button curl -X POST {control}press-button",
    ]
    if code := info["phone_code"]:
        lines.append(f"  or dial {code:<8} curl -X POST '{control}dial?code={code}'")
    return lines


def develop(args: argparse.Namespace) -> int:
    """Run the demo until Ctrl-C; see the module docstring."""
    config_dir = Path(args.config).resolve()
    _check_ports(args.ha_port, args.box_port)
    hass = HassProcess(config_dir, args.ha_port)
    if args.reset and config_dir.exists() and any(config_dir.iterdir()):
        # Never delete a folder someone pointed --config at that is not a demo's own.
        if not hass.made_here():
            raise SystemExit(f"develop: --reset: {config_dir} was not made by scripts/develop")
        shutil.rmtree(config_dir)
    api = hass.client()
    box = DemoBox(port=args.box_port, confirm=args.confirm)
    try:
        info = box.start()
        _say(f"develop: simulated FRITZ!Box at {info['url']} (user {info['username']})")
        hass.prepare(info["nameserver"])
        _say(f"develop: starting Home Assistant from {config_dir} (log: {hass.log_file})")
        hass.start()
        hass.wait_until_answering()
        api.onboard(DEMO_NAME, DEMO_USER, DEMO_PASSWORD)
        api.wait_until_started()
        if api.config_entries():
            added = "the simulated FRITZ!Box is set up (kept from an earlier run)"
        else:
            result = api.add_box(info["host"], info["port"], info["username"], info["password"])
            if result.get("type") == "create_entry":
                added = "the simulated FRITZ!Box has been added"
            else:
                added = f"adding the simulated FRITZ!Box failed: {result}"
        banner = [
            "",
            f"  Home Assistant   {hass.url}   (also http://localhost:{args.ha_port})",
            f"  log in as        {DEMO_USER} / {DEMO_PASSWORD}",
            f"  FRITZ!Box (sim)  {info['url']}   {info['username']} / {info['password']}",
            f"  DNS (sim)        {info['nameserver']} (UDP) answers the box's DDNS name;",
            "                   the integration's DNS check asks it, not the machine's resolver",
            f"  integration      {added}:",
            "                   Settings > Devices & services > FRITZ!Box Remote Access",
        ]
        banner.extend(_confirmation_lines(info))
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
    except (HassApiError, HassProcessError) as err:
        _say(f"develop: {err}")
    finally:
        with contextlib.suppress(KeyboardInterrupt):
            hass.stop()
            box.stop()
    return 1


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    """Parse the command line and run the demo."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description="Home Assistant with this integration and a simulated FRITZ!Box.",
    )
    parser.add_argument("--ha-port", type=int, default=8123)
    parser.add_argument("--box-port", type=int, default=49000)
    parser.add_argument(
        "--config",
        default=str(REPO / ".ha-config"),
        help="Home Assistant's configuration folder (default: .ha-config/)",
    )
    parser.add_argument(
        "--reset", action="store_true", help="start from a new configuration folder"
    )
    parser.add_argument(
        "--confirm",
        action="store_true",
        help="the box wants every change confirmed on the box (its second factor)",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    return develop(args)


if __name__ == "__main__":
    sys.exit(main())
