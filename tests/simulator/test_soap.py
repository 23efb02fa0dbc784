"""SOAP parsing (safe, by local name) and the exact envelope and fault shapes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from fritzbox_simulator.soap import (
    SoapParseError,
    UPnPError,
    build_fault,
    build_response,
    parse_request,
    parse_soap_action,
)

from .helpers import PASSWORD, REMOTE, USERNAME, envelope, raw_post, soap_headers

if TYPE_CHECKING:
    import aiohttp

    from fritzbox_simulator import FritzBoxSimulator


def test_parse_by_local_name_and_unescape() -> None:
    body = (
        b'<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        b'<soap:Body><m:SetConfig xmlns:m="urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1">'
        b"<NewUsername>a&amp;b&lt;c&#228;</NewUsername><NewPassword><![CDATA[x<y]]></NewPassword>"
        b"<NewPort/></m:SetConfig></soap:Body></soap:Envelope>"
    )
    call = parse_request(body)
    assert call.service_type == REMOTE
    assert call.action == "SetConfig"
    assert call.arguments == {"NewUsername": "a&b<cä", "NewPassword": "x<y", "NewPort": ""}


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        b'<!DOCTYPE x SYSTEM "http://example.org/x.dtd"><x/>',
        b"<s:Envelope xmlns:s='e'><s:Body><A>&undefined;</A></s:Body></s:Envelope>",
        b"<Envelope><Body/></Envelope>",
        b"<Envelope><Body><A/><B/></Body></Envelope>",
        b"<Envelope><Body><A><X/><X/></A></Body></Envelope>",
        b"<NotEnvelope><Body><A/></Body></NotEnvelope>",
        b"<Envelope><Body><A>",
        b"",
    ],
)
def test_refused_requests(body: bytes) -> None:
    with pytest.raises(SoapParseError):
        parse_request(body)


def test_soap_action_header() -> None:
    assert parse_soap_action(f'"{REMOTE}#GetInfo"') == (REMOTE, "GetInfo")
    assert parse_soap_action(f"{REMOTE}#GetInfo") == (REMOTE, "GetInfo")
    assert parse_soap_action("GetInfo") is None
    assert parse_soap_action(f"{REMOTE}#") is None
    assert parse_soap_action(None) is None


def test_response_shape() -> None:
    body = build_response(REMOTE, "GetInfo", [("NewUsername", "a<&>b"), ("NewPort", "1")])
    assert body == (
        b'<?xml version="1.0"?>\n'
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        b's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">\n<s:Body>\n'
        b'<u:GetInfoResponse xmlns:u="urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1">\n'
        b"<NewUsername>a&lt;&amp;&gt;b</NewUsername>\n<NewPort>1</NewPort>\n"
        b"</u:GetInfoResponse>\n</s:Body>\n</s:Envelope>\n"
    )


def test_fault_shape() -> None:
    body = build_fault(UPnPError(606))
    assert (
        b"<s:Fault>\n<faultcode>s:Client</faultcode>\n<faultstring>UPnPError</faultstring>\n"
        b'<detail>\n<UPnPError xmlns="urn:schemas-upnp-org:control-1-0">\n'
        b"<errorCode>606</errorCode>\n<errorDescription>Action Not Authorized</errorDescription>\n"
        b"</UPnPError>\n</detail>\n</s:Fault>\n"
    ) in body
    assert UPnPError(999).description == "Action Failed"


async def test_bad_request_bodies_after_authentication(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    import aiohttp  # noqa: PLC0415

    middleware = aiohttp.DigestAuthMiddleware(USERNAME, PASSWORD)

    async def post(body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        async with session.post(
            f"{simulator.url}/upnp/control/x_remote",
            data=body,
            headers=headers,
            middlewares=(middleware,),
        ) as response:
            return response.status, await response.read()

    headers = soap_headers(REMOTE, "GetInfo")
    dtd = b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    assert (await post(dtd, headers))[0] == 400
    # Without SOAPACTION the body names the action.
    status, body = await post(envelope(REMOTE, "GetInfo"), {})
    assert status == 200
    assert b"GetInfoResponse" in body
    # A SOAPACTION that disagrees with the body, or names another service: Invalid Action.
    status, body = await post(envelope(REMOTE, "GetDDNSInfo"), headers)
    assert (status, b"<errorCode>401</errorCode>" in body) == (500, True)
    other = soap_headers("urn:dslforum-org:service:Time:1", "GetInfo")
    status, body = await post(envelope("urn:dslforum-org:service:Time:1", "GetInfo"), other)
    assert (status, b"<errorCode>401</errorCode>" in body) == (500, True)


async def test_garbage_without_credentials_is_challenged_first(
    simulator: FritzBoxSimulator, session: aiohttp.ClientSession
) -> None:
    reply = await raw_post(session, simulator, body=b"<x/>")
    assert reply.status == 401
