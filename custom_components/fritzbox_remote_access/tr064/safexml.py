"""An expat parser that stops at any DTD, so entity bombs and external entities never expand.

``parse_xml`` reduces element names to their local part (firmware differs in namespaces);
``parse_raw`` leaves them as written, for a caller that looks at a few elements only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn
import xml.etree.ElementTree as ET
from xml.parsers import expat

from .exceptions import TR064MalformedResponseError

if TYPE_CHECKING:
    from xml.parsers.expat import XMLParserType


class _DTDRefusedError(Exception):
    """Raised from inside expat handlers to stop parsing."""


def _refuse(*_args: object) -> NoReturn:
    raise _DTDRefusedError


def local_name(name: str) -> str:
    """``s:Envelope`` and ``{uri}Envelope`` both become ``Envelope``."""
    return name.rpartition("}")[2].rpartition(":")[2]


def _refusing_parser() -> XMLParserType:
    """Create an expat parser without namespace processing that stops at any DTD.

    Without namespace processing names arrive as written (``s:Envelope``); ``}`` cannot occur
    in an XML name, so the local name is what follows the last ``:``.
    """
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.NotationDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    return parser


def _run(parser: XMLParserType, data: bytes | str) -> None:
    """Parse the whole document; every problem becomes TR064MalformedResponseError."""
    try:
        parser.Parse(data, True)
    except _DTDRefusedError:
        raise TR064MalformedResponseError("Refused XML with a DTD or entity declarations") from None
    except (expat.ExpatError, ValueError, UnicodeError, LookupError) as err:
        # LookupError: an encoding declared in the document that Python does not know.
        raise TR064MalformedResponseError(f"Unparseable XML: {err}") from None


def parse_raw(data: bytes | str) -> ET.Element:
    """Parse into elements named as written (``s:Envelope``), attributes as written.

    The tree builder's own methods are expat's handlers, so building the tree runs no Python
    code per element (only the DTD refusal does, and it ends the parse).
    """
    builder = ET.TreeBuilder()
    parser = _refusing_parser()
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    _run(parser, data)
    root = builder.close()
    if not isinstance(root, ET.Element):  # pragma: no cover - expat guarantees a root
        raise TR064MalformedResponseError("XML without a root element")
    return root


def parse_xml(data: bytes | str) -> ET.Element:
    """Parse a document into elements named by local name; raise malformed on any problem."""
    root = parse_raw(data)
    for element in root.iter():
        element.tag = local_name(element.tag)
        if element.attrib:
            element.attrib = {
                local_name(k): v for k, v in element.attrib.items() if not k.startswith("xmlns")
            }
    return root


def raw_child(element: ET.Element, name: str) -> ET.Element | None:
    """First direct child with this local name, in a tree from ``parse_raw``."""
    for item in element:
        if local_name(item.tag) == name:
            return item
    return None


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
