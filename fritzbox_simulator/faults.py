"""Switchable misbehaviour, and the broken bodies a misbehaving box sends."""

from __future__ import annotations

from dataclasses import dataclass, replace

#: Boolean faults, in the order in which they win when several are on.
BODY_FAULTS = (
    "drop_connection",
    "http_500_garbage",
    "entity_bomb",
    "malformed_xml",
    "oversized_body",
)
BOOLEAN_FAULTS = (*BODY_FAULTS, "app_access_disabled")

#: Comfortably above the 1 MiB a sane client accepts.
OVERSIZED_BYTES = 2 * 1024 * 1024


@dataclass(slots=True)
class Faults:
    """Faults that apply to every request while set; tests flip them at run time.

    ``latency`` delays each request. The body faults (see ``BODY_FAULTS``) replace any answer,
    descriptions included, before authentication, as a broken box or network would.
    ``app_access_disabled`` answers every SOAP action with UPnP 401 Invalid Action while
    descriptions are still served, like a box whose "access for applications" is off.
    """

    latency: float = 0.0
    drop_connection: bool = False
    http_500_garbage: bool = False
    malformed_xml: bool = False
    entity_bomb: bool = False
    oversized_body: bool = False
    app_access_disabled: bool = False

    def __post_init__(self) -> None:
        """Refuse a negative latency."""
        if self.latency < 0:
            raise ValueError("latency must not be negative")

    def active_body_fault(self) -> str | None:
        """Return the body fault to apply now, or None."""
        for name in BODY_FAULTS:
            if getattr(self, name):
                return name
        return None

    def copy(self) -> Faults:
        """Return an independent copy, so a config's initial faults stay untouched."""
        return replace(self)


def garbage_body() -> bytes:
    """Return neither XML nor text: what a crashing web server may send with its HTTP 500."""
    return b"\x00\xff\xfeInternal error <<<\x1b[0m garbage \xc3\x28 ]]>\r\n"


def malformed_body(soap: bool) -> bytes:
    """Return an HTTP 200 body cut off in the middle of an element."""
    if soap:
        return (
            b'<?xml version="1.0"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"'
            b' s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">\n<s:Body>\n'
            b'<u:GetInfoResponse xmlns:u="urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1">\n'
            b"<NewEnabled>1</NewEna"
        )
    return (
        b'<?xml version="1.0"?>\n<root xmlns="urn:dslforum-org:device-1-0">\n'
        b"<specVersion><major>1</major><mi"
    )


def entity_bomb_body() -> bytes:
    """Return a "billion laughs" document: expanding its entities would take gigabytes."""
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", ' <!ENTITY lol "lol">']
    previous = "lol"
    for level in range(1, 10):
        name = f"lol{level}"
        expansion = f"&{previous};" * 10
        lines.append(f' <!ENTITY {name} "{expansion}">')
        previous = name
    lines.append("]>")
    lines.append(
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        '<u:GetInfoResponse xmlns:u="urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1">'
        f"<NewUsername>&{previous};</NewUsername></u:GetInfoResponse></s:Body></s:Envelope>"
    )
    return "\n".join(lines).encode()


def oversized_body() -> bytes:
    """Return a well-formed SOAP response far larger than any real answer."""
    head = (
        b'<?xml version="1.0"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"'
        b' s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">\n<s:Body>\n'
        b'<u:GetInfoResponse xmlns:u="urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1">\n'
        b"<NewUsername>"
    )
    tail = b"</NewUsername>\n</u:GetInfoResponse>\n</s:Body>\n</s:Envelope>\n"
    return head + b"x" * OVERSIZED_BYTES + tail
