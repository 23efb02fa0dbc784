"""Rules of the package itself: no Home Assistant imports, typed, secrets stay out of reprs."""

from __future__ import annotations

import ast
from pathlib import Path

import aiohttp
import pytest

from custom_components.fritzbox_remote_access import tr064
from custom_components.fritzbox_remote_access.tr064 import (
    FritzBoxRemoteAccess,
    TR064CertificateMismatchError,
    TR064ConnectionError,
    TR064Error,
    TR064InvalidArgumentError,
    TR064PermissionError,
    TR064UPnPError,
)

PACKAGE = Path(tr064.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_no_home_assistant_imports() -> None:
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) >= 7
    offenders = {
        f"{path.name}: {module}"
        for path in files
        for module in _imported_modules(path)
        if module == "homeassistant" or module.startswith("homeassistant.")
    }
    assert offenders == set()
    # The scan itself must be able to see imports.
    assert "aiohttp" in _imported_modules(PACKAGE / "transport.py")


def test_digest_is_aiohttps_middleware_not_our_own() -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.glob("*.py"))
    assert "aiohttp.DigestAuthMiddleware(" in source
    assert "preemptive=True" in source
    for hand_written in ("md5", "WWW-Authenticate", "Authorization", "cnonce"):
        assert hand_written.lower() not in source.lower()


async def test_one_middleware_per_client() -> None:
    async with aiohttp.ClientSession() as session:
        client = FritzBoxRemoteAccess(session, "box", username="u", password="p")
        other = FritzBoxRemoteAccess(session, "box", username="u", password="p")
    assert isinstance(client._transport.auth, aiohttp.DigestAuthMiddleware)
    assert client._transport.auth is not other._transport.auth


def test_ships_py_typed() -> None:
    assert (PACKAGE / "py.typed").is_file()


def test_exception_hierarchy() -> None:
    assert issubclass(TR064PermissionError, TR064UPnPError)
    assert issubclass(TR064InvalidArgumentError, TR064UPnPError)
    assert issubclass(TR064UPnPError, TR064Error)
    # A changed certificate is not a transient connection problem.
    assert not issubclass(TR064CertificateMismatchError, TR064ConnectionError)
    error = TR064CertificateMismatchError("ab" * 32, "cd" * 32)
    assert error.fingerprint == error.got == "ab" * 32
    assert "ab" * 32 in str(error)
    upnp = TR064PermissionError(606, "Action Not Authorized")
    assert (upnp.code, upnp.description) == (606, "Action Not Authorized")


async def test_repr_has_no_password() -> None:
    async with aiohttp.ClientSession() as session:
        client = FritzBoxRemoteAccess(
            session, "192.168.178.1", username="admin", password="s3cr3t-Pa55", use_tls=True
        )
        text = repr(client)
    assert "s3cr3t-Pa55" not in text
    assert "192.168.178.1" in text
    assert "49443" in text
    assert client.port == 49443


async def test_defaults_and_validation() -> None:
    async with aiohttp.ClientSession() as session:
        plain = FritzBoxRemoteAccess(session, "box", username="u", password="p")
        assert (plain.host, plain.port, plain.use_tls) == ("box", 49000, False)
        assert plain.certificate_fingerprint is None
        assert (plain.stats.requests, plain.stats.failures) == (0, 0)
        pinned = FritzBoxRemoteAccess(
            session, "box", username="u", password="p", use_tls=True, fingerprint="AB" * 32
        )
        assert pinned.certificate_fingerprint == "ab" * 32
        with pytest.raises(ValueError, match="':'") as caught:
            FritzBoxRemoteAccess(session, "box", username="a:b", password="secret-x")
        assert "secret-x" not in str(caught.value)
        assert caught.value.__cause__ is None
