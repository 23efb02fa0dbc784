"""What a user does in the browser, end to end: real Home Assistant, simulated box, chromium.

The tests run in file order and share one browser tab: log in, add the box (a wrong password
first), toggle remote access, watch a DDNS status change. Later steps skip when the box could
not be added, so the first failure is the one to read.
"""

from __future__ import annotations

import os
import re
import shutil
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect
import pytest

from .conftest import DOCS_IMAGES
from .ui import (
    DDNS_STATUS_IPV4,
    ENTITY_NAMES,
    NEW_ADDRESS,
    REMOTE_ACCESS,
    STRINGS,
    log_in,
    open_device_page,
    remote_access_toggle,
    shot,
    wait_for,
)

if TYPE_CHECKING:
    from devtools.demo_box import DemoBox
    from devtools.hass_api import HassClient
    from devtools.hass_process import HassProcess


@pytest.fixture
def box_added(hass: HassClient) -> None:
    """Skip the later steps when adding the box failed (that test tells why)."""
    if not hass.config_entries():
        pytest.skip("the box was not added (see test_add_box_from_the_ui)")


def test_onboarding_done_through_the_api(hass: HassClient) -> None:
    """The fixture onboarded Home Assistant; the onboarding API reports nothing left to do."""
    steps = hass.onboarding_steps()
    assert all(steps.values()), steps


def test_log_in_on_the_login_page(page: Page, hass: HassClient) -> None:
    """The demo user logs in through Home Assistant's own login page."""
    log_in(page, hass)
    shot(page, "01-logged-in")


def test_add_box_from_the_ui(page: Page, hass: HassClient, box: DemoBox) -> None:
    """Add integration > search > host, port, user, password: wrong password first."""
    # From the start page, through the sidebar, as a user does.
    page.goto(hass.url)
    page.get_by_role("link", name=re.compile("Settings")).click()
    expect(page).to_have_url(re.compile(r"/config/dashboard"))
    page.get_by_role("link", name=re.compile("Devices & services")).first.click()
    expect(page).to_have_url(re.compile(r"/config/integrations/dashboard"))
    page.get_by_role("button", name="Add integration").click()
    page.get_by_placeholder("Search for a brand name").fill("FRITZ!Box Remote Access")
    page.get_by_role("button", name="FRITZ!Box Remote Access").click()
    form = STRINGS["config"]["step"]["user"]
    expect(page.get_by_text(form["title"])).to_be_visible()
    page.get_by_role("textbox", name=form["data"]["host"]).fill(box.info["host"])
    page.get_by_role("spinbutton", name=form["data"]["port"]).fill(str(box.info["port"]))
    page.get_by_role("textbox", name=form["data"]["username"]).fill(box.info["username"])
    page.get_by_role("textbox", name=form["data"]["password"]).fill("not-the-password")
    page.get_by_role("button", name="Submit").click()

    # The translated message, in the form's error banner (an ha-alert, role "alert").
    error = page.locator("ha-alert").filter(has_text=STRINGS["config"]["error"]["invalid_auth"])
    expect(error).to_be_visible()
    expect(error.get_by_role("alert")).to_be_visible()
    shot(page, "02-wrong-password")
    assert not hass.config_entries()

    page.get_by_role("textbox", name=form["data"]["password"]).fill(box.info["password"])
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("textbox", name="Device name")).to_have_value(re.compile("FRITZ!Box"))
    shot(page, "03-added")
    page.get_by_role("button", name="Skip and finish").click()
    (entry,) = hass.config_entries()
    assert entry["state"] == "loaded"

    open_device_page(page, hass)
    for name in (
        REMOTE_ACCESS,
        ENTITY_NAMES["switch.lets_encrypt"],
        ENTITY_NAMES["sensor.ddns_provider"],
        DDNS_STATUS_IPV4,
        ENTITY_NAMES["sensor.certificate_state"],
    ):
        expect(page.get_by_text(name, exact=True)).to_be_visible()
    expect(page.get_by_text(box.info["udn"].removeprefix("uuid:")[-12:])).to_be_visible()
    shot(page, "04-device-page")


@pytest.mark.usefixtures("box_added")
def test_toggle_remote_access(page: Page, hass: HassClient, box: DemoBox) -> None:
    """Flipping the switch on the device page switches the box's remote access."""
    open_device_page(page, hass)
    toggle, switch = remote_access_toggle(page)
    expect(switch).not_to_be_checked()
    assert box.get("remote_access_enabled") is False

    toggle.click()
    wait_for(lambda: box.get("remote_access_enabled") is True, "the box to enable remote access")
    expect(switch).to_be_checked()
    # The integration reads the box back after switching: the port it opened shows up.
    port_row = page.locator("hui-sensor-entity-row").filter(
        has=page.get_by_text(ENTITY_NAMES["sensor.remote_access_port"], exact=True)
    )
    expect(port_row).to_contain_text(str(box.get("remote_access_port")))
    path = shot(page, "05-remote-access-on")
    if os.environ.get("FRA_UPDATE_SCREENSHOTS") == "1":  # the README's picture
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_IMAGES / "device-page.png")

    toggle.click()
    wait_for(lambda: box.get("remote_access_enabled") is False, "the box to disable it again")
    expect(switch).not_to_be_checked()


@pytest.mark.usefixtures("box_added")
def test_ddns_status_change_shows_after_refresh(page: Page, hass: HassClient, box: DemoBox) -> None:
    """The box reports a new address; after a refresh the sensor row says so."""
    open_device_page(page, hass)
    row = page.locator("hui-sensor-entity-row").filter(
        has=page.get_by_text(DDNS_STATUS_IPV4, exact=True)
    )
    expect(row).not_to_contain_text(NEW_ADDRESS)

    box.set("ddns.status_ipv4", "new address")
    # Instead of waiting for the next poll (30 s), ask for an update as Developer tools would.
    entity_id = hass.entity_id_named("sensor", DDNS_STATUS_IPV4)
    hass.call_service("homeassistant", "update_entity", {"entity_id": entity_id})
    assert hass.state(entity_id)["state"] == "new_address"

    page.reload()
    expect(row).to_contain_text(NEW_ADDRESS)
    shot(page, "06-ddns-new-address")


def test_nothing_installed_at_start(hass_process: HassProcess) -> None:
    """Everything Home Assistant and the integration need was there: no pip install."""
    assert hass_process.installs_at_start() == []
