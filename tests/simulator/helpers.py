"""Plain-aiohttp helpers for talking to the simulator, independent of the project's client."""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import re
from typing import TYPE_CHECKING, Any
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import aiohttp

from fritzbox_simulator.config import DEFAULT_PASSWORD

if TYPE_CHECKING:
    from fritzbox_simulator import FritzBoxSimulator

REMOTE = "urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1"
DEVICE_INFO = "urn:dslforum-org:service:DeviceInfo:1"
TIME = "urn:dslforum-org:service:Time:1"
AUTH = "urn:dslforum-org:service:X_AVM-DE_Auth:1"
APP_SETUP = "urn:dslforum-org:service:X_AVM-DE_AppSetup:1"
CONTROL = {
    REMOTE: "/upnp/control/x_remote",
    DEVICE_INFO: "/upnp/control/deviceinfo",
    TIME: "/upnp/control/time",
    AUTH: "/upnp/control/x_auth",
    APP_SETUP: "/upnp/control/x_appsetup",
}
USERNAME = "admin"
DEVICE_NS = "{urn:dslforum-org:device-1-0}"
RIGHTS = ("C", "A", "P", "N", "H")
#: SetDDNSConfig's arguments for Dynamic DNS switched off.
DISABLED_DDNS = {
    "NewEnabled": "0",
    "NewProviderName": "",
    "NewUpdateURL": "",
    "NewServerIPv4": "",
    "NewServerIPv6": "",
    "NewDomain": "",
    "NewUsername": "",
    "NewPassword": "",
    "NewMode": "ddns_v4",
}
PASSWORD = DEFAULT_PASSWORD
CHALLENGE = re.compile(
    r'Digest realm="HTTPS Access",nonce="(?P<nonce>[0-9A-F]{16})",algorithm=MD5,qop="auth"'
    r"(?P<stale>,stale=true)?"
)


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer, with the out-arguments or the UPnP error code already pulled out."""

    status: int
    body: bytes
    headers: dict[str, str]
    values: dict[str, str]
    error_code: int | None

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


def envelope(
    service_type: str,
    action: str,
    arguments: dict[str, str] | None = None,
    *,
    token: str | None = None,
    token_namespace: str = "avm.de",  # noqa: S107 - an XML namespace
) -> bytes:
    """A request envelope; ``token`` goes into the SOAP Header as a box expects it."""
    args = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in (arguments or {}).items())
    header = (
        ""
        if token is None
        else f'<s:Header><avm:token xmlns:avm="{token_namespace}" s:mustUnderstand="1">'
        f"{escape(token)}</avm:token></s:Header>"
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
        f"{header}"
        f'<s:Body><u:{action} xmlns:u="{service_type}">{args}</u:{action}></s:Body>'
        "</s:Envelope>"
    ).encode()


def soap_headers(service_type: str, action: str) -> dict[str, str]:
    return {
        "Content-Type": 'text/xml; charset="utf-8"',
        "SOAPACTION": f'"{service_type}#{action}"',
    }


def parse_document(document: bytes | str) -> ET.Element:
    """Parse the simulator's own output (trusted here; its DTD refusal is tested apart)."""
    return ET.fromstring(document)  # noqa: S314


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _parse(status: int, body: bytes) -> tuple[dict[str, str], int | None]:
    """Out-arguments of a 200, or the errorCode of a 500 fault (test-side, trusted input)."""
    if status not in (200, 500) or not body.startswith(b"<?xml"):
        return {}, None
    try:
        root = parse_document(body)
    except ET.ParseError:  # the fault tests' broken bodies
        return {}, None
    if status == 500:
        code = next(e.text for e in root.iter() if local(e.tag) == "errorCode")
        return {}, int(code or 0)
    soap_body = next(e for e in root if local(e.tag) == "Body")
    return {local(e.tag): e.text or "" for e in soap_body[0]}, None


async def call(
    session: aiohttp.ClientSession,
    sim: FritzBoxSimulator,
    action: str,
    arguments: dict[str, str] | None = None,
    *,
    service_type: str = REMOTE,
    username: str | None = USERNAME,
    password: str = PASSWORD,
    base_url: str | None = None,
    ssl: bool | aiohttp.Fingerprint = True,
    token: str | None = None,
    token_namespace: str = "avm.de",  # noqa: S107 - an XML namespace
) -> Reply:
    """One SOAP call with aiohttp's digest middleware (or without credentials)."""
    middlewares = (
        (aiohttp.DigestAuthMiddleware(username, password),) if username is not None else ()
    )
    async with session.post(
        f"{base_url or sim.url}{CONTROL[service_type]}",
        data=envelope(
            service_type, action, arguments, token=token, token_namespace=token_namespace
        ),
        headers=soap_headers(service_type, action),
        middlewares=middlewares,
        ssl=ssl,
    ) as response:
        body = await response.read()
        values, code = _parse(response.status, body)
        return Reply(response.status, body, dict(response.headers), values, code)


def digest_authorization(
    username: str,
    password: str,
    nonce: str,
    nc: int,
    *,
    uri: str = CONTROL[REMOTE],
    cnonce: str = "0a4f113b",
    method: str = "POST",
) -> str:
    """A hand-made Authorization header, for nonce-count and staleness tests."""

    def md5(text: str) -> str:
        return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()

    ha1 = md5(f"{username}:HTTPS Access:{password}")
    ha2 = md5(f"{method}:{uri}")
    count = f"{nc:08x}"
    response = md5(f"{ha1}:{nonce}:{count}:{cnonce}:auth:{ha2}")
    return (
        f'Digest username="{username}", realm="HTTPS Access", nonce="{nonce}", uri="{uri}", '
        f'response="{response}", algorithm=MD5, qop=auth, nc={count}, cnonce="{cnonce}"'
    )


async def raw_post(
    session: aiohttp.ClientSession,
    sim: FritzBoxSimulator,
    action: str = "GetInfo",
    *,
    authorization: str | None = None,
    service_type: str = REMOTE,
    body: bytes | None = None,
) -> Reply:
    """A SOAP POST with exactly the Authorization header given (no middleware)."""
    headers = soap_headers(service_type, action)
    if authorization is not None:
        headers["Authorization"] = authorization
    async with session.post(
        f"{sim.url}{CONTROL[service_type]}",
        data=body if body is not None else envelope(service_type, action),
        headers=headers,
    ) as response:
        data = await response.read()
        values, code = _parse(response.status, data)
        return Reply(response.status, data, dict(response.headers), values, code)


async def fresh_nonce(session: aiohttp.ClientSession, sim: FritzBoxSimulator) -> str:
    """Ask for a challenge and return its nonce."""
    reply = await raw_post(session, sim)
    match = CHALLENGE.fullmatch(reply.headers["WWW-Authenticate"])
    assert match is not None
    return match["nonce"]


async def control(
    session: aiohttp.ClientSession,
    sim: FritzBoxSimulator,
    operation: str,
    expected: int = 200,
    **kwargs: Any,
) -> dict[str, Any]:
    """POST to the simulator's control interface; the answer's ``ok`` must match the status."""
    async with session.post(f"{sim.url}/simulator/{operation}", **kwargs) as response:
        assert response.status == expected, await response.text()
        answer: dict[str, Any] = await response.json()
    assert answer["ok"] is (expected == 200)
    return answer


async def description_services(
    session: aiohttp.ClientSession, sim: FritzBoxSimulator
) -> dict[str | None, ET.Element]:
    """The services tr64desc.xml lists, by service type."""
    async with session.get(f"{sim.url}/tr64desc.xml") as response:
        assert response.status == 200
        description = parse_document(await response.read())
    return {
        s.findtext(f"{DEVICE_NS}serviceType"): s for s in description.iter(f"{DEVICE_NS}service")
    }
