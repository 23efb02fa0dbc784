"""What the browser tests do in Home Assistant's UI, shared by their modules."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Locator, Page, expect
import pytest

from devtools.develop import DEMO_PASSWORD, DEMO_USER
from devtools.hass_api import DOMAIN

from .conftest import ARTIFACTS, DOCS_IMAGES, REPO

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
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


UPDATE_SCREENSHOTS = os.environ.get("FRA_UPDATE_SCREENSHOTS") == "1"

# What keeps a picture from being final, anywhere in the page's shadow trees: a running
# animation or transition (document.getAnimations() does not see into shadow roots), a spinner
# or progress bar on screen, an icon whose path has not loaded, an image not yet decoded.
UNSETTLED_JS = """() => {
  const elements = [];
  const walk = (root) => {
    for (const element of root.querySelectorAll("*")) {
      elements.push(element);
      if (element.shadowRoot) walk(element.shadowRoot);
    }
  };
  walk(document);
  const onScreen = (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < innerHeight && box.left < innerWidth
      && element.checkVisibility({ visibilityProperty: true, opacityProperty: true });
  };
  const where = (element) => element.getRootNode().host?.localName ?? "document";
  const found = [];
  for (const element of elements) {
    const tag = element.localName;
    for (const animation of element.getAnimations()) {
      if (animation.playState === "running") {
        const name = animation.animationName ?? animation.transitionProperty ?? "script";
        found.push(`animation ${name} on ${tag} in ${where(element)}`);
      }
    }
    if (!onScreen(element)) continue;
    if (/spinner|-progress$|loading/.test(tag)) found.push(`${tag} in ${where(element)}`);
    if (tag === "ha-svg-icon" && !element.path && !element.secondaryPath) {
      found.push(`icon without a path in ${where(element)}`);
    }
    if (tag === "img" && !(element.complete && element.naturalWidth > 0)) {
      found.push(`image ${element.src} loading`);
    }
  }
  return found;
}"""


def settle(page: Page, timeout: float = 20.0) -> None:
    """Wait until nothing on screen moves or loads, twice in a row a moment apart."""
    deadline = time.monotonic() + timeout
    calm = 0
    while calm < 2:
        unsettled: list[str] = page.evaluate(UNSETTLED_JS)
        calm = 0 if unsettled else calm + 1
        if unsettled and time.monotonic() > deadline:
            pytest.fail(f"the page did not settle within {timeout:.0f} s: {unsettled[:5]}")
        time.sleep(0.15)


def shot(page: Page, name: str, readme: str | None = None) -> Path:
    """Keep a screenshot of this step, once settled, in artifacts/e2e/.

    With ``readme``, it is the README's picture docs/images/<readme>.png, rewritten only when
    FRA_UPDATE_SCREENSHOTS=1.
    """
    settle(page)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    if readme is not None and UPDATE_SCREENSHOTS:
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_IMAGES / f"{readme}.png")
    return path


@contextlib.contextmanager
def whole_page(page: Page, limit: int = 2000) -> Iterator[None]:
    """Make the window as tall as the page (up to ``limit`` pixels), then restore it."""
    size = page.viewport_size
    assert size is not None
    height: int = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), limit)}
    )
    try:
        yield
    finally:
        page.set_viewport_size(size)


@contextlib.contextmanager
def sidebar_collapsed(page: Page) -> Iterator[None]:
    """Collapse the sidebar to its icons with its toggle, as a user would; expand it after."""
    toggle = page.get_by_role("button", name="Sidebar toggle")
    settings = page.locator("ha-sidebar .item-text").filter(has_text=re.compile(r"^Settings$"))
    toggle.click()
    expect(settings).to_be_hidden()
    try:
        yield
    finally:
        toggle.click()
        expect(settings).to_be_visible()


def call_ws(page: Page, message: dict[str, Any]) -> Any:
    """Send a websocket command over the frontend's own connection, as the logged-in user."""
    return page.evaluate(
        "(message) => document.querySelector('home-assistant').hass.callWS(message)", message
    )


def ignore_core_installation_repair(page: Page) -> None:
    """Ignore the one repair of the test set-up, so no badge sits on Settings in the pictures.

    Home Assistant raises it shortly after start on every "Core" installation (a plain virtual
    environment, as here): that installation method is deprecated. Any other repair stays and
    fails the test.
    """

    def issues() -> list[dict[str, Any]]:
        answer: dict[str, list[dict[str, Any]]] = call_ws(page, {"type": "repairs/list_issues"})
        return [issue for issue in answer["issues"] if not issue["ignored"]]

    core = {"domain": "homeassistant", "issue_id": "deprecated_method"}

    def raised() -> bool:
        return any(issue.items() >= core.items() for issue in issues())

    wait_for(raised, "Home Assistant's repair about the Core installation method")
    call_ws(page, {"type": "repairs/ignore_issue", **core, "ignore": True})
    assert not (left := issues()), f"repairs other than the test set-up's: {left}"
    expect(page.locator("ha-sidebar .badge")).to_have_count(0)


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
