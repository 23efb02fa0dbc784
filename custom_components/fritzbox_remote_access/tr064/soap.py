"""SOAP envelopes for TR-064: building requests, reading responses and UPnP faults."""

from __future__ import annotations

from functools import lru_cache
import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from .exceptions import TR064MalformedResponseError
from .models import DDNSProvider, required
from .safexml import child_text, local_name, parse_raw, parse_xml, raw_child

if TYPE_CHECKING:
    from collections.abc import Mapping

# Characters XML 1.0 cannot carry at all, not even escaped; lone surrogates are not even UTF-8.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A raw CR would be read as LF by the box's parser; a character reference keeps it.
_TEXT_ENTITIES = {"\r": "&#13;"}


def is_xml_safe(value: str) -> bool:
    """Whether a value can travel as XML text."""
    return _INVALID_XML_CHARS.search(value) is None


@lru_cache(maxsize=64)
def _envelope_parts(service_type: str, action: str) -> tuple[str, str, str]:
    """Return the fixed text of an action's envelope: before the header, the body, the end."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">',
        f"<s:Body><u:{action} xmlns:u={quoteattr(service_type)}>",
        f"</u:{action}></s:Body></s:Envelope>",
    )


def build_envelope(
    service_type: str, action: str, arguments: Mapping[str, str], token: str | None = None
) -> bytes:
    """Build a request body; values are escaped so ``<``, ``&``, ``]]>`` and CR arrive intact.

    ``token`` is the second factor's token, carried in the SOAP header (docs/second-factor.md).
    """
    start, body, end = _envelope_parts(service_type, action)
    if token is not None:
        start += (
            '<s:Header><avm:token xmlns:avm="avm.de" s:mustUnderstand="1">'
            f"{escape(token, _TEXT_ENTITIES)}</avm:token></s:Header>"
        )
    if not arguments:
        return (start + body + end).encode()
    args = "".join(
        f"<{name}>{escape(value, _TEXT_ENTITIES)}</{name}>" for name, value in arguments.items()
    )
    return (start + body + args + end).encode()


def soap_action_header(service_type: str, action: str) -> str:
    """Value of the SOAPACTION header."""
    return f'"{service_type}#{action}"'


def parse_response(data: bytes, action: str) -> dict[str, str]:
    """Out-arguments of ``<ActionResponse>`` by name; anything else is malformed."""
    root = parse_raw(data)
    if local_name(root.tag) != "Envelope":
        raise TR064MalformedResponseError(f"{action}: response is not a SOAP envelope")
    body = raw_child(root, "Body")
    if body is None:
        raise TR064MalformedResponseError(f"{action}: SOAP envelope without body")
    response = raw_child(body, f"{action}Response")
    if response is None:
        raise TR064MalformedResponseError(f"{action}: no {action}Response in SOAP body")
    return {local_name(item.tag): item.text or "" for item in response}


def parse_fault(data: bytes) -> tuple[int, str]:
    """UPnP error code and description of an HTTP 500 answer; malformed if there is none."""
    root = parse_xml(data)
    for error in root.iter("UPnPError"):
        code_text = child_text(error, "errorCode")
        if code_text is None:
            break
        try:
            code = int(code_text.strip())
        except ValueError:
            break
        description = (child_text(error, "errorDescription") or "").strip()
        return code, description
    raise TR064MalformedResponseError("HTTP 500 without a UPnP error in a SOAP fault")


def parse_provider_list(text: str) -> tuple[DDNSProvider, ...]:
    """``NewProviderList`` is an XML document carried as escaped text; parse it like any answer."""
    if not text.strip():
        return ()
    # Parsed as text: it is decoded already, so an encoding it declares does not apply.
    root = parse_xml(text)
    if root.tag != "List":
        raise TR064MalformedResponseError("Provider list is not a <List>")
    providers = []
    for item in root:
        if item.tag != "Item":
            continue
        name = child_text(item, "ProviderName")
        if name is None:
            raise TR064MalformedResponseError("Provider list item without ProviderName")
        providers.append(DDNSProvider(name=name, info_url=(child_text(item, "InfoURL") or "")))
    return tuple(providers)


def soap_bool(value: bool) -> str:
    """TR-064 writes booleans as 1 and 0."""
    return "1" if value else "0"


def no_answer(_values: dict[str, str]) -> None:
    """Read nothing: setters answer nothing worth reading."""


def provider_list_from(values: dict[str, str]) -> tuple[DDNSProvider, ...]:
    """GetDDNSProviders' answer."""
    return parse_provider_list(required(values, "NewProviderList"))
