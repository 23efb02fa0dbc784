"""What the browser tests do in Home Assistant's UI, shared by their modules."""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Locator, Page, expect
import pytest

from devtools.develop import DEMO_PASSWORD, DEMO_USER
from devtools.hass_api import DOMAIN

from .conftest import ARTIFACTS, REPO

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from devtools.hass_api import HassClient

STRINGS: dict[str, Any] = json.loads(
    (REPO / "custom_components" / DOMAIN / "translations" / "en.json").read_text()
)
ENTITY_NAMES = {
    f"{platform}.{key}": entity["name"]
    for platform, entities in STRINGS["entity"].items()
    for key, entity in entities.items()
}
REMOTE_ACCESS = ENTITY_NAMES["switch.remote_access"]
DDNS_STATUS_IPV4 = ENTITY_NAMES["sensor.ddns_status_ipv4"]
NEW_ADDRESS = STRINGS["entity"]["sensor"]["ddns_status_ipv4"]["state"]["new_address"]


def shot(page: Page, name: str) -> Path:
    """Keep a screenshot of this step in artifacts/e2e/."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Poll ``condition`` until it holds; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.25)


def open_device_page(page: Page, hass: HassClient) -> None:
    """Settings > Devices & services > the integration > its one device."""
    page.goto(f"{hass.url}/config/integrations/integration/{DOMAIN}")
    page.get_by_role("link", name="1 device").click()
    expect(page).to_have_url(re.compile(r"/config/devices/device/\w+"))
    expect(page.get_by_text(REMOTE_ACCESS, exact=True)).to_be_visible()


def remote_access_toggle(page: Page) -> tuple[Locator, Locator]:
    """The Remote access row's toggle on the device page: what to click, what is checked.

    The visible switch (``ha-switch``) covers its checkbox input, so a user's click lands on
    the former while the state is read from the latter.
    """
    row = page.locator("hui-toggle-entity-row").filter(
        has=page.get_by_text(REMOTE_ACCESS, exact=True)
    )
    return row.locator("ha-switch"), row.get_by_role("switch")


def log_in(page: Page, hass: HassClient) -> None:
    """Log in as the demo user on Home Assistant's own login page."""
    page.goto(hass.url)
    expect(page).to_have_url(re.compile(r"/auth/authorize"))
    page.get_by_role("textbox", name="Username").fill(DEMO_USER)
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/auth/" not in url and "auth_callback" not in url)
    expect(page.get_by_role("link", name=re.compile("Settings"))).to_be_visible()
