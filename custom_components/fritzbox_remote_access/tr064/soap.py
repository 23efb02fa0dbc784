"""SOAP envelopes for TR-064: building requests, reading responses and UPnP faults."""

from __future__ import annotations

from functools import lru_cache
import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from .exceptions import TR064MalformedResponseError
from .models import DDNSProvider
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


_ENVELOPE_OPEN = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
    's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
)


@lru_cache(maxsize=64)
def _envelope_parts(service_type: str, action: str) -> tuple[str, str]:
    """Return the text around an action's arguments, the same for every call."""
    return (
        f"<s:Body><u:{action} xmlns:u={quoteattr(service_type)}>",
        f"</u:{action}></s:Body></s:Envelope>",
    )


def build_envelope(
    service_type: str, action: str, arguments: Mapping[str, str], token: str | None = None
) -> bytes:
    """Build a request body; values are escaped so ``<``, ``&``, ``]]>`` and CR arrive intact.

    ``token`` is the second factor's token, carried in the SOAP header (docs/second-factor.md).
    """
    head, tail = _envelope_parts(service_type, action)
    header = (
        ""
        if token is None
        else '<s:Header><avm:token xmlns:avm="avm.de" s:mustUnderstand="1">'
        f"{escape(token, _TEXT_ENTITIES)}</avm:token></s:Header>"
    )
    args = "".join(
        f"<{name}>{escape(value, _TEXT_ENTITIES)}</{name}>" for name, value in arguments.items()
    )
    return (_ENVELOPE_OPEN + header + head + args + tail).encode()


def soap_action_header(service_type: str, action: str) -> str:
    """Value of the SOAPACTION header."""
    return f'"{service_type}#{action}"'


# The fast path for responses. A box answers every poll in one plain shape: an envelope, its
# body, the action's response, and in that only elements holding text. These expressions
# (matched in C) recognise that shape and nothing else: no DTD, comment, CDATA section,
# processing instruction, character reference, CR, nested or mismatched element, odd name
# or odd character. Whatever they do not recognise, malformed or merely unusual, goes to the
# expat parser, which has the last word and refuses DTDs. What they do recognise is
# well-formed, so expat would read it the same; tests/tr064/test_properties.py compares both.
_NAME = r"[A-Za-z_][A-Za-z0-9._-]*"
_QNAME = rf"(?:{_NAME}:)?{_NAME}"
_S = "[ \t\n]"
_ATTR_VALUE = rf"{_S}*={_S}*(?:\"[^\"<&]*\"|'[^'<&]*')"
_ATTRS = rf"(?:{_S}+{_QNAME}{_ATTR_VALUE})*"
_FAST_RESPONSE = re.compile(
    rf'(?:<\?xml version="1\.0"(?: encoding="[Uu][Tt][Ff]-8")?{_S}*\?>)?{_S}*'
    rf"<(?P<envelope>{_QNAME})(?P<envelope_attrs>{_ATTRS}){_S}*>{_S}*"
    rf"<(?P<body>{_QNAME})(?P<body_attrs>{_ATTRS}){_S}*>{_S}*"
    rf"<(?P<response>{_QNAME})(?P<response_attrs>{_ATTRS}){_S}*>"
    rf"(?P<items>(?:{_S}*<(?P<item>{_QNAME}){_S}*(?:/>|>[^<]*</(?P=item){_S}*>))*)"
    rf"{_S}*</(?P=response){_S}*>{_S}*</(?P=body){_S}*>{_S}*</(?P=envelope){_S}*>{_S}*"
)
_FAST_ITEMS = re.compile(rf"{_S}*<({_QNAME}){_S}*(?:/>|>([^<]*)</\1{_S}*>)")
_ATTR_NAMES = re.compile(rf"{_S}+({_QNAME}){_ATTR_VALUE}")
# Characters expat refuses or rewrites (CR), and the C1 controls, which it takes but a box
# never sends: all of them are left to expat.
_FAST_ODD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_FAST_ODD_AMPERSAND = re.compile("&(?!(?:lt|gt|amp|quot|apos);)")
_ENTITY = re.compile("&(lt|gt|amp|quot|apos);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _entity(match: re.Match[str]) -> str:
    return _ENTITIES[match[1]]


def _fast_response(data: bytes, action: str) -> dict[str, str] | None:
    """Out-arguments of a plainly shaped response; None for anything else."""
    if data.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return None
    if (
        _FAST_ODD_CHARS.search(text)
        or "]]>" in text
        or ("&" in text and _FAST_ODD_AMPERSAND.search(text))
    ):
        return None
    found = _FAST_RESPONSE.fullmatch(text)
    if (
        found is None
        or found["envelope"].rpartition(":")[2] != "Envelope"
        or found["body"].rpartition(":")[2] != "Body"
        or found["response"].rpartition(":")[2] != f"{action}Response"
    ):
        return None
    for attributes in (found["envelope_attrs"], found["body_attrs"], found["response_attrs"]):
        if attributes.count("=") > 1:
            names = _ATTR_NAMES.findall(attributes)
            if len(set(names)) != len(names):
                return None  # expat refuses a repeated attribute
    return {
        name.rpartition(":")[2]: _ENTITY.sub(_entity, value) if "&" in value else value
        for name, value in _FAST_ITEMS.findall(found["items"])
    }


def parse_response(data: bytes, action: str) -> dict[str, str]:
    """Out-arguments of ``<ActionResponse>`` by name; anything else is malformed."""
    values = _fast_response(data, action)
    if values is not None:
        return values
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
