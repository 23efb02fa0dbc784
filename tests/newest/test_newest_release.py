"""The integration in the newest Home Assistant release, through its REST API, against the box.

The tests run in file order on one Home Assistant: set-up, a poll, the switch, the actions.
Later steps skip when set-up failed, so the first failure is the one to read.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import homeassistant.const
import pytest

from devtools.hass_api import DOMAIN

from .conftest import REPO

if TYPE_CHECKING:
    from collections.abc import Callable

    from devtools.demo_box import DemoBox
    from devtools.hass_api import HassClient
    from devtools.hass_process import HassProcess

STRINGS: dict[str, Any] = json.loads(
    (REPO / "custom_components" / DOMAIN / "translations" / "en.json").read_text()
)
ENTITIES = STRINGS["entity"]
REMOTE_ACCESS = ENTITIES["switch"]["remote_access"]["name"]
DDNS_STATUS_IPV4 = ENTITIES["sensor"]["ddns_status_ipv4"]["name"]
DDNS_DOMAIN = ENTITIES["sensor"]["ddns_domain"]["name"]
DNS_CHECK = ENTITIES["binary_sensor"]["ddns_dns_check"]["name"]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Poll ``condition`` until it holds; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.25)


@pytest.fixture
def entry_id(hass: HassClient) -> str:
    """The box's config entry; skip when set-up failed (that test tells why)."""
    entries = hass.config_entries()
    if not entries:
        pytest.skip("the box was not set up (see test_set_up_from_the_config_flow)")
    return str(entries[0]["entry_id"])


def test_runs_the_release_this_leg_installs(hass: HassClient) -> None:
    """The Home Assistant answering is the one in this venv, not some other."""
    assert hass.config()["version"] == homeassistant.const.__version__


def test_set_up_from_the_config_flow(hass: HassClient, box: DemoBox) -> None:
    """The config flow as the UI runs it creates an entry that loads."""
    info = box.info
    result = hass.add_box(info["host"], info["port"], info["username"], info["password"])
    assert result["type"] == "create_entry", result
    (entry,) = hass.config_entries()
    assert entry["state"] == "loaded"
    assert hass.state(hass.entity_id_named("switch", REMOTE_ACCESS))["state"] == "off"


def test_dns_check_asks_the_box_dns_server(hass: HassClient, box: DemoBox, entry_id: str) -> None:
    """The DNS check resolves the DDNS name on the box's loopback DNS server: a match."""
    entity_id = hass.entity_id_named("binary_sensor", DNS_CHECK)
    wait_for(lambda: hass.state(entity_id)["state"] == "off", "the DNS name check to say OK")
    attributes = hass.state(entity_id)["attributes"]
    assert attributes["reason"] == "match", attributes
    assert attributes["dns_ipv4"] == [box.get("external_ipv4")], attributes
    assert attributes["dns_ipv6"] == [box.get("external_ipv6")], attributes


def test_a_poll_brings_the_box_state(hass: HassClient, box: DemoBox, entry_id: str) -> None:
    """The box reports a new address; an update of the entity (a poll) shows it."""
    entity_id = hass.entity_id_named("sensor", DDNS_STATUS_IPV4)
    assert hass.state(entity_id)["state"] == "updated"

    box.set("ddns.status_ipv4", "new address")
    hass.call_service("homeassistant", "update_entity", {"entity_id": entity_id})
    assert hass.state(entity_id)["state"] == "new_address"


def test_switch_turns_remote_access_on_and_off(
    hass: HassClient, box: DemoBox, entry_id: str
) -> None:
    """switch.turn_on / turn_off reach the box, and the entity shows what the box has."""
    entity_id = hass.entity_id_named("switch", REMOTE_ACCESS)
    assert box.get("remote_access_enabled") is False

    hass.call_service("switch", "turn_on", {"entity_id": entity_id})
    assert box.get("remote_access_enabled") is True
    wait_for(lambda: hass.state(entity_id)["state"] == "on", "the switch to show on")

    hass.call_service("switch", "turn_off", {"entity_id": entity_id})
    assert box.get("remote_access_enabled") is False
    wait_for(lambda: hass.state(entity_id)["state"] == "off", "the switch to show off")


def test_actions_read_and_change_the_box(hass: HassClient, box: DemoBox, entry_id: str) -> None:
    """get_ddns_providers answers with the box's list; set_ddns_config changes the box."""
    answer = hass.call_service(
        DOMAIN, "get_ddns_providers", {"config_entry_id": entry_id}, response=True
    )
    providers = json.dumps(answer)
    assert "dynv6.com" in providers

    hass.call_service(
        DOMAIN,
        "set_ddns_config",
        {
            "config_entry_id": entry_id,
            "domain": "newest.dynv6.net",
            "password": "ddns-secret",
        },
    )
    assert box.get("ddns.domain") == "newest.dynv6.net"
    entity_id = hass.entity_id_named("sensor", DDNS_DOMAIN)
    wait_for(
        lambda: hass.state(entity_id)["state"] == "newest.dynv6.net",
        "the domain sensor to show the new domain",
    )


def test_nothing_installed_at_start(hass_process: HassProcess) -> None:
    """Everything Home Assistant and the integration need was there: no pip install."""
    assert hass_process.installs_at_start() == []
