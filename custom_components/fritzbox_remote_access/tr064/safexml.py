"""A small XML parser that refuses DTDs, so entity bombs and external entities never expand.

The standard library's ElementTree accepts internal entity declarations; expat's handlers let us
stop at the start of a DOCTYPE, before any declaration is read. Element names are reduced to
their local part, because firmware versions differ in namespaces and prefixes.
"""

from __future__ import annotations

from typing import NoReturn
import xml.etree.ElementTree as ET
from xml.parsers import expat

from .exceptions import TR064MalformedResponseError


class _DTDRefusedError(Exception):
    """Raised from inside expat handlers to stop parsing."""


def _refuse(*_args: object) -> NoReturn:
    raise _DTDRefusedError


def local_name(name: str) -> str:
    """``s:Envelope`` and ``{uri}Envelope`` both become ``Envelope``."""
    return name.rpartition("}")[2].rpartition(":")[2]


def parse_xml(data: bytes | str) -> ET.Element:
    """Parse a document into elements named by local name; raise malformed on any problem."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.NotationDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse

    def start(name: str, attrs: dict[str, str]) -> None:
        builder.start(
            local_name(name),
            {local_name(k): v for k, v in attrs.items() if not k.startswith("xmlns")},
        )

    def end(name: str) -> None:
        builder.end(local_name(name))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except _DTDRefusedError:
        raise TR064MalformedResponseError("Refused XML with a DTD or entity declarations") from None
    except (expat.ExpatError, ValueError, UnicodeError, LookupError) as err:
        # LookupError: an encoding declared in the document that Python does not know.
        raise TR064MalformedResponseError(f"Unparseable XML: {err}") from None
    root = builder.close()
    if not isinstance(root, ET.Element):  # pragma: no cover - expat guarantees a root
        raise TR064MalformedResponseError("XML without a root element")
    return root


def child(element: ET.Element, name: str) -> ET.Element | None:
    """First direct child with this local name."""
    for item in element:
        if item.tag == name:
            return item
    return None


def child_text(element: ET.Element, name: str) -> str | None:
    """Text of the first direct child with this local name, None if absent."""
    item = child(element, name)
    if item is None:
        return None
    return item.text or ""
