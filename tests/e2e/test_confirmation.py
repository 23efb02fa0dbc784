"""A box that wants changes confirmed: the user flips the switch, is told what to do, confirms.

The box protects every write with its second factor (``scripts/develop --confirm`` runs the
same). The button is pressed through the box's control interface, as the develop instructions
say, while the browser shows what Home Assistant tells the user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect
import pytest

from .ui import (
    ENTITY_NAMES,
    REMOTE_ACCESS,
    STRINGS,
    ignore_core_installation_repair,
    log_in,
    open_device_page,
    remote_access_toggle,
    shot,
    wait_for,
)

if TYPE_CHECKING:
    from devtools.demo_box import DemoBox
    from devtools.hass_api import HassClient

BOX_CONFIRM = True
COMMON = STRINGS["common"]
PRESS_BUTTON = COMMON["confirmation_method_button"]


@pytest.fixture(scope="module")
def entry_title(hass: HassClient, box: DemoBox) -> str:
    """Add the box through the config flow (test_browser adds it in the UI); its entry's title."""
    info = box.info
    result = hass.add_box(info["host"], info["port"], info["username"], info["password"])
    assert result["type"] == "create_entry", result
    return str(result["title"])


def test_switch_waits_for_the_button_on_the_box(
    page: Page, hass: HassClient, box: DemoBox, entry_title: str
) -> None:
    """The notification says what to do; nothing changes until the button is pressed."""
    assert box.info["protected_actions"], "the box should want changes confirmed"
    # The picture shows the box's DNS name check settled: OK, from the box's own DNS server.
    dns_check = hass.entity_id_named("binary_sensor", ENTITY_NAMES["binary_sensor.ddns_dns_check"])
    wait_for(lambda: hass.state(dns_check)["state"] == "off", "the DNS name check to say OK")
    log_in(page, hass)
    ignore_core_installation_repair(page)
    open_device_page(page, hass)
    toggle, switch = remote_access_toggle(page)
    expect(switch).not_to_be_checked()

    toggle.click()
    title = COMMON["confirmation_title"].format(title=entry_title)
    page.get_by_text("Notifications", exact=True).click()
    expect(page.get_by_text(title)).to_be_visible()
    expect(page.get_by_text(PRESS_BUTTON)).to_be_visible()
    phone = COMMON["confirmation_method_phone"].format(phone_code=box.info["phone_code"])
    expect(page.get_by_text(phone)).to_be_visible()
    # Nothing changed before the confirmation, and the entity does not claim otherwise.
    assert box.get("remote_access_enabled") is False
    entity_id = hass.entity_id_named("switch", REMOTE_ACCESS)
    assert hass.state(entity_id)["state"] == "off"
    # Taken once the drawer has slid in; the toggle may already show "on" in the frontend.
    shot(page, "10-confirmation-waiting", readme="confirmation")

    assert box.control("press-button")["confirmed"] is True
    wait_for(lambda: box.get("remote_access_enabled") is True, "the box to enable remote access")
    expect(page.get_by_text(title)).to_have_count(0)
    page.keyboard.press("Escape")
    wait_for(lambda: hass.state(entity_id)["state"] == "on", "the switch to show the box's state")
    expect(switch).to_be_checked()
    shot(page, "11-confirmed")
