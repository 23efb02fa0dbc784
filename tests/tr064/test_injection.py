"""Injection: XML and SOAP fragments in string arguments arrive at the box byte for byte.

Every string argument of every action (SetConfig's username and password, all of
SetDDNSConfig's: provider, URL, servers, domain, username, password) is filled with
metacharacters, CDATA and SOAP fragments that would, unescaped, close the argument and set
another one. The simulator's state shows what it received: each value exactly, and every
other argument as sent. The simulator's rules (``fritzbox_simulator/remote_access.py``) limit
SetConfig's values (printable, no colon in the username, 8-32 characters with a letter and a
non-letter for the password) and check SetDDNSConfig's provider, URL and domain only when
enabling; the values below respect that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.fritzbox_remote_access.tr064 import (
    DDNSMode,
    FritzBoxRemoteAccess,
    TR064InvalidArgumentError,
)
from fritzbox_simulator import BoxUser

from .conftest import PASSWORD, USERNAME

if TYPE_CHECKING:
    from fritzbox_simulator import FritzBoxSimulator

    from .conftest import BoxFactory, ClientFactory

# Hypothesis 6.170 misreads Python 3.14's reference counts in its own set-up; harmless.
pytestmark = pytest.mark.filterwarnings(
    "ignore:It looks like `register_random`:hypothesis.errors.HypothesisWarning"
)

PAYLOADS = (
    "<",
    "&",
    ">",
    "]]>",
    '"',
    "'",
    "&amp;&lt;&gt;&quot;&apos;",
    "&#x41;&#0;&unknown;",
    "<![CDATA[</NewPassword>]]>",
    "</NewPassword><NewEnabled>1</NewEnabled>",
    "</NewUsername><NewPort>1</NewPort><NewUsername>",
    "</NewDomain><NewMode>ddns_v6</NewMode><NewDomain>",
    "</u:SetDDNSConfig></s:Body></s:Envelope>",
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>',
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'boom'>]>&e;",
    "\u00e4\u00fc\u00df \u20ac \U0001f600 \u4e2d\u6587 \u200b\u202e\ufeff",
    "\ttab\nnew line\r\ncrlf\rcr",
    "  padded  ",
    "",
)

# SetDDNSConfig's string arguments: client keyword -> simulator state field.
DDNS_FIELDS = {
    "provider_name": "provider_name",
    "update_url": "update_url",
    "server_ipv4": "server_ipv4",
    "server_ipv6": "server_ipv6",
    "domain": "domain",
    "username": "username",
    "password": "password",
}
PLAIN_DDNS: dict[str, str] = {
    "provider_name": "dynv6.com",
    "update_url": "https://dynv6.com/update",
    "server_ipv4": "ipv4.dynv6.com",
    "server_ipv6": "ipv6.dynv6.com",
    "domain": "home.example.org",
    "username": "ddns-user",
    "password": "Ddns-Pw-456",
}


def line_ends(value: str) -> str:
    """What a value reads back as: the simulator's answers carry a CR raw, read as LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


async def set_ddns(client: FritzBoxRemoteAccess, values: dict[str, str], **extra: Any) -> None:
    arguments: dict[str, Any] = {"enabled": False, "mode": DDNSMode.V6, **values, **extra}
    await client.set_ddns_config(**arguments)


async def set_and_check(
    box: FritzBoxSimulator,
    client: FritzBoxRemoteAccess,
    values: dict[str, str],
    *,
    enabled: bool = False,
) -> None:
    """Each argument arrives exactly as sent, in its own field; nothing else changes."""
    # An empty password keeps the stored one (GetDDNSInfo never shows it to be re-sent).
    expected = {**values, "password": values["password"] or box.state.ddns.password}
    await set_ddns(client, values, enabled=enabled)
    ddns = box.state.ddns
    assert {name: getattr(ddns, field) for name, field in DDNS_FIELDS.items()} == expected
    assert ddns.enabled is enabled
    assert ddns.mode == "ddns_v6"


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_ddns_arguments_arrive_intact(
    box: FritzBoxSimulator, make_client: ClientFactory, payload: str
) -> None:
    """The payload in one argument at a time, then in all of them (each marked as its own)."""
    client = make_client(box)
    for target in DDNS_FIELDS:
        await set_and_check(box, client, {**PLAIN_DDNS, target: payload})

    values = {name: f"{name}={payload}" for name in DDNS_FIELDS}
    await set_and_check(box, client, values)

    info = await client.get_ddns_info()
    read_back = {name: getattr(info, name) for name in DDNS_FIELDS if name != "password"}
    assert read_back == {
        name: line_ends(value) for name, value in values.items() if name != "password"
    }
    assert info.enabled is False
    assert info.mode is DDNSMode.V6
    # Every call was one action the box read and carried out: nothing split or refused.
    assert box.log.count(action="SetDDNSConfig", status=200) == len(DDNS_FIELDS) + 1
    assert {entry.status for entry in box.log.entries} <= {200, 401}


async def test_ddns_enabled_with_checked_values(
    box: FritzBoxSimulator, make_client: ClientFactory
) -> None:
    """Enabling checks provider, URL and domain: metacharacters pass where the box allows them.

    The URL is a real user-defined update URL: ``<domain>`` and ``<ipaddr>`` are placeholders
    the box fills in, ``&`` separates query parameters.
    """
    client = make_client(box)
    providers = await client.get_ddns_providers()
    user_defined = providers[-1].name
    values = {
        "provider_name": user_defined,
        "update_url": "https://dyn.example/nic/update?host=<domain>&ip=<ipaddr>&x=]]>&y='\"",
        "server_ipv4": "</NewServerIPv4><NewEnabled>0</NewEnabled>",
        "server_ipv6": "<![CDATA[::1]]>",
        "domain": "a&b<c>'\"]]>.example",
        "username": "</NewUsername><NewMode>ddns_v4</NewMode>",
        "password": "</NewPassword><NewEnabled>0</NewEnabled>",
    }
    await set_and_check(box, client, values, enabled=True)
    info = await client.get_ddns_info()
    assert info.update_url == values["update_url"]
    assert info.domain == values["domain"]
    assert info.enabled is True


# SetConfig: usernames of at most 64 printable characters without a colon or outer spaces;
# passwords of 8-32 printable characters with a letter and a non-letter.
CREDENTIALS = (
    ("<", "p<&>]]>'\"1"),
    ("&", "</NewPassword><NewEnabled>1</"),
    ("]]>", "<![CDATA[pw]]>1"),
    ("a&amp;b", "&amp;&lt;x&gt;9"),
    ("\"quoted'", "Pässwört-😀-1"),
    ("</NewUsername><NewPort>1</NewPort>", "</NewPort><NewPort>1"),
    ("</NewPassword><NewEnabled>1</NewEnabled>", "]]>]]>x1"),
    ("<![CDATA[x]]>", "&#13;&#x41;-pw"),
    ("J\u00fcrgen \U0001f600 \u4e2d\u6587", "<?xml?>-pw1"),
    ("<!DOCTYPE x [<!ENTITY e 'x'>]>&e;", "&e;&e;&e;x1"),
    ("</SetConfig></Body></Envelope>", "</s:Body>-1"),
)


@pytest.mark.parametrize(("username", "password"), CREDENTIALS)
@pytest.mark.parametrize("enabled", [False, True])
async def test_set_config_arguments_arrive_intact(
    box: FritzBoxSimulator,
    make_client: ClientFactory,
    username: str,
    password: str,
    enabled: bool,
) -> None:
    """Username and password arrive exactly; enabled and port stay what was sent."""
    client = make_client(box)
    await client.set_config(enabled=enabled, port=44443, username=username, password=password)
    state = box.state
    assert state.remote_access_username == username
    assert state.users[username].password == password
    assert state.remote_access_enabled is enabled
    assert state.remote_access_port == 44443
    # The client's own login is untouched.
    assert state.users[USERNAME].password == PASSWORD

    info = await client.get_info()
    assert (info.username, info.enabled, info.port) == (username, enabled, 44443)


UNSENDABLE = ("nul\x00byte", "bell\x07", "esc\x1b[0m", "lone \ud800 surrogate", "\ufffe")


@pytest.mark.parametrize("value", UNSENDABLE)
async def test_values_xml_cannot_carry_are_refused_before_sending(
    box: FritzBoxSimulator, make_client: ClientFactory, value: str
) -> None:
    """Characters XML 1.0 cannot carry at all: refused like the box would, nothing is sent."""
    client = make_client(box)
    await client.connect()
    box.log.clear()
    with pytest.raises(TR064InvalidArgumentError):
        await client.set_config(enabled=True, port=44443, username="remote", password=value)
    for name in DDNS_FIELDS:
        with pytest.raises(TR064InvalidArgumentError):
            await set_ddns(client, {**PLAIN_DDNS, name: value})
    assert box.log.entries == []


@pytest.mark.parametrize(
    ("username", "password"),
    [('a"b\\<c>&', 'p"w\\<&>]]>1'), ("J\u00fcrgen", "p\u00e4ss-\U0001f600"), ("a,b=c", 'x,y="z"')],
)
async def test_own_credentials_with_metacharacters(
    box_factory: BoxFactory, make_client: ClientFactory, username: str, password: str
) -> None:
    """The client's own login (HTTP digest, not XML) works with quotes and metacharacters."""
    box = await box_factory(users=(BoxUser(username, password),))
    client = make_client(box, username=username, password=password)
    await client.get_info()
    assert [entry.authenticated for entry in box.log.entries if entry.action] == [False, True]


# Any text XML can carry, in every argument at once.
XML_TEXT = st.lists(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
    | st.sampled_from(
        ["<", "&", "]]>", "</NewPassword>", "<NewEnabled>1</NewEnabled>", "\t", "\n", "\r"]
    ),
    max_size=12,
).map("".join)


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=(HealthCheck.function_scoped_fixture, HealthCheck.too_slow),
)
@given(values=st.fixed_dictionaries(dict.fromkeys(DDNS_FIELDS, XML_TEXT)))
async def test_any_text_arrives_intact(
    box: FritzBoxSimulator, make_client: ClientFactory, values: dict[str, str]
) -> None:
    """Generated text in every SetDDNSConfig argument arrives exactly, CR and all."""
    await set_and_check(box, make_client(box), values)
