"""Edge cases the simulator does not produce, against a tiny scripted HTTP box on loopback."""

from __future__ import annotations

from dataclasses import dataclass, field
import gzip
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
import pytest

from custom_components.fritzbox_remote_access.tr064 import (
    Confirmation,
    DDNSMode,
    FritzBoxRemoteAccess,
    TR064ActionFailedError,
    TR064AuthenticationError,
    TR064InvalidArgumentError,
    TR064LoginBlockedError,
    TR064MalformedResponseError,
    TR064SecondFactorRequiredError,
    TR064UnsupportedError,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from custom_components.fritzbox_remote_access.tr064 import SecondFactorChallenge

RA = "urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1"
SECRET = "Scripted-Secret-42"


def description(services: str) -> bytes:
    return f"""<?xml version="1.0"?>
<root xmlns="urn:dslforum-org:device-1-0"><device><UDN>uuid:scripted</UDN>
<deviceList><device><UDN>uuid:child</UDN><serviceList>{services}</serviceList></device>
</deviceList></device></root>""".encode()


def service(service_type: str, control: str, scpd: str) -> str:
    return (
        f"<service><serviceType>{service_type}</serviceType><serviceId>x</serviceId>"
        f"<controlURL>{control}</controlURL><SCPDURL>{scpd}</SCPDURL></service>"
    )


def scpd(actions: tuple[str, ...], modes: tuple[str, ...]) -> bytes:
    action_xml = "".join(
        f"<action><name>{name}</name><argumentList><argument><name>NewMode</name>"
        "<direction>in</direction><relatedStateVariable>Mode</relatedStateVariable>"
        "</argument></argumentList></action>"
        for name in actions
    )
    allowed = "".join(f"<allowedValue>{mode}</allowedValue>" for mode in modes)
    mode_list = f"<allowedValueList>{allowed}</allowedValueList>" if modes else ""
    return (
        f'<scpd xmlns="urn:schemas-upnp-org:service-1-0"><actionList>{action_xml}</actionList>'
        f"<serviceStateTable><stateVariable><name>Mode</name><dataType>string</dataType>"
        f"{mode_list}</stateVariable></serviceStateTable></scpd>"
    ).encode()


def fault(code: int, text: str) -> bytes:
    return (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
        "<faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
        '<UPnPError xmlns="urn:schemas-upnp-org:control-1-0">'
        f"<errorCode>{code}</errorCode><errorDescription>{text}</errorDescription>"
        "</UPnPError></detail></s:Fault></s:Body></s:Envelope>"
    ).encode()


def response(action: str, values: str = "") -> bytes:
    return (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        f'<u:{action}Response xmlns:u="{RA}">{values}</u:{action}Response></s:Body></s:Envelope>'
    ).encode()


ALL_ACTIONS = ("GetInfo", "SetDDNSConfig", "SetEnable", "GetDDNSProviders", "SetConfig")


@dataclass
class ScriptedBox:
    """Answers by path from ``answers``; records what it was asked."""

    answers: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    chunked: set[str] = field(default_factory=set)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    seen: list[tuple[str, str, bytes]] = field(default_factory=list)
    port: int = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.seen.append((request.method, request.path, body))
        status, payload = self.answers.get(request.path, (404, b"not found"))
        if request.path in self.chunked:
            stream = web.StreamResponse(status=status)
            stream.enable_chunked_encoding()
            await stream.prepare(request)
            try:
                for _ in range(40):
                    await stream.write(payload)
            except ConnectionError:
                pass
            return stream
        return web.Response(
            status=status,
            body=payload,
            content_type="text/xml",
            headers=self.headers.get(request.path),
        )


@pytest.fixture
async def scripted() -> AsyncIterator[ScriptedBox]:
    box = ScriptedBox()
    box.answers["/tr64desc.xml"] = (
        200,
        description(service(RA, "/upnp/control/x_remote", "/x_remoteSCPD.xml")),
    )
    box.answers["/x_remoteSCPD.xml"] = (200, scpd(ALL_ACTIONS, ("ddns_v4", "ddns_v6")))
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", box.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    box.port = runner.addresses[0][1]
    yield box
    await runner.cleanup()


@pytest.fixture
async def client(scripted: ScriptedBox) -> AsyncIterator[FritzBoxRemoteAccess]:
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        yield FritzBoxRemoteAccess(
            session, "127.0.0.1", port=scripted.port, username="u", password=SECRET, timeout=5
        )


async def test_missing_remote_access_service(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    scripted.answers["/tr64desc.xml"] = (
        200,
        description(service("urn:dslforum-org:service:DeviceInfo:1", "/d", "/dSCPD.xml")),
    )
    with pytest.raises(TR064UnsupportedError, match="X_AVM-DE_RemoteAccess"):
        await client.connect()
    assert [path for _, path, _ in scripted.seen] == ["/tr64desc.xml"]


async def test_866_without_auth_service_is_raised_as_it_is(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    scripted.answers["/upnp/control/x_remote"] = (500, fault(866, "second factor required"))
    called: list[SecondFactorChallenge] = []
    with pytest.raises(TR064SecondFactorRequiredError):
        await client.set_enable(True, confirmation=Confirmation(called.append, timeout=30))
    assert called == []
    assert await client.second_factor_enabled() is None
    assert [path for _, path, _ in scripted.seen] == [
        "/tr64desc.xml",
        "/x_remoteSCPD.xml",
        "/upnp/control/x_remote",
    ]


async def test_missing_device_info_service(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    await client.connect()
    assert client.udn == "uuid:scripted"
    with pytest.raises(TR064UnsupportedError, match="DeviceInfo"):
        await client.get_device_info()


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (404, TR064UnsupportedError),
        (418, TR064MalformedResponseError),
        (503, TR064LoginBlockedError),
        (401, TR064AuthenticationError),
    ],
)
async def test_description_status(
    scripted: ScriptedBox,
    client: FritzBoxRemoteAccess,
    status: int,
    error: type[Exception],
) -> None:
    scripted.answers["/tr64desc.xml"] = (status, b"nope")
    with pytest.raises(error):
        await client.connect()


async def test_oversized_chunked_body_is_cut_off(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    scripted.answers["/x_remoteSCPD.xml"] = (200, b"<!-- padding -->" * 4096)  # 64 KiB each
    scripted.chunked.add("/x_remoteSCPD.xml")
    with pytest.raises(TR064MalformedResponseError, match="exceeds the limit of"):
        await client.connect()


async def test_compressed_body_is_capped_unpacked(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    """Content-Length counts the packed bytes: a small gzip body may unpack to gigabytes."""
    scripted.headers["/x_remoteSCPD.xml"] = {"Content-Encoding": "gzip"}
    scripted.answers["/x_remoteSCPD.xml"] = (200, gzip.compress(scpd(ALL_ACTIONS, ())))
    await client.connect()
    assert client.capabilities.supports("SetEnable")

    bomb = gzip.compress(b" " * (8 * 1024 * 1024))
    assert len(bomb) < 64 * 1024
    scripted.answers["/x_remoteSCPD.xml"] = (200, bomb)
    async with aiohttp.ClientSession() as session:
        fresh = FritzBoxRemoteAccess(
            session, "127.0.0.1", port=scripted.port, username="u", password=SECRET
        )
        with pytest.raises(TR064MalformedResponseError, match="exceeds the limit of"):
            await fresh.connect()


async def test_returned_port_beyond_65535_is_malformed(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    scripted.answers["/upnp/control/x_remote"] = (
        200,
        response("SetEnable", "<NewPort>65536</NewPort>"),
    )
    with pytest.raises(TR064MalformedResponseError, match="NewPort is out of range"):
        await client.set_enable(True)


async def test_http_500_without_fault_is_malformed(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    scripted.answers["/upnp/control/x_remote"] = (500, b"<html><body>Oops</body></html>")
    with pytest.raises(TR064MalformedResponseError, match="HTTP 500"):
        await client.get_info()
    assert client.stats.failures == 1


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (402, TR064InvalidArgumentError),
        (600, TR064InvalidArgumentError),
        (501, TR064ActionFailedError),
        (714, TR064ActionFailedError),
    ],
)
async def test_upnp_codes(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess, code: int, error: type[Exception]
) -> None:
    # A box echoing a password in its description must not get it into our message.
    scripted.answers["/upnp/control/x_remote"] = (500, fault(code, f"bad {SECRET} value"))
    with pytest.raises(error) as caught:
        await client.set_config(enabled=True, port=1, username="x", password=SECRET)
    assert getattr(caught.value, "code", None) == code
    assert SECRET not in str(caught.value)
    assert "***" in str(caught.value)


async def test_missing_control_url_is_unsupported(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    await client.connect()
    with pytest.raises(TR064UnsupportedError, match="HTTP 404"):
        await client.get_info()


async def test_other_http_status_is_malformed(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    scripted.answers["/upnp/control/x_remote"] = (302, b"")
    with pytest.raises(TR064MalformedResponseError, match="302"):
        await client.get_info()
    scripted.answers["/upnp/control/x_remote"] = (200, response("SetEnable"))
    with pytest.raises(TR064MalformedResponseError, match="GetInfoResponse"):
        await client.get_info()
    with pytest.raises(TR064MalformedResponseError, match="NewPort"):
        await client.set_enable(True)
    scripted.answers["/upnp/control/x_remote"] = (200, response("GetDDNSProviders"))
    with pytest.raises(TR064MalformedResponseError, match="NewProviderList"):
        await client.get_ddns_providers()
    assert client.stats.failures == 4


async def test_empty_port_is_zero(scripted: ScriptedBox, client: FritzBoxRemoteAccess) -> None:
    scripted.answers["/upnp/control/x_remote"] = (
        200,
        response("SetEnable", "<NewPort></NewPort>"),
    )
    assert await client.set_enable(True) == 0


async def test_request_format(scripted: ScriptedBox, client: FritzBoxRemoteAccess) -> None:
    scripted.answers["/upnp/control/x_remote"] = (200, response("SetConfig"))
    await client.set_config(enabled=False, port=443, username="a<b", password=SECRET)
    method, path, body = scripted.seen[-1]
    assert (method, path) == ("POST", "/upnp/control/x_remote")
    assert b"<NewUsername>a&lt;b</NewUsername>" in body
    assert b"<NewEnabled>0</NewEnabled>" in body
    assert b"<NewPort>443</NewPort>" in body


async def test_values_xml_cannot_carry_are_refused_locally(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    await client.connect()
    before = len(scripted.seen)
    with pytest.raises(TR064InvalidArgumentError, match="NewUsername"):
        await client.set_config(enabled=True, port=1, username="a\x00b", password=SECRET)
    assert len(scripted.seen) == before


async def test_mode_the_box_does_not_offer(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    await client.connect()
    assert client.capabilities.mode_values == ("ddns_v4", "ddns_v6")
    before = len(scripted.seen)
    for mode in (DDNSMode.TOGETHER, DDNSMode.BOTH):
        with pytest.raises(TR064UnsupportedError, match=mode.value):
            await client.set_ddns_config(
                enabled=True,
                provider_name="p",
                update_url="",
                server_ipv4="",
                server_ipv6="",
                domain="d",
                username="u",
                password=SECRET,
                mode=mode,
            )
    assert len(scripted.seen) == before


async def test_without_advertised_modes_the_canonical_spelling_is_written(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    scripted.answers["/x_remoteSCPD.xml"] = (200, scpd(ALL_ACTIONS, ()))
    scripted.answers["/upnp/control/x_remote"] = (200, response("SetDDNSConfig"))
    await client.set_ddns_config(
        enabled=True,
        provider_name="p",
        update_url="",
        server_ipv4="",
        server_ipv6="",
        domain="d",
        username="u",
        password=SECRET,
        mode=DDNSMode.TOGETHER,
    )
    assert b"<NewMode>ddns_together</NewMode>" in scripted.seen[-1][2]


async def test_absolute_control_url_stays_on_the_box(
    scripted: ScriptedBox, client: FritzBoxRemoteAccess
) -> None:
    scripted.answers["/tr64desc.xml"] = (
        200,
        description(
            service(RA, "http://198.51.100.7:1/upnp/control/x_remote?x=1", "x_remoteSCPD.xml")
        ),
    )
    scripted.answers["/upnp/control/x_remote"] = (
        200,
        response("SetEnable", "<NewPort>7</NewPort>"),
    )
    assert await client.set_enable(True) == 7
    assert scripted.seen[-1][1] == "/upnp/control/x_remote"
