"""Passwords never reach logs, reprs or exception messages; requests are logged at debug."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from custom_components.fritzbox_remote_access.tr064 import (
    DDNSMode,
    TR064Error,
)
from fritzbox_simulator import BoxUser

from .conftest import PASSWORD, USERNAME

if TYPE_CHECKING:
    from .conftest import BoxFactory, ClientFactory

LOGGER_NAME = "custom_components.fritzbox_remote_access.tr064"
REMOTE_PASSWORD = "Remote-Secret-777"
DDNS_PASSWORD = "Ddns-Secret-888"
WRONG_PASSWORD = "Wrong-Secret-999"
SECRETS = (PASSWORD, REMOTE_PASSWORD, DDNS_PASSWORD, WRONG_PASSWORD)


async def test_no_password_in_logs_reprs_or_errors(
    box_factory: BoxFactory, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    box = await box_factory(
        users=(BoxUser(USERNAME, PASSWORD), BoxUser("phone", "x-Phone-1", rights=frozenset("P")))
    )
    client = make_client(box)
    texts: list[str] = [repr(client), str(client)]
    await client.get_device_info()
    await client.set_config(enabled=True, port=44443, username="remote", password=REMOTE_PASSWORD)
    providers = await client.get_ddns_providers()
    await client.set_ddns_config(
        enabled=True,
        provider_name=providers[0].name,
        update_url="",
        server_ipv4="",
        server_ipv6="",
        domain="x.example.org",
        username="ddns",
        password=DDNS_PASSWORD,
        mode=DDNSMode.V4,
    )
    texts.append(repr(await client.get_ddns_info()))
    texts.append(repr(await client.get_info()))
    failures: list[TR064Error] = []
    with pytest.raises(TR064Error) as caught:
        await client.set_config(
            enabled=True, port=44443, username="phone", password=REMOTE_PASSWORD
        )
    failures.append(caught.value)
    wrong = make_client(box, password=WRONG_PASSWORD)
    texts.append(repr(wrong))
    with pytest.raises(TR064Error) as caught:
        await wrong.get_info()
    failures.append(caught.value)
    for error in failures:
        texts += [str(error), repr(error), repr(error.args)]

    ours = [record for record in caplog.records if record.name.startswith(LOGGER_NAME)]
    messages = [record.getMessage() for record in ours]
    assert any("SetConfig" in message and "HTTP 200" in message for message in messages)
    assert any("GetInfo" in message and "HTTP 401" in message for message in messages)
    assert all(record.levelno == logging.DEBUG for record in ours)
    # Every record, ours or aiohttp's, is free of secrets.
    everything = "\n".join(
        texts
        + [record.getMessage() for record in caplog.records]
        + [repr(record.args) for record in caplog.records]
    )
    for secret in SECRETS:
        assert secret not in everything
