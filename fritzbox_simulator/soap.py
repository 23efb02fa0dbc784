"""SOAP envelopes as a FRITZ!Box reads and writes them.

Requests are parsed with expat directly so that a DOCTYPE (and with it any entity
declaration) is refused before anything is expanded. Elements are matched by local name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
import xml.etree.ElementTree as ET
from xml.parsers import expat
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from collections.abc import Iterable

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENCODING = "http://schemas.xmlsoap.org/soap/encoding/"
UPNP_CONTROL = "urn:schemas-upnp-org:control-1-0"
#: The second factor's token travels as ``<avm:token xmlns:avm="avm.de">`` in the SOAP Header.
TOKEN_NAMESPACE = "avm.de"  # noqa: S105 - an XML namespace, not a password
CONTENT_TYPE = 'text/xml; charset="utf-8"'

#: Standard descriptions of the UPnP error codes a box uses.
ERROR_DESCRIPTIONS = {
    401: "Invalid Action",
    402: "Invalid Args",
    501: "Action Failed",
    600: "Argument Value Invalid",
    606: "Action Not Authorized",
    713: "SpecifiedArrayIndexInvalid",
    714: "NoSuchEntryInArray",
    820: "Internal Error",
    866: "second factor authentication required",
    867: "second factor authentication blocked",
    868: "second factor authentication busy",
}


class UPnPError(Exception):
    """An action failed; answered as HTTP 500 with a UPnPError fault."""

    def __init__(self, code: int, description: str | None = None) -> None:
        """Use the standard description of ``code`` unless one is given."""
        self.code = code
        self.description = description or ERROR_DESCRIPTIONS.get(code, "Action Failed")
        super().__init__(f"UPnPError {code}: {self.description}")


class SoapParseError(ValueError):
    """The request body is not a SOAP envelope we accept."""


@dataclass(frozen=True, slots=True)
class SoapCall:
    """One parsed request: the action's namespace, name, arguments and second-factor token."""

    service_type: str
    action: str
    arguments: dict[str, str]
    token: str | None = field(default=None, repr=False)


def parse_soap_action(header: str | None) -> tuple[str, str] | None:
    """Split ``"<serviceType>#<ActionName>"`` (quotes optional) into its two parts."""
    if not header:
        return None
    value = header.strip().strip('"')
    service_type, sep, action = value.rpartition("#")
    if not sep or not service_type or not action:
        return None
    return service_type, action


def _local(tag: str) -> str:
    return tag.rpartition(" ")[2]


def _namespace(tag: str) -> str:
    return tag.rpartition(" ")[0]


def _refuse_dtd(*_args: object) -> None:
    raise SoapParseError("document type declarations are not accepted")


def parse_xml(body: bytes) -> ET.Element:
    """Parse without DTDs; element tags come out as ``"<namespace> <local name>"``."""
    parser = expat.ParserCreate(namespace_separator=" ")
    builder = ET.TreeBuilder()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(body, True)
        return builder.close()
    except expat.ExpatError as err:
        raise SoapParseError(f"not well-formed XML: {err}") from err


def parse_request(body: bytes) -> SoapCall:
    """Read the action and its arguments out of a request envelope."""
    root = parse_xml(body)
    if _local(root.tag) != "Envelope":
        raise SoapParseError("the document element is not a SOAP Envelope")
    soap_body = next((child for child in root if _local(child.tag) == "Body"), None)
    header = next((child for child in root if _local(child.tag) == "Header"), None)
    if soap_body is None or len(soap_body) != 1:
        raise SoapParseError("the SOAP Body must hold exactly one action element")
    action = soap_body[0]
    arguments: dict[str, str] = {}
    for argument in action:
        name = _local(argument.tag)
        if name in arguments:
            raise SoapParseError(f"argument {name} given twice")
        arguments[name] = argument.text or ""
    return SoapCall(_namespace(action.tag), _local(action.tag), arguments, _token(header))


def _token(header: ET.Element | None) -> str | None:
    """Return the text of the header's avm:token element, if any; two are refused."""
    if header is None:
        return None
    tokens = [
        element.text or ""
        for element in header
        if _local(element.tag) == "token" and _namespace(element.tag) == TOKEN_NAMESPACE
    ]
    if len(tokens) > 1:
        raise SoapParseError("the SOAP Header holds more than one token")
    return tokens[0].strip() if tokens else None


def _envelope(inner: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<s:Envelope xmlns:s="{SOAP_ENV}" s:encodingStyle="{SOAP_ENCODING}">\n'
        f"<s:Body>\n{inner}</s:Body>\n</s:Envelope>\n"
    ).encode()


def build_response(service_type: str, action: str, out: Iterable[tuple[str, str]]) -> bytes:
    """``<u:ActionResponse>`` with one escaped child per out-argument, in SCPD order."""
    arguments = "".join(f"<{name}>{escape(value)}</{name}>\n" for name, value in out)
    return _envelope(
        f'<u:{action}Response xmlns:u="{escape(service_type, {chr(34): "&quot;"})}">\n'
        f"{arguments}</u:{action}Response>\n"
    )


def build_fault(error: UPnPError) -> bytes:
    """Build the s:Client fault with UPnPError detail that boxes send with HTTP 500."""
    return _envelope(
        "<s:Fault>\n<faultcode>s:Client</faultcode>\n<faultstring>UPnPError</faultstring>\n"
        f'<detail>\n<UPnPError xmlns="{UPNP_CONTROL}">\n'
        f"<errorCode>{error.code}</errorCode>\n"
        f"<errorDescription>{escape(error.description)}</errorDescription>\n"
        "</UPnPError>\n</detail>\n</s:Fault>\n"
    )
