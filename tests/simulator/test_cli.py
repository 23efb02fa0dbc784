"""``python -m fritzbox_simulator``: options, start in a subprocess, a request, termination."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
import re
import signal
import sys
from typing import TYPE_CHECKING

import pytest

from fritzbox_simulator.__main__ import build_parser, config_from_args

from .helpers import REMOTE, envelope, soap_headers

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import aiohttp

REPO = Path(__file__).resolve().parents[2]


@dataclass(slots=True)
class Run:
    """A simulator started from the command line: its banner, its address, what it logged."""

    banner: list[str]
    url: str
    stderr: bytes = b""


@asynccontextmanager
async def serving(*options: str, banner_lines: int = 4) -> AsyncIterator[Run]:
    """Run the simulator's command line on a free port; SIGTERM at the end must stop it cleanly."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "fritzbox_simulator",
        "--port",
        "0",
        *options,
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(30):
            banner = [(await process.stdout.readline()).decode() for _ in range(banner_lines)]
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner[0])
        assert match is not None, banner
        run = Run(banner, match[1])
        yield run
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    run.stderr = stderr


def test_options_become_a_config() -> None:
    args = build_parser().parse_args(
        [
            "--port",
            "0",
            "--tls-port",
            "0",
            "--username",
            "boss",
            "--password",
            "Cli-Pw-123",
            "--profile",
            "legacy",
            "--locale",
            "en",
            "--mode-spelling",
            "ddns_both_together",
            "--latency",
            "0.5",
            "--fault",
            "malformed-xml",
            "--fault",
            "app_access_disabled",
            "--lockout-threshold",
            "3",
            "--nonce-lifetime",
            "5",
        ]
    )
    config = config_from_args(args)
    assert (config.username, config.password) == ("boss", "Cli-Pw-123")
    assert (config.profile, config.locale, config.mode_spelling) == (
        "legacy",
        "en",
        "ddns_both_together",
    )
    assert config.tls
    assert config.faults.latency == 0.5
    assert config.faults.malformed_xml
    assert config.faults.app_access_disabled
    assert not config.faults.drop_connection
    assert (config.lockout_threshold, config.nonce_lifetime) == (3, 5)
    assert "Cli-Pw-123" not in repr(config)


def test_start_options_default_to_a_normal_box() -> None:
    args = build_parser().parse_args([])
    assert args.reboot is None
    assert config_from_args(args).tr064_enabled


def test_reboot_and_tr064_options() -> None:
    args = build_parser().parse_args(["--reboot", "2.5", "--tr064-disabled"])
    assert args.reboot == 2.5
    assert not config_from_args(args).tr064_enabled


@pytest.mark.parametrize("seconds", ["-1", "soon", "nan", "inf"])
def test_reboot_needs_finite_seconds(seconds: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--reboot", seconds])
    assert "--reboot" in capsys.readouterr().err


def test_unknown_fault_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--fault", "explode"])
    assert "unknown fault" in capsys.readouterr().err


def test_defaults_listen_on_loopback() -> None:
    args = build_parser().parse_args([])
    assert (args.host, args.port, args.tls_port) == ("127.0.0.1", 49000, None)


async def test_cli_serves_until_terminated(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    import aiohttp  # noqa: PLC0415

    async with serving("--tls-port", "0", "--password", "Cli-Pw-123", "--profile", "legacy") as run:
        assert "HTTPS: https://127.0.0.1:" in run.banner[2]
        assert "demo credentials: admin / Cli-Pw-123" in run.banner[3]
        async with session.get(f"{run.url}/tr64desc.xml") as response:
            assert response.status == 200
        async with session.post(
            f"{run.url}/upnp/control/x_remote",
            data=envelope(REMOTE, "GetInfo"),
            headers=soap_headers(REMOTE, "GetInfo"),
            middlewares=(aiohttp.DigestAuthMiddleware("admin", "Cli-Pw-123"),),
        ) as response:
            assert response.status == 200
            assert b"NewLetsEncryptState" not in await response.read()
    assert b"Cli-Pw-123" not in run.stderr


async def test_cli_reboots_at_start(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    """--reboot: unreachable right after start, then back for the rest of the run."""
    import aiohttp  # noqa: PLC0415

    reboot = 3.0
    loop = asyncio.get_running_loop()
    async with serving("--reboot", str(reboot)) as run:
        started = loop.time()
        url = f"{run.url}/tr64desc.xml"
        assert "rebooting: unreachable for 3 s" in run.banner[3]
        with pytest.raises(aiohttp.ClientConnectionError):
            async with session.get(url):
                pass
        async with asyncio.timeout(30):
            while True:
                try:
                    async with session.get(url) as response:
                        status = response.status
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
        assert status == 200
        assert loop.time() - started >= reboot - 1.0  # down for the whole reboot


async def test_cli_reports_a_taken_port(socket_enabled: None) -> None:
    blocker = await asyncio.start_server(lambda _r, _w: None, "127.0.0.1", 0)
    port = blocker.sockets[0].getsockname()[1]
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "fritzbox_simulator",
            "--port",
            str(port),
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(30):
            _, stderr = await process.communicate()
    finally:
        blocker.close()
        await blocker.wait_closed()
    assert process.returncode == 1
    assert b"cannot start" in stderr


def test_second_factor_options() -> None:
    args = build_parser().parse_args(
        [
            "--confirm",
            "--protect",
            "GetInfo",
            "--second-factor-methods",
            "button,googleauth",
            "--second-factor-seconds",
            "90",
            "--no-control-api",
        ]
    )
    config = config_from_args(args)
    assert config.protected == {
        "GetInfo",
        "SetConfig",
        "SetDDNSConfig",
        "SetEnable",
        "SetLetsEncryptEnable",
    }
    assert (config.second_factor_methods, config.second_factor_seconds) == (
        "button,googleauth",
        90,
    )
    assert config.second_factor_enabled
    assert not config.control_api
    defaults = config_from_args(build_parser().parse_args(["--no-second-factor"]))
    assert defaults.protected == frozenset()
    assert not defaults.second_factor_enabled
    assert defaults.control_api


@pytest.mark.parametrize(
    "argv",
    [
        ["--profile", "legacy", "--protect", "SetLetsEncryptEnable"],
        ["--second-factor-methods", "carrier-pigeon"],
    ],
)
def test_clashing_second_factor_options(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from fritzbox_simulator.__main__ import main  # noqa: PLC0415

    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "error:" in capsys.readouterr().err


async def test_cli_confirm_and_press_the_button(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """--confirm: the banner says how to press the button; doing so lets the write through."""
    import aiohttp  # noqa: PLC0415

    from .helpers import AUTH  # noqa: PLC0415

    login = (aiohttp.DigestAuthMiddleware("admin", "fritz-sim-2024"),)

    async with serving("--confirm", banner_lines=6) as run:
        url = run.url

        async def soap(service: str, path: str, action: str, body: bytes) -> bytes:
            async with session.post(
                f"{url}{path}", data=body, headers=soap_headers(service, action), middlewares=login
            ) as response:
                return await response.read()

        assert run.banner[3].strip() == (
            "second factor required for: SetConfig, SetDDNSConfig, SetEnable, SetLetsEncryptEnable"
        )
        assert (
            run.banner[4].strip() == f"press the button: curl -X POST {url}/simulator/press-button"
        )
        assert run.banner[5].strip() == (
            f"dial *11234: curl -X POST '{url}/simulator/dial?code=*11234'"
        )

        enable = envelope(REMOTE, "SetEnable", {"NewEnabled": "1"})
        assert b"<errorCode>866</errorCode>" in await soap(
            REMOTE, "/upnp/control/x_remote", "SetEnable", enable
        )
        started = await soap(
            AUTH,
            "/upnp/control/x_auth",
            "SetConfig",
            envelope(AUTH, "SetConfig", {"NewAction": "start"}),
        )
        token = re.search(rb"<NewToken>(\w+)</NewToken>", started)
        assert token is not None, started
        async with session.post(f"{url}/simulator/press-button") as response:
            assert (await response.json())["confirmed"] is True
        with_token = envelope(REMOTE, "SetEnable", {"NewEnabled": "1"}, token=token[1].decode())
        assert b"<NewPort>" in await soap(REMOTE, "/upnp/control/x_remote", "SetEnable", with_token)
    assert b"control: press-button" in run.stderr
    assert token[1] not in run.stderr
