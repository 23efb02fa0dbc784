"""Concurrency: 20 switch toggles, or 20 service actions, at once while the coordinator polls.

One client and one digest nonce serve them all. Every request must authenticate at the first
try (a nonce count used twice would be answered 401), no command may get lost (the simulator's
log counts the writes), and the box must end in the state of the last command.
"""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
)

from custom_components.fritzbox_remote_access.const import DOMAIN
from custom_components.fritzbox_remote_access.services import (
    SERVICE_SET_DDNS_CONFIG,
    SERVICE_SET_REMOTE_ACCESS_USER,
)
from fritzbox_simulator import BoxUser

from .conftest import PASSWORD, USERNAME

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.fritzbox_remote_access.coordinator import (
        FritzRemoteAccessCoordinator,
    )
    from fritzbox_simulator import FritzBoxSimulator

REMOTE_ACCESS = "switch.fritz_box_7590_remote_access"
LETS_ENCRYPT = "switch.fritz_box_7590_let_s_encrypt_certificate"
COMMANDS = 20


async def while_polling(
    coordinator: FritzRemoteAccessCoordinator, commands: list[Awaitable[Any]]
) -> int:
    """Run the commands at once while refreshing back to back; return the refreshes done."""
    stop = asyncio.Event()

    async def poll() -> int:
        polls = 0
        while not stop.is_set():
            await coordinator.async_refresh()
            polls += 1
            await asyncio.sleep(0)  # a refresh that sends nothing would never yield
        return polls

    poller = asyncio.create_task(poll())
    try:
        results = await asyncio.gather(*commands, return_exceptions=True)
    finally:
        stop.set()
    assert [result for result in results if isinstance(result, BaseException)] == []
    return await poller


def assert_all_authenticated_first_time(box: FritzBoxSimulator) -> None:
    """No 401 (stale or reused nonce count), no 503, nothing dropped: all 200, logged in."""
    assert box.log.entries
    assert [
        (entry.action, entry.status)
        for entry in box.log.entries
        if entry.status != 200 or not entry.authenticated
    ] == []


async def test_switch_toggles_while_polling(
    hass: HomeAssistant, box: FritzBoxSimulator, init_integration: MockConfigEntry
) -> None:
    """Both switches, toggled 20 times at once in a random order, while polling."""
    coordinator = init_integration.runtime_data
    rng = random.Random(2026)  # noqa: S311 - a reproducible order, not a secret
    commands = [
        (rng.choice((REMOTE_ACCESS, LETS_ENCRYPT)), rng.choice((SERVICE_TURN_ON, SERVICE_TURN_OFF)))
        for _ in range(COMMANDS)
    ]
    box.log.clear()

    polls = await while_polling(
        coordinator,
        [
            hass.services.async_call(
                SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
            )
            for entity_id, service in commands
        ],
    )
    await coordinator.async_refresh()
    await hass.async_block_till_done()

    assert polls > 0
    assert_all_authenticated_first_time(box)
    # Nothing lost: every command reached the box exactly once.
    assert box.log.count(action="SetEnable") == sum(e == REMOTE_ACCESS for e, _ in commands)
    assert box.log.count(action="SetLetsEncryptEnable") == sum(
        e == LETS_ENCRYPT for e, _ in commands
    )
    # Writes go out one at a time, in the order given (the box's write gate): the last wins.
    last = {entity_id: service == SERVICE_TURN_ON for entity_id, service in commands}
    assert box.state.remote_access_enabled is last[REMOTE_ACCESS]
    assert box.state.lets_encrypt_enabled is last[LETS_ENCRYPT]
    for entity_id, on in last.items():
        assert hass.states.get(entity_id).state == (STATE_ON if on else STATE_OFF)


async def test_service_actions_while_polling(
    hass: HomeAssistant, box: FritzBoxSimulator, init_integration: MockConfigEntry
) -> None:
    """10 set_remote_access_user and 10 set_ddns_config calls at once, while polling.

    Each takes the box's write turn for its read and write; refreshes and polls interleave.
    The box must end in exactly one command's settings, complete and unmixed (the one it
    carried out last), and the integration must show that state.
    """
    coordinator = init_integration.runtime_data
    entry_id = init_integration.entry_id
    users = [
        {
            "username": f"remote-{i:02d}",
            "password": f"Remote-Pw-{i:02d}",
            "port": 40_001 + i,
            "enabled": i % 2 == 0,
        }
        for i in range(COMMANDS // 2)
    ]
    ddns = [
        {
            "enabled": i % 2 == 0,
            "provider": "dynv6.com",
            "domain": f"host{i:02d}.example.org",
            "username": f"ddns-{i:02d}",
            "password": f"Ddns-Pw-{i:02d}",
            "mode": ("ddns_v4", "ddns_v6")[i % 2],
            "update_url": "",
            "server_ipv4": f"v4-{i:02d}.example.net",
            "server_ipv6": f"v6-{i:02d}.example.net",
        }
        for i in range(COMMANDS // 2)
    ]
    calls = [
        hass.services.async_call(
            DOMAIN, SERVICE_SET_REMOTE_ACCESS_USER, {ATTR_CONFIG_ENTRY_ID: entry_id, **u}, True
        )
        for u in users
    ] + [
        hass.services.async_call(
            DOMAIN, SERVICE_SET_DDNS_CONFIG, {ATTR_CONFIG_ENTRY_ID: entry_id, **d}, True
        )
        for d in ddns
    ]
    random.Random(7590).shuffle(calls)  # noqa: S311 - a reproducible order
    # The box's remote access user is someone else than Home Assistant's own login: each
    # SetConfig renames it (see the simulator), and must not rename Home Assistant's.
    box.state.users["remote-init"] = BoxUser("remote-init", "Remote-Pw-init")
    box.state.remote_access_username = "remote-init"
    box.log.clear()

    polls = await while_polling(coordinator, calls)
    await coordinator.async_refresh()
    await hass.async_block_till_done()

    assert polls > 0
    assert_all_authenticated_first_time(box)
    assert box.log.count(action="SetConfig") == len(users)
    assert box.log.count(action="SetDDNSConfig") == len(ddns)

    # Remote access: each SetConfig renamed the user the one before it created, so exactly
    # one remains, and the settings are all that command's.
    state = box.state
    last_user = next(u for u in users if u["username"] == state.remote_access_username)
    assert set(state.users) == {USERNAME, last_user["username"]}
    assert state.users[last_user["username"]].password == last_user["password"]
    assert state.remote_access_port == last_user["port"]
    assert state.remote_access_enabled is last_user["enabled"]
    assert state.users[USERNAME].password == PASSWORD
    assert init_integration.data[CONF_PASSWORD] == PASSWORD

    last_ddns = next(d for d in ddns if d["domain"] == state.ddns.domain)
    assert state.ddns.username == last_ddns["username"]
    assert state.ddns.password == last_ddns["password"]
    assert state.ddns.mode == last_ddns["mode"]
    assert state.ddns.enabled is last_ddns["enabled"]
    assert (state.ddns.server_ipv4, state.ddns.server_ipv6) == (
        last_ddns["server_ipv4"],
        last_ddns["server_ipv6"],
    )

    # The integration shows the box as it ended up.
    data = coordinator.data
    assert (data.remote_access.username, data.remote_access.port) == (
        last_user["username"],
        last_user["port"],
    )
    assert data.remote_access.enabled is last_user["enabled"]
    assert (data.ddns.domain, data.ddns.username, data.ddns.mode.value) == (
        last_ddns["domain"],
        last_ddns["username"],
        last_ddns["mode"],
    )
    assert hass.states.get(REMOTE_ACCESS).state == (STATE_ON if last_user["enabled"] else STATE_OFF)
