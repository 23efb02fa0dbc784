"""``python -m fritzbox_simulator``: options, start in a subprocess, a request, termination."""

from __future__ import annotations

import asyncio
from pathlib import Path
import re
import signal
import sys
from typing import TYPE_CHECKING

import pytest

from fritzbox_simulator.__main__ import build_parser, config_from_args

from .helpers import REMOTE, envelope, soap_headers

if TYPE_CHECKING:
    import aiohttp

REPO = Path(__file__).resolve().parents[2]


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

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "fritzbox_simulator",
        "--port",
        "0",
        "--tls-port",
        "0",
        "--password",
        "Cli-Pw-123",
        "--profile",
        "legacy",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(30):
            banner = [(await process.stdout.readline()).decode() for _ in range(4)]
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner[0])
        assert match is not None, banner
        url = match[1]
        assert "HTTPS: https://127.0.0.1:" in banner[2]
        assert "demo credentials: admin / Cli-Pw-123" in banner[3]
        async with session.get(f"{url}/tr64desc.xml") as response:
            assert response.status == 200
        async with session.post(
            f"{url}/upnp/control/x_remote",
            data=envelope(REMOTE, "GetInfo"),
            headers=soap_headers(REMOTE, "GetInfo"),
            middlewares=(aiohttp.DigestAuthMiddleware("admin", "Cli-Pw-123"),),
        ) as response:
            assert response.status == 200
            assert b"NewLetsEncryptState" not in await response.read()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    assert b"Cli-Pw-123" not in stderr


async def test_cli_reboots_at_start(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    """--reboot: unreachable right after start, then back for the rest of the run."""
    import aiohttp  # noqa: PLC0415

    reboot = 3.0
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "fritzbox_simulator",
        "--port",
        "0",
        "--reboot",
        str(reboot),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    loop = asyncio.get_running_loop()
    try:
        assert process.stdout is not None
        async with asyncio.timeout(30):
            banner = [(await process.stdout.readline()).decode() for _ in range(4)]
        started = loop.time()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner[0])
        assert match is not None, banner
        url = f"{match[1]}/tr64desc.xml"
        assert "rebooting: unreachable for 3 s" in banner[3]
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
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()


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
