"""Manifest, HACS file, licence, brand images and icons: what hassfest and HACS check."""

from __future__ import annotations

import json
import logging
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

from homeassistant.loader import async_get_integration
from PIL import Image
import pytest

from custom_components.fritzbox_remote_access import binary_sensor, sensor, switch
from custom_components.fritzbox_remote_access.const import DOMAIN
from custom_components.fritzbox_remote_access.tr064 import client

from .conftest import PASSWORD, SNAPSHOT_DIRS, USERNAME

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

PACKAGE = Path(sensor.__file__).parent
REPO = PACKAGE.parent.parent


def manifest() -> dict[str, Any]:
    return json.loads((PACKAGE / "manifest.json").read_text("utf-8"))


def test_manifest_keys_and_order() -> None:
    """domain, name, then alphabetical; everything HACS and hassfest require is there."""
    data = manifest()
    keys = list(data)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert data["domain"] == DOMAIN == PACKAGE.name
    assert data["name"] == "FRITZ!Box Remote Access"
    for key in ("codeowners", "documentation", "issue_tracker", "version"):
        assert data[key], key
    assert data["config_flow"] is True
    assert data["integration_type"] == "device"
    assert data["iot_class"] == "local_polling"
    assert data["requirements"] == []
    assert re.fullmatch(r"\d+\.\d+\.\d+", data["version"])
    assert all(owner.startswith("@") for owner in data["codeowners"])
    assert data["documentation"].startswith("https://github.com/")
    assert data["issue_tracker"].startswith(data["documentation"])
    allowed = {
        "domain", "name", "codeowners", "config_flow", "dependencies", "documentation",
        "integration_type", "iot_class", "issue_tracker", "loggers", "quality_scale",
        "requirements", "ssdp", "version", "after_dependencies", "single_config_entry",
    }  # fmt: skip
    assert set(keys) <= allowed


def test_manifest_ssdp_and_loggers() -> None:
    """Both search targets match; the client's logger is declared."""
    data = manifest()
    assert data["ssdp"] == [
        {"st": "urn:dslforum-org:device:InternetGatewayDevice:1"},
        {"st": "urn:schemas-upnp-org:device:fritzbox:1"},
    ]
    client_logger = logging.getLogger(client.__name__).name
    assert any(client_logger.startswith(name) for name in data["loggers"])


async def test_home_assistant_reads_manifest(
    hass: HomeAssistant, enable_custom_integrations: None
) -> None:
    """Home Assistant's loader accepts the custom integration as shipped."""
    integration = await async_get_integration(hass, DOMAIN)
    assert integration.name == "FRITZ!Box Remote Access"
    assert integration.config_flow is True
    assert str(integration.version) == manifest()["version"]


def test_hacs_json() -> None:
    """HACS: name, and the lowest Home Assistant release the tests run on."""
    data = json.loads((REPO / "hacs.json").read_text("utf-8"))
    assert data["name"] == manifest()["name"]
    assert data["homeassistant"] == "2026.3.4"


def test_license() -> None:
    """MIT, 2026, the project's contributors."""
    text = (REPO / "LICENSE").read_text("utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 FRITZ!Box Remote Access contributors" in text
    assert "WITHOUT WARRANTY OF ANY KIND" in text


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("icon.png", (256, 256)),
        ("icon@2x.png", (512, 512)),
        ("logo.png", None),
        ("logo@2x.png", None),
        ("dark_logo.png", None),
        ("dark_logo@2x.png", None),
    ],
)
def test_brand_images(name: str, size: tuple[int, int] | None) -> None:
    """PNG with transparency; icons square, logos landscape with a 256 px (or 512 px) height."""
    with Image.open(PACKAGE / "brand" / name) as image:
        assert image.format == "PNG"
        assert image.mode == "RGBA"
        if size is not None:
            assert image.size == size
        else:
            width, height = image.size
            assert height == (512 if "@2x" in name else 256)
            assert height < width <= 3 * height
        # Transparent corners, a visible middle: a drawn mark, not an empty canvas.
        assert image.getpixel((0, 0))[3] == 0
        assert image.getpixel((image.width // 4, image.height // 2))[3] == 255


def test_icons_match_entities() -> None:
    """icons.json names only existing entities, and state icons only existing states."""
    icons = json.loads((PACKAGE / "icons.json").read_text("utf-8"))["entity"]
    platforms = {
        "binary_sensor": {d.translation_key: ("on", "off") for d in binary_sensor.BINARY_SENSORS},
        "sensor": {d.translation_key: tuple(d.options or ()) for d in sensor.SENSORS},
        "switch": {d.translation_key: ("on", "off") for d in switch.SWITCHES},
    }
    # Every entity has an icon (binary sensors with a device class bring their own).
    expected = {
        platform: {
            key
            for key in descriptions
            if not (platform == "binary_sensor" and key == "ddns_problem")
        }
        for platform, descriptions in platforms.items()
    }
    assert {platform: set(entries) for platform, entries in icons.items()} == expected
    for platform, entries in icons.items():
        for key, icon in entries.items():
            assert icon["default"].startswith("mdi:")
            assert set(icon.get("state", {})) <= set(platforms[platform][key]), key


def test_snapshots_hold_no_password() -> None:
    """The stored snapshots (of every test leg) show the box's data, never the test password."""
    snapshots = sorted(Path(__file__).parent.glob("snapshots*/*.ambr"))
    assert {path.parent.name for path in snapshots} == {"snapshots", *SNAPSHOT_DIRS.values()}
    for path in snapshots:
        text = path.read_text("utf-8")
        assert PASSWORD not in text, path
        assert USERNAME in text or "remote_access_user" not in text


def _snapshot_names(directory: Path) -> dict[str, list[str]]:
    return {
        path.name: re.findall(r"^# name: (.+)$", path.read_text("utf-8"), re.MULTILINE)
        for path in sorted(directory.glob("*.ambr"))
    }


@pytest.mark.parametrize("directory", sorted(SNAPSHOT_DIRS.values()))
def test_snapshots_of_every_leg_match(directory: str) -> None:
    """Each test leg keeps the same snapshots: a test updated on one leg only shows up here."""
    here = Path(__file__).parent
    assert _snapshot_names(here / directory) == _snapshot_names(here / "snapshots")
