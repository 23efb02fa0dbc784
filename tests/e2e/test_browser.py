"""What a user does in the browser, end to end: real Home Assistant, simulated box, chromium.

The tests run in file order and share one browser tab: log in, add the box (a wrong password
first), toggle remote access, show the README's dashboard card, watch a DDNS status change.
Later steps skip when the box could not be added, so the first failure is the one to read.
Three of the README's pictures are taken on the way (see ``shot``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from homeassistant.util.yaml import parse_yaml
from playwright.sync_api import Page, expect
import pytest

from .conftest import REPO
from .ui import (
    DDNS_STATUS_IPV4,
    ENTITY_NAMES,
    NEW_ADDRESS,
    REMOTE_ACCESS,
    STRINGS,
    call_ws,
    ignore_core_installation_repair,
    log_in,
    open_device_page,
    remote_access_toggle,
    shot,
    sidebar_collapsed,
    wait_for,
    whole_page,
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
    ignore_core_installation_repair(page)
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
    expect(page.get_by_role("textbox", name=form["data"]["password"])).to_have_attribute(
        "type", "password"
    )
    shot(page, "02-setup-dialog", readme="setup-dialog")
    page.get_by_role("button", name="Submit").click()

    # The translated message, in the form's error banner (an ha-alert, role "alert").
    error = page.locator("ha-alert").filter(has_text=STRINGS["config"]["error"]["invalid_auth"])
    expect(error).to_be_visible()
    expect(error.get_by_role("alert")).to_be_visible()
    shot(page, "03-wrong-password")
    assert not hass.config_entries()

    page.get_by_role("textbox", name=form["data"]["password"]).fill(box.info["password"])
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("textbox", name="Device name")).to_have_value(re.compile("FRITZ!Box"))
    shot(page, "04-added")
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
    shot(page, "05-device-page")


@pytest.mark.usefixtures("box_added")
def test_toggle_remote_access(page: Page, hass: HassClient, box: DemoBox) -> None:
    """Flipping the switch on the device page switches the box's remote access."""
    # The DNS check runs after the first poll; the box's own DNS server on loopback answers
    # its DDNS name with its external addresses, so the name check says OK.
    dns_check_name = ENTITY_NAMES["binary_sensor.ddns_dns_check"]
    dns_check = hass.entity_id_named("binary_sensor", dns_check_name)
    wait_for(lambda: hass.state(dns_check)["state"] == "off", "the DNS name check to say OK")
    attributes = hass.state(dns_check)["attributes"]
    assert attributes["reason"] == "match", attributes
    assert attributes["dns_ipv4"] == [box.get("external_ipv4")], attributes
    open_device_page(page, hass)
    toggle, switch = remote_access_toggle(page)
    expect(switch).not_to_be_checked()
    assert box.get("remote_access_enabled") is False
    # The README's picture of the device page: remote access off, every card in view, entity
    # names not cut short by the sidebar.
    with sidebar_collapsed(page), whole_page(page):
        expect(switch).not_to_be_checked()
        for name in (
            REMOTE_ACCESS,
            ENTITY_NAMES["sensor.ddns_domain"],
            DDNS_STATUS_IPV4,
            ENTITY_NAMES["sensor.certificate_state"],
        ):
            expect(page.get_by_text(name, exact=True)).to_be_in_viewport()
        dns_check_row = page.locator("hui-generic-entity-row").filter(
            has=page.get_by_text(dns_check_name, exact=True)
        )
        expect(dns_check_row).to_contain_text("OK")
        shot(page, "06-device-page-whole", readme="device-page")

    toggle.click()
    wait_for(lambda: box.get("remote_access_enabled") is True, "the box to enable remote access")
    expect(switch).to_be_checked()
    # The integration reads the box back after switching: the port it opened shows up.
    port_row = page.locator("hui-sensor-entity-row").filter(
        has=page.get_by_text(ENTITY_NAMES["sensor.remote_access_port"], exact=True)
    )
    expect(port_row).to_contain_text(str(box.get("remote_access_port")))
    shot(page, "07-remote-access-on")

    toggle.click()
    wait_for(lambda: box.get("remote_access_enabled") is False, "the box to disable it again")
    expect(switch).not_to_be_checked()


def readme_example(name: str) -> Any:
    """The YAML block that follows the README's ``<!-- example: name -->`` line, parsed."""
    readme = (REPO / "README.md").read_text("utf-8")
    marker = re.escape(f"<!-- example: {name} -->")
    match = re.search(rf"^{marker}\n```yaml\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL)
    assert match, f"README.md has no {marker!r} line directly followed by a YAML block"
    return parse_yaml(match[1])


def shown_state(state: dict[str, Any]) -> str:
    """How Home Assistant's frontend writes a (non-switch) entity's state in a card row."""
    value = str(state["state"])
    if value in ("unknown", "unavailable"):
        return value.capitalize()
    if state["attributes"].get("device_class") == "problem":
        return {"on": "Problem", "off": "OK"}[value]
    platform = state["entity_id"].partition(".")[0]
    name = str(state["attributes"]["friendly_name"])
    keys = [
        key.partition(".")[2]
        for key, entity_name in ENTITY_NAMES.items()
        if key.startswith(f"{platform}.") and name.endswith(f" {entity_name}")
    ]
    assert keys, f"{state['entity_id']} is not one of the integration's entities"
    key = max(keys, key=len)  # "Remote access port" over "Remote access"
    translated = STRINGS["entity"][platform][key].get("state", {})
    return str(translated.get(value, value))


@pytest.mark.usefixtures("box_added")
def test_dashboard_card_from_the_readme(page: Page, hass: HassClient, box: DemoBox) -> None:
    """The README's card, on a dashboard of its own, shows each entity with its state."""
    card = readme_example("dashboard-card")
    assert card["type"] == "entities", card
    entity_ids = [row["entity"] if isinstance(row, dict) else row for row in card["entities"]]
    states = {entity_id: hass.state(entity_id) for entity_id in entity_ids}
    assert box.get("remote_access_enabled") is False

    # As the dashboard editor saves it: a dashboard, then its configuration.
    call_ws(
        page,
        {
            "type": "lovelace/dashboards/create",
            "url_path": "dashboard-fritzbox",
            "title": "FRITZ!Box",
            "icon": "mdi:router-network",
            "show_in_sidebar": True,
            "require_admin": False,
            "mode": "storage",
        },
    )
    view = {"title": "FRITZ!Box", "path": "box", "cards": [card]}
    call_ws(
        page,
        {
            "type": "lovelace/config/save",
            "url_path": "dashboard-fritzbox",
            "config": {"views": [view]},
        },
    )
    page.goto(f"{hass.url}/dashboard-fritzbox/box")

    rendered = page.locator("hui-entities-card")
    expect(rendered).to_have_count(1)
    if "title" in card:
        expect(rendered.get_by_text(card["title"], exact=True)).to_be_visible()
    expect(rendered.locator("hui-generic-entity-row")).to_have_count(len(entity_ids))
    for entity_id, state in states.items():
        name = state["attributes"]["friendly_name"]
        row = rendered.locator("hui-generic-entity-row").filter(
            has=page.get_by_text(name, exact=True)
        )
        expect(row).to_be_visible()
        if entity_id.startswith("switch."):
            switch = row.get_by_role("switch")
            if state["state"] == "on":
                expect(switch).to_be_checked()
            else:
                expect(switch).not_to_be_checked()
        else:
            expect(row).to_contain_text(shown_state(state))
    # The picture shows the box as it is: remote access off, Dynamic DNS without a problem.
    for state in states.values():
        if state["attributes"]["friendly_name"].endswith(f" {REMOTE_ACCESS}"):
            assert state["state"] == "off", state
        if state["attributes"].get("device_class") == "problem":
            assert state["state"] == "off", state
    shot(page, "08-dashboard-card", readme="dashboard-card")


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
    shot(page, "09-ddns-new-address")


def test_nothing_installed_at_start(hass_process: HassProcess) -> None:
    """Everything Home Assistant and the integration need was there: no pip install."""
    assert hass_process.installs_at_start() == []
