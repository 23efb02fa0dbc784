"""Property-based tests: whatever a box answers, the parsers raise only the client's own errors.

Each parser (SOAP responses with the models built from them, UPnP faults, the device
description, SCPDs, the provider list) sees at least 2,000 generated inputs per test: near-valid
documents built element by element (random, missing, duplicated and foreign elements, odd texts,
random prefixes and namespaces, CDATA, character references, declared encodings, numeric edge
strings, deep nesting), raw bytes and text, and the simulator's own documents with random byte
mutations. Documents that are valid must also parse to what was put in, so a parser that rejects
everything fails here too. The examples are derandomized: every run (and CI) tests the same ones.

More examples: ``FRA_HYPOTHESIS_EXAMPLES=20000 scripts/run python -m pytest
tests/tr064/test_properties.py``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
import os
import re
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from aiohttp import web
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.fritzbox_remote_access.tr064 import (
    Capabilities,
    DDNSMode,
    DDNSProvider,
    DDNSStatus,
    FritzBoxRemoteAccess,
    LetsEncryptState,
    TR064Error,
    TR064MalformedResponseError,
)
from custom_components.fritzbox_remote_access.tr064.const import PORT_MAX, UI4_MAX
from custom_components.fritzbox_remote_access.tr064.description import (
    DeviceDescription,
    ServiceInfo,
    parse_device_description,
    parse_scpd,
)
from custom_components.fritzbox_remote_access.tr064.models import (
    box_info_from,
    ddns_info_from,
    parse_int,
    remote_access_info_from,
)
from custom_components.fritzbox_remote_access.tr064.safexml import child, parse_xml
from custom_components.fritzbox_remote_access.tr064.soap import (
    parse_fault,
    parse_provider_list,
    parse_response,
)
from fritzbox_simulator.config import FIRMWARE
from fritzbox_simulator.description import render_description
from fritzbox_simulator.providers import render_provider_list
from fritzbox_simulator.scpd import remote_access_scpd, render_scpd
from fritzbox_simulator.soap import UPnPError, build_fault, build_response

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    import random

    import aiohttp

# Hypothesis 6.170 misreads Python 3.14's reference counts in its own set-up; harmless.
pytestmark = pytest.mark.filterwarnings(
    "ignore:It looks like `register_random`:hypothesis.errors.HypothesisWarning"
)

PROFILE = "fritzbox_remote_access_parsers"
settings.register_profile(
    PROFILE,
    max_examples=int(os.environ.get("FRA_HYPOTHESIS_EXAMPLES", "2000")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large),
)
PARSERS = settings.get_profile(PROFILE)
# Each example talks HTTP to a loopback server: fewer of them, the parsers are covered above.
OVER_HTTP = settings(
    PARSERS,
    max_examples=int(os.environ.get("FRA_HYPOTHESIS_HTTP_EXAMPLES", "150")),
    suppress_health_check=(
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ),
)

RA = "urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1"
DEVICE_INFO = "urn:dslforum-org:service:DeviceInfo:1"

# --- texts --------------------------------------------------------------------------------

NUMERIC_EDGES = (
    "",
    "0",
    "1",
    "-1",
    "+1",
    "01",
    " 42 ",
    "\t7\n",
    "65535",
    "65536",
    "4294967295",
    "18446744073709551616",
    "-0",
    "1e3",
    "0x1F",
    "1_000",
    "1.5",
    "NaN",
    "inf",
    "\u0661\u0662\u0663",  # Arabic-Indic digits
    "\uff11\uff12",  # fullwidth digits
    "\u00bd",
    "9" * 5000,  # beyond int()'s digit limit
    "true",
    "false",
    "TRUE",
    "yes",
    "no",
    "2",
)
BOX_SPELLINGS = (
    "ddns_v4",
    "ddns_v6",
    "ddns_both",
    "ddns_together",
    "ddns_both_together",
    "DDNS_V4",
    "new address",
    "new-address",
    "updated",
    "account-disabled",
    "not_used",
    "valid",
    "get",
    "unknown",
    "offline",
    "Benutzerdefiniert",
    "uuid:739f2409-bccb-40e7-8e6c-3431c4a1b2c3",
    RA,
    DEVICE_INFO,
    "/upnp/control/x_remote",
    "/x_remoteSCPD.xml",
)
ODD_PIECES = st.sampled_from([*"<>&'\"]\t\n\r ", "]]>", "\r\n", "\u00a0", "\u2028", "\ufeff", "😀"])
FREE_TEXT = st.lists(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff") | ODD_PIECES,
    max_size=10,
).map("".join)
VALUES = st.one_of(
    st.sampled_from(NUMERIC_EDGES),
    st.sampled_from(BOX_SPELLINGS),
    st.integers().map(str),
    FREE_TEXT,
)


def _line_ends(value: str) -> str:
    """XML parsers read raw CR and CRLF as LF; only a character reference keeps a CR."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Text:
    """A value as written into a document, and what a parser must read back if ``exact``."""

    xml: str
    expected: str
    exact: bool


# How a text is written: escaped, in CDATA, as character references, or raw (then maybe
# not well-formed).
HOW = ("escape", "escape", "cdata", "charrefs", "raw")


def render(value: str, how: str) -> Text:
    if how == "escape":
        return Text(escape(value), _line_ends(value), exact=True)
    if how == "cdata":
        inner = value.replace("]]>", "]]]]><![CDATA[>")
        return Text(f"<![CDATA[{inner}]]>", _line_ends(value), exact=True)
    if how == "charrefs":
        return Text("".join(f"&#{ord(c)};" for c in value), value, exact=True)
    return Text(value, value, exact=False)


# --- names, namespaces, noise -------------------------------------------------------------

# Well-formed names that no parser looks for (case matters, so do prefixes).
XML_NAMES = (
    "x",
    "Junk",
    "_a",
    "a.b",
    "a-b",
    "newenabled",
    "NEWPORT",
    "Item2",
    "\u0391\u03b2",
    "\u540d",
    "xmlX",
)
# Prefix and attributes of a tag; None: an ill-formed name instead (about one in 40).
STYLES = (
    *(("", "") for _ in range(12)),
    *(("u:", "") for _ in range(4)),
    ("s:", ""),
    ("ns0:", ""),
    ("SOAP-ENV:", ""),
    ("", ' xmlns="urn:dslforum-org:device-1-0"'),
    ("s:", ' xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"'),
    ("u:", f' xmlns:u="{RA}"'),
    ("", ' xmlns="urn:schemas-upnp-org:control-1-0"'),
    ("m:", ' xmlns:m="urn:dslforum-org:control-1-0" m:attr="1"'),
    ("", ' s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"'),
    ("", ' xmlns=""'),
    ("x:", ' xmlns:x="&lt;&amp;&quot;]]&gt;\u00e4\U0001f600"'),
    ("", " a='1' b=\"&#x41;\""),
    None,
)
BAD_NAMES = ("1x", "a b", "", "<", "x&y", "-a")
# Between elements: every parser ignores it.
NOISE = ("", "", "\n", "  \t", "<!-- note -->", "<?pi data?>", "\r\n")
FOREIGN_ELEMENTS = (
    "<Junk/>",
    "<Junk>x</Junk>",
    "<x:Other xmlns:x='urn:x'><a/></x:Other>",
    "<Header/>",
)


@dataclass(frozen=True)
class Tag:
    """An element name as written, and whether it is a well-formed XML name."""

    local: str
    prefix: str
    attributes: str
    ok: bool

    def wrap(self, content: str) -> str:
        name = f"{self.prefix}{self.local}"
        return f"<{name}{self.attributes}>{content}</{name}>"


class Writer:
    """Writes the tags and texts of one document and remembers whether all are clean.

    Clean: well-formed names, and texts a parser must read back exactly. Values come from
    Hypothesis; the document's structure (names, prefixes, order, noise, how a text is
    written) from a Random seeded by it: as reproducible, and many times faster to draw.
    """

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.random: random.Random = draw(st.randoms(use_true_random=True))
        self.clean = True

    def tag(self, *names: str) -> Tag:
        """One of ``names``, one time in four a foreign name, in a random style."""
        style = self.random.choice(STYLES)
        if style is None:
            self.clean = False
            return Tag(self.random.choice(BAD_NAMES), "", "", ok=False)
        name = self.random.choice(XML_NAMES if self.one_in(4) else names)
        return Tag(name, *style, ok=True)

    def exact_tag(self, name: str) -> Tag:
        """Exactly this name (the document's shape depends on it), in a random style."""
        style = self.random.choice(STYLES)
        if style is None:
            self.clean = False
            return Tag(self.random.choice(BAD_NAMES), "", "", ok=False)
        return Tag(name, *style, ok=True)

    def text(self, values: st.SearchStrategy[str] = VALUES) -> Text:
        return self.text_of(self.draw(values))

    def text_of(self, value: str) -> Text:
        text = render(value, self.random.choice(HOW))
        self.clean = self.clean and text.exact
        return text

    def number(self, low: int, high: int) -> int:
        return self.random.randint(low, high)

    def one_in(self, n: int) -> bool:
        return self.random.randrange(n) == 0

    def shuffled[T](self, items: list[T]) -> list[T]:
        items = list(items)
        self.random.shuffle(items)
        return items

    def choice[T](self, options: tuple[T, ...]) -> T:
        return self.random.choice(options)

    def noise(self) -> str:
        return self.random.choice(NOISE)

    def fields(
        self, names: tuple[str, ...], values: st.SearchStrategy[str] = VALUES
    ) -> list[tuple[Tag, Text]]:
        """Child elements with these names: shuffled, some missing, doubled or foreign."""
        items = [(self.exact_tag(name), self.text(values)) for name in names]
        if self.one_in(2):
            items += [(self.tag(*names), self.text(values)) for _ in range(self.number(0, 2))]
            items = self.shuffled(items)
        if items and self.one_in(5):
            del items[self.number(0, len(items) - 1)]
        return items

    def elements(self, items: list[tuple[Tag, Text]]) -> str:
        return "".join(self.noise() + tag.wrap(text.xml) for tag, text in items)


def first_texts(items: list[tuple[Tag, Text]]) -> dict[str, str]:
    """Expected texts by local name: the first element of a name counts."""
    first: dict[str, str] = {}
    for tag, text in items:
        first.setdefault(tag.local, text.expected)
    return first


# --- documents ----------------------------------------------------------------------------

ENCODINGS = (
    None,
    None,
    None,
    "utf-8",
    "UTF-8",
    "utf-8-sig",
    "utf-16",
    "iso-8859-1",
    "us-ascii",
    "windows-1252",
    "utf-7",
    "cp500",
    "x-no-such-charset",
    "",
)
ENCODING = st.sampled_from(ENCODINGS)
LOSSLESS_ENCODINGS = frozenset(
    {"utf-8", "UTF-8", "utf-8-sig", "utf-16", "iso-8859-1", "us-ascii", "windows-1252"}
)


def encode(w: Writer, document: str) -> tuple[bytes, bool]:
    """Encode, maybe with an XML declaration; True if a parser must read it losslessly."""
    encoding = w.draw(ENCODING)
    if encoding is None:
        return document.encode(), True
    declared = "utf-8" if encoding == "utf-8-sig" else encoding
    text = f'<?xml version="1.0" encoding="{declared}"?>{w.noise()}{document}'
    try:
        return text.encode(encoding), encoding in LOSSLESS_ENCODINGS
    except LookupError, UnicodeError:
        return text.encode(), False


@dataclass(frozen=True)
class Case:
    """A generated document; ``expected`` is what a parser returns when ``valid``."""

    data: bytes
    valid: bool
    expected: Any = None
    action: str = ""


# SOAP responses ---------------------------------------------------------------------------

REMOTE_ACCESS_ARGS = (
    "NewEnabled",
    "NewPort",
    "NewUsername",
    "NewLetsEncryptEnabled",
    "NewLetsEncryptState",
)
DDNS_ARGS = (
    "NewEnabled",
    "NewProviderName",
    "NewDomain",
    "NewMode",
    "NewServerIPv4",
    "NewServerIPv6",
    "NewStatusIPv4",
    "NewStatusIPv6",
    "NewUpdateURL",
    "NewUsername",
)
DEVICE_ARGS = (
    "NewManufacturerName",
    "NewModelName",
    "NewSerialNumber",
    "NewSoftwareVersion",
    "NewHardwareVersion",
    "NewUpTime",
)
ALL_ARGS = (*REMOTE_ACCESS_ARGS, *DDNS_ARGS, *DEVICE_ARGS, "NewProviderList")
ACTIONS = ("GetInfo", "GetDDNSInfo", "GetDDNSProviders", "SetEnable", "SetConfig")
SHAPE = st.sampled_from(
    ("ok",) * 8 + ("no_body", "no_response", "other_action", "not_envelope", "nested")
)
ACTION = st.sampled_from(ACTIONS)
ARGUMENT_SETS = st.sampled_from((REMOTE_ACCESS_ARGS, DDNS_ARGS, DEVICE_ARGS, ("NewPort",), ()))


def soap_envelope(w: Writer, action: str, content: str) -> tuple[str, bool]:
    """Wrap out-arguments in an envelope of a random shape; True if the shape is right."""
    shape = w.draw(SHAPE)
    name = f"{w.draw(ACTION)}X" if shape == "other_action" else action
    response = w.exact_tag(f"{name}Response").wrap(content)
    if shape == "nested":
        response = f"<Wrapper>{response}</Wrapper>"
    body_items = [response] if shape != "no_response" else [w.choice(FOREIGN_ELEMENTS)]
    if w.one_in(2):
        body_items.append(w.choice(FOREIGN_ELEMENTS))
    body = w.exact_tag("Body").wrap(w.noise().join(body_items))
    children = [body] if shape != "no_body" else [w.choice(FOREIGN_ELEMENTS)]
    if w.one_in(2):
        children.insert(0, "<s:Header><Session>1</Session></s:Header>")
    root = "Envelop" if shape == "not_envelope" else "Envelope"
    return w.exact_tag(root).wrap(w.noise().join(children)), shape == "ok"


@st.composite
def soap_responses(draw: st.DrawFn) -> Case:
    """A response to one of the client's actions, with random out-arguments and shape."""
    w = Writer(draw)
    action = draw(ACTION)
    names = draw(ARGUMENT_SETS)
    items = [(w.exact_tag(name), w.text()) for name in names]
    if w.one_in(2):
        items += [(w.tag(*ALL_ARGS), w.text()) for _ in range(w.number(0, 6))]
        items = w.shuffled(items)
    if items and w.one_in(5):
        del items[w.number(0, len(items) - 1)]
    document, shape_ok = soap_envelope(w, action, w.elements(items))
    data, lossless = encode(w, document)
    unique = len({tag.local for tag, _ in items}) == len(items)
    valid = w.clean and shape_ok and lossless and unique
    return Case(data, valid, {tag.local: text.expected for tag, text in items}, action)


def check_models(values: dict[str, str]) -> None:
    """Build every model from parsed out-arguments: typed values or a TR064Error only."""
    with contextlib.suppress(TR064Error):
        info = remote_access_info_from(values)
        assert isinstance(info.enabled, bool)
        assert isinstance(info.port, int)
        assert 0 <= info.port <= PORT_MAX
        assert isinstance(info.username, str)
        assert info.lets_encrypt_enabled in (None, True, False)
        assert info.lets_encrypt_state is None or isinstance(
            info.lets_encrypt_state, LetsEncryptState
        )
    with contextlib.suppress(TR064Error):
        ddns = ddns_info_from(values)
        assert isinstance(ddns.enabled, bool)
        assert isinstance(ddns.mode, DDNSMode)
        assert isinstance(ddns.status_ipv4, DDNSStatus)
        assert isinstance(ddns.status_ipv6, DDNSStatus)
    with contextlib.suppress(TR064Error):
        uptime = box_info_from(values).uptime
        assert isinstance(uptime, int)
        assert 0 <= uptime <= UI4_MAX
    if "NewProviderList" in values:
        with contextlib.suppress(TR064Error):
            providers = parse_provider_list(values["NewProviderList"])
            assert all(isinstance(provider, DDNSProvider) for provider in providers)


@PARSERS
@given(soap_responses())
def test_soap_responses(case: Case) -> None:
    """Responses parse to their out-arguments, or fail with TR064Error; so do the models."""
    try:
        values = parse_response(case.data, case.action)
    except TR064Error:
        assert not case.valid, "a valid response was rejected"
        return
    if case.valid:
        assert values == case.expected
    check_models(values)


def tree_response(data: bytes, action: str) -> dict[str, str]:
    """What ``parse_response`` did before it parsed without renaming: a walk of the tree."""
    root = parse_xml(data)
    if root.tag != "Envelope":
        raise TR064MalformedResponseError(f"{action}: response is not a SOAP envelope")
    body = child(root, "Body")
    if body is None:
        raise TR064MalformedResponseError(f"{action}: SOAP envelope without body")
    response = child(body, f"{action}Response")
    if response is None:
        raise TR064MalformedResponseError(f"{action}: no {action}Response in SOAP body")
    return {item.tag: item.text or "" for item in response}


def outcome(parse: Callable[[bytes, str], dict[str, str]], data: bytes, action: str) -> object:
    """The values, or the error's type and message."""
    try:
        return parse(data, action)
    except TR064Error as err:
        return type(err), str(err)


# Trees of the names a response walk looks for, repeated, nested and prefixed at random.
WALK_NAMES = st.sampled_from(
    (
        "s:Body",
        "Body",
        "u:GetInfoResponse",
        "GetInfoResponse",
        "m:GetDDNSInfoResponse",
        "NewEnabled",
        "a:NewEnabled",
        "NewPort",
        "Other",
    )
)
WALK_TEXTS = st.sampled_from(("", "", "", "1", " x ", "a&amp;b", "<![CDATA[<c>]]>", "<!--c-->"))


def walk_element(name: str, text: str, children: list[str], tail: str) -> str:
    return f"<{name}>{text}{''.join(children)}</{name}>{tail}"


WALK_TREES = st.recursive(
    st.builds(walk_element, WALK_NAMES, WALK_TEXTS, st.just([]), WALK_TEXTS),
    lambda inner: st.builds(
        walk_element, WALK_NAMES, WALK_TEXTS, st.lists(inner, max_size=3), WALK_TEXTS
    ),
    max_leaves=12,
)
WALK_DOCUMENTS = st.builds(
    lambda name, children: walk_element(name, "", children, "").encode(),
    st.sampled_from(("s:Envelope", "Envelope", "Envelop")),
    st.lists(WALK_TREES, max_size=3),
)


@PARSERS
@given(
    st.one_of(
        soap_responses().map(lambda case: (case.data, case.action)),
        st.tuples(WALK_DOCUMENTS, st.sampled_from(("GetInfo", "GetDDNSInfo"))),
        st.tuples(st.binary(max_size=300), ACTION),
    )
)
def test_soap_responses_as_the_tree_walk(document: tuple[bytes, str]) -> None:
    """The per-poll parser answers exactly as walking the renamed tree does, errors included."""
    data, action = document
    assert outcome(parse_response, data, action) == outcome(tree_response, data, action)


# Responses in the plain shape a box sends on every poll, spelled in every way XML allows.
PLAIN_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9._-]{0,6}", fullmatch=True)
PLAIN_PREFIXES = st.sampled_from(("", "", "s:", "u:", "SOAP-ENV:", "m_1.x-y:"))
PLAIN_SPACES = st.sampled_from(("", "", "\n", " ", "\t", "\n  "))
PLAIN_TEXTS = st.lists(
    st.sampled_from(
        [*"ab09 ]>'\"\t\n", "<", "&", "\u00e4", "\u00a0", "\u2028", "\U0001f600", "]]", "\r\n"]
    )
    | st.characters(exclude_categories=("Cs",)),
    max_size=8,
).map("".join)
# What a plain response cannot carry as written: "]]>" is not well-formed in text, expat reads
# CR as LF and refuses the other controls, U+FFFE and U+FFFF.
NOT_AS_WRITTEN = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|]]>")
PLAIN_DECLARATIONS = st.sampled_from(
    (
        "",
        '<?xml version="1.0"?>\n',
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="UTF-8" ?>',
    )
)


@dataclass(frozen=True)
class PlainResponse:
    """A response in the plain shape, and the out-arguments it carries."""

    data: bytes
    action: str
    expected: dict[str, str]


@st.composite
def plain_responses(draw: st.DrawFn) -> PlainResponse:
    """Envelope, body, response and text-only items, spelled in every way XML allows."""

    def space() -> str:
        return draw(PLAIN_SPACES)

    def attributes(count: int) -> str:
        names = draw(st.lists(PLAIN_NAMES, max_size=count, unique=True))
        quote = draw(st.sampled_from(('"', "'")))
        return "".join(
            f" {draw(PLAIN_PREFIXES)}{name}{space()}={space()}{quote}{draw(PLAIN_NAMES)}{quote}"
            for name in names
        )

    action = draw(ACTION)
    expected: dict[str, str] = {}
    items = []
    for _ in range(draw(st.integers(0, 6))):
        tag = draw(PLAIN_PREFIXES) + draw(st.sampled_from((*ALL_ARGS, "Other")))
        text = draw(PLAIN_TEXTS)
        expected[tag.rpartition(":")[2]] = text
        if not text and draw(st.booleans()):
            items.append(f"{space()}<{tag}{space()}/>")
        else:
            escaped = text.replace("&", "&amp;").replace("<", "&lt;")
            if draw(st.booleans()):
                escaped = escape(text, {"'": "&apos;", '"': "&quot;"})
            items.append(f"{space()}<{tag}{space()}>{escaped}</{tag}{space()}>")
    envelope, body, response = (
        draw(PLAIN_PREFIXES) + name for name in ("Envelope", "Body", f"{action}Response")
    )
    document = (
        f"{draw(PLAIN_DECLARATIONS)}{space()}<{envelope}{attributes(3)}{space()}>{space()}"
        f"<{body}{attributes(1)}>{space()}<{response}{attributes(2)}>{''.join(items)}{space()}"
        f"</{response}>{space()}</{body}{space()}>{space()}</{envelope}>{space()}"
    )
    return PlainResponse(document.encode(), action, expected)


@PARSERS
@given(plain_responses())
def test_plain_responses(case: PlainResponse) -> None:
    """The shape of every poll's answers parses to exactly the values it carries."""
    if NOT_AS_WRITTEN.search(case.data.decode()):
        assert outcome(parse_response, case.data, case.action) == outcome(
            tree_response, case.data, case.action
        )
        return
    values = parse_response(case.data, case.action)
    assert values == case.expected
    assert values == tree_response(case.data, case.action)


# Integers ---------------------------------------------------------------------------------

INTEGER_TEXTS = st.one_of(
    st.integers(0, 2**70).map(str),
    st.sampled_from(NUMERIC_EDGES),
    st.text(st.sampled_from("0123456789 \t\r\n+-_.e\u00a0\u0661\uff11\u00b2"), max_size=14),
)
ASCII_UNSIGNED = re.compile(r"[ \t\r\n]*([0-9]*)[ \t\r\n]*")


@PARSERS
@given(INTEGER_TEXTS, st.sampled_from((PORT_MAX, UI4_MAX)))
def test_integers(text: str, maximum: int) -> None:
    """Only ASCII digits (XML white space around), from 0 to the field's maximum."""
    match = ASCII_UNSIGNED.fullmatch(text)
    digits = match[1].lstrip("0") if match else ""
    if match is None or len(digits) > 20 or int(digits or "0") > maximum:
        with pytest.raises(TR064MalformedResponseError):
            parse_int(text, "x", maximum)
    else:
        assert parse_int(text, "x", maximum) == int(digits or "0")


# UPnP faults ------------------------------------------------------------------------------

CODES = st.one_of(
    st.integers(-(10**6), 10**6).map(lambda code: (str(code), code)),
    st.sampled_from(NUMERIC_EDGES).map(lambda text: (text, None)),
    FREE_TEXT.map(lambda text: (text, None)),
)


ERROR_COUNTS = st.sampled_from((1, 1, 1, 0, 2))
ERROR_PLACES = st.sampled_from(("detail", "detail", "detail", "fault", "body"))


def upnp_error(w: Writer) -> tuple[str, tuple[int, str] | None]:
    """A UPnPError element, and the (code, description) it stands for if its code is a number."""
    code_text, code = w.draw(CODES)
    code_element = (w.tag("errorCode"), w.text_of(code_text))
    children = [code_element, (w.tag("errorDescription"), w.text())]
    if w.one_in(2):
        children = w.shuffled(children)
    if w.one_in(6):
        children.pop(w.number(0, 1))
    if w.one_in(6):
        children.append((w.tag(*XML_NAMES), w.text()))
    first_code = next((item for item in children if item[0].local == "errorCode"), None)
    meaning = None
    if code is not None and first_code is code_element:
        meaning = (code, first_texts(children).get("errorDescription", "").strip())
    return w.exact_tag("UPnPError").wrap(w.elements(children)), meaning


@st.composite
def upnp_faults(draw: st.DrawFn) -> Case:
    """An HTTP 500 body: a SOAP fault with zero, one or two UPnP errors in odd places."""
    w = Writer(draw)
    errors = [upnp_error(w) for _ in range(draw(ERROR_COUNTS))]
    inner = "".join(xml for xml, _ in errors)
    place = draw(ERROR_PLACES)
    if place == "detail":
        inner = w.exact_tag("detail").wrap(inner)
    if place in ("detail", "fault"):
        head = "<faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring>"
        inner = w.exact_tag("Fault").wrap(head + inner)
    envelope = w.tag("Envelope").wrap(w.exact_tag("Body").wrap(inner))
    data, lossless = encode(w, envelope)
    meaning = errors[0][1] if len(errors) == 1 else None
    return Case(data, w.clean and lossless and meaning is not None, meaning)


@PARSERS
@given(upnp_faults())
def test_upnp_faults(case: Case) -> None:
    """A fault gives its code and description, or TR064MalformedResponseError."""
    try:
        code, description = parse_fault(case.data)
    except TR064MalformedResponseError:
        assert not case.valid, "a valid fault was rejected"
        return
    assert isinstance(code, int)
    assert isinstance(description, str)
    if case.valid:
        assert (code, description) == case.expected


# Device descriptions ----------------------------------------------------------------------

SERVICE_FIELDS = ("serviceType", "serviceId", "controlURL", "SCPDURL")
HOSTILE_URLS = (
    "http://[::1",
    "http://box:99999/x",
    "http://:80/x",
    "//evil.example/x",
    "http://evil.example/upnp/control/x_remote",
    "file:///etc/passwd",
    "mailto:a@b",
    "../../../x",
    "%zz",
    "/a b",
    "?q=1#f",
    "\\\\server\\share",
)
SERVICE_VALUES = st.one_of(VALUES, st.sampled_from(HOSTILE_URLS))


def service_entry(w: Writer) -> tuple[str, ServiceInfo | None]:
    """A service entry with random, missing or duplicated fields."""
    items = w.fields(SERVICE_FIELDS, SERVICE_VALUES)
    first = first_texts(items)
    values = [first.get(name, "").strip() for name in SERVICE_FIELDS]
    tag = w.tag("service")
    info = ServiceInfo(*values) if tag.local == "service" and values[0] else None
    return tag.wrap(w.elements(items)), info


@dataclass(frozen=True)
class Device:
    """A generated device element and the services a parser must find in it."""

    xml: str
    own: tuple[ServiceInfo, ...]  # in its own serviceList
    services: tuple[ServiceInfo, ...]  # its own, then its sub-devices' (pre-order)
    udn: str | None


CHAIN_DEPTHS = st.sampled_from((*(0,) * 8, 1, 50, 1100, 3000))
UDN_VALUES = VALUES | st.just("uuid:739f2409-bccb-40e7-8e6c-3431c4a1b2c3")


def device(w: Writer, depth: int = 0) -> Device:
    """A device with a UDN, services and (to depth 1) nested devices, children in any order."""
    udn_tag = w.tag("UDN")
    udn = w.text(UDN_VALUES)
    entries = [service_entry(w) for _ in range(w.number(0, 2))]
    service_list = w.tag("serviceList")
    children = [device(w, depth + 1) for _ in range(w.number(0, 2 if depth < 1 else 0))]
    device_list = w.tag("deviceList")
    parts = [
        udn_tag.wrap(udn.xml),
        service_list.wrap("".join(xml for xml, _ in entries)),
        device_list.wrap("".join(child.xml for child in children)),
        w.choice(FOREIGN_ELEMENTS),
    ]
    own: tuple[ServiceInfo, ...] = ()
    if service_list.local == "serviceList":
        own = tuple(info for _, info in entries if info is not None)
    found = list(own)
    if device_list.local == "deviceList":
        for child in children:
            found += child.services
    return Device(
        xml=f"<device>{''.join(w.noise() + xml for xml in w.shuffled(parts))}</device>",
        own=own,
        services=tuple(found),
        udn=udn.expected.strip() if udn_tag.local == "UDN" else None,
    )


@st.composite
def device_descriptions(draw: st.DrawFn) -> Case:
    """tr64desc.xml with random devices, sometimes nested thousands of levels deep."""
    w = Writer(draw)
    root_device = device(w)
    device_xml = root_device.xml
    found = root_device.services
    depth = draw(CHAIN_DEPTHS)
    if depth:
        # A chain of sub-devices as the root device's first deviceList (the first one counts),
        # the innermost device with services.
        inner = device(w, depth=1)
        chain = "<device><deviceList>" * depth + inner.xml + "</deviceList></device>" * depth
        device_xml = f"<device><deviceList>{chain}</deviceList>{device_xml[len('<device>') :]}"
        found = (*root_device.own, *inner.services)
    root = w.tag("root")
    data, lossless = encode(
        w, root.wrap("<specVersion><major>1</major></specVersion>" + device_xml)
    )
    valid = w.clean and lossless and root.local == "root" and bool(root_device.udn)
    return Case(data, valid, DeviceDescription(udn=root_device.udn or "", services=found))


@PARSERS
@given(device_descriptions())
def test_device_descriptions(case: Case) -> None:
    """Descriptions give the root UDN and every service at any depth, or TR064Error."""
    try:
        description = parse_device_description(case.data)
    except TR064Error:
        assert not case.valid, "a valid description was rejected"
        return
    assert description.udn
    description.find_service(RA)
    description.find_service(DEVICE_INFO)
    if case.valid:
        assert description == case.expected


# SCPDs ------------------------------------------------------------------------------------

SCPD_VALUES = st.one_of(
    VALUES,
    st.sampled_from(
        (
            "GetInfo",
            "SetDDNSConfig",
            "SetLetsEncryptEnable",
            "in",
            "out",
            "IN",
            " out ",
            "NewMode",
            "Mode",
            "string",
        )
    ),
)
VALUE_RANGE = "<allowedValueRange><minimum>0</minimum><maximum>65535</maximum></allowedValueRange>"

SEND_EVENTS = ("", ' sendEvents="no"', ' sendEvents="yes"')

type ExpectedAction = tuple[str, tuple[tuple[str, str, str], ...]]
type ExpectedVariable = tuple[str, str, str | None, tuple[str, ...]]


def scpd_action(w: Writer) -> tuple[str, ExpectedAction | None]:
    """An action with a name and arguments, either missing, doubled or foreign at times."""
    names = w.fields(("name",), SCPD_VALUES)
    arguments: list[tuple[str, tuple[str, str, str] | None]] = []
    for _ in range(w.number(0, 2)):
        items = w.fields(("name", "direction", "relatedStateVariable"), SCPD_VALUES)
        first = {key: value.strip() for key, value in first_texts(items).items()}
        tag = w.tag("argument")
        value = None
        if tag.local == "argument" and first.get("name"):
            direction = first.get("direction", "").lower()
            value = (first["name"], direction, first.get("relatedStateVariable", ""))
        arguments.append((tag.wrap(w.elements(items)), value))
    argument_list = w.tag("argumentList")
    parts = [w.elements(names), argument_list.wrap("".join(xml for xml, _ in arguments))]
    tag = w.tag("action")
    name = first_texts(names).get("name", "").strip()
    expected = None
    if tag.local == "action" and name:
        found = [value for _, value in arguments if value is not None]
        expected = (name, tuple(found) if argument_list.local == "argumentList" else ())
    return tag.wrap("".join(w.shuffled(parts))), expected


def scpd_variable(w: Writer) -> tuple[str, ExpectedVariable | None]:
    """A state variable with a type, a default and allowed values, mixed up at times."""
    items = w.fields(("name", "dataType", "defaultValue"), SCPD_VALUES)
    allowed = [(w.tag("allowedValue"), w.text(SCPD_VALUES)) for _ in range(w.number(0, 3))]
    allowed_list = w.tag("allowedValueList")
    parts = [w.elements(items), allowed_list.wrap(w.elements(allowed)), VALUE_RANGE]
    tag = w.tag("stateVariable")
    first = first_texts(items)
    expected = None
    if tag.local == "stateVariable" and (name := first.get("name", "").strip()):
        values: tuple[str, ...] = ()
        if allowed_list.local == "allowedValueList":
            values = tuple(t.expected.strip() for g, t in allowed if g.local == "allowedValue")
        data_type = first.get("dataType", "").strip()
        expected = (name, data_type, first.get("defaultValue"), values)
    events = w.choice(SEND_EVENTS)
    xml = tag.wrap("".join(w.shuffled(parts)))
    return xml.replace(">", f"{events}>", 1), expected


@st.composite
def scpds(draw: st.DrawFn) -> Case:
    """An SCPD with random actions, arguments and state variables."""
    w = Writer(draw)
    actions = [scpd_action(w) for _ in range(w.number(0, 3))]
    variables = [scpd_variable(w) for _ in range(w.number(0, 2))]
    action_list = w.tag("actionList")
    table = w.tag("serviceStateTable")
    parts = [
        "<specVersion><major>1</major><minor>0</minor></specVersion>",
        action_list.wrap("".join(xml for xml, _ in actions)),
        table.wrap("".join(xml for xml, _ in variables)),
    ]
    root = w.tag("scpd")
    data, lossless = encode(w, root.wrap(w.noise().join(w.shuffled(parts))))
    expected_actions = {}
    if action_list.local == "actionList":
        expected_actions = dict(value for _, value in actions if value is not None)
    expected_variables = {}
    if table.local == "serviceStateTable":
        expected_variables = {v[0]: v for _, v in variables if v is not None}
    valid = w.clean and lossless and root.local == "scpd"
    return Case(data, valid, (expected_actions, expected_variables))


@PARSERS
@given(scpds())
def test_scpds(case: Case) -> None:
    """SCPDs give their actions, arguments and allowed values, or TR064Error."""
    try:
        description = parse_scpd(case.data)
    except TR064Error:
        assert not case.valid, "a valid SCPD was rejected"
        return
    modes = description.allowed_values("SetDDNSConfig", "NewMode", "Mode")
    capabilities = Capabilities(actions=frozenset(description.actions), mode_values=modes)
    assert isinstance(capabilities.lets_encrypt, bool)
    if case.valid:
        actions, variables = case.expected
        assert {
            name: tuple(
                (arg.name, arg.direction, arg.related_state_variable) for arg in action.arguments
            )
            for name, action in description.actions.items()
        } == actions
        assert {
            name: (var.name, var.data_type, var.default_value, var.allowed_values)
            for name, var in description.state_variables.items()
        } == variables


# The provider list ------------------------------------------------------------------------

PROVIDER_VALUES = st.one_of(
    VALUES,
    st.sampled_from(("dynv6.com", "Benutzerdefiniert", "User-defined", "https://dynv6.com/")),
)
CLEAN_PROLOGS = ("", "", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-8"?>')
ODD_PROLOGS = (
    '<?xml version="1.0" encoding="iso-8859-1"?>',
    '<?xml version="1.0" encoding="x-no-such-charset"?>',
    '<?xml version="1.0" encoding="utf-16"?>',
    "\ufeff",
)


PROLOGS = st.sampled_from(CLEAN_PROLOGS + ODD_PROLOGS)
BLANKS = st.sampled_from(("", "  ", "\n"))


@dataclass(frozen=True)
class ProviderListCase:
    """``NewProviderList``'s text; ``expected`` is None when it must be refused."""

    text: str
    valid: bool
    expected: tuple[DDNSProvider, ...] | None


@st.composite
def provider_lists(draw: st.DrawFn) -> ProviderListCase:
    """The list document as GetDDNSProviders carries it, with random items."""
    w = Writer(draw)
    if w.one_in(20):
        return ProviderListCase(draw(BLANKS), True, ())
    items: list[str] = []
    expected: list[DDNSProvider] | None = []
    for _ in range(w.number(0, 6)):
        item_fields = w.fields(("ProviderName", "InfoURL"), PROVIDER_VALUES)
        tag = w.tag("Item")
        items.append(w.noise() + tag.wrap(w.elements(item_fields)))
        first = first_texts(item_fields)
        if tag.local != "Item" or expected is None:
            continue
        if "ProviderName" not in first:
            expected = None  # an item without a name is refused
            continue
        expected.append(DDNSProvider(first["ProviderName"], first.get("InfoURL", "")))
    root = w.tag("List")
    prolog = draw(PROLOGS)
    valid = w.clean and root.local == "List" and prolog in CLEAN_PROLOGS
    return ProviderListCase(
        prolog + root.wrap("".join(items)), valid, None if expected is None else tuple(expected)
    )


def check_provider_list(case: ProviderListCase, text: str) -> None:
    try:
        providers = parse_provider_list(text)
    except TR064Error:
        assert not (case.valid and case.expected is not None), "a valid list was rejected"
        return
    assert all(isinstance(provider, DDNSProvider) for provider in providers)
    if case.valid:
        assert providers == case.expected


@PARSERS
@given(provider_lists())
def test_provider_lists(case: ProviderListCase) -> None:
    """The provider list gives its providers, or TR064Error (also inside a SOAP response)."""
    check_provider_list(case, case.text)
    response = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        f'<u:GetDDNSProvidersResponse xmlns:u="{RA}">'
        f"<NewProviderList>{escape(case.text)}</NewProviderList>"
        "</u:GetDDNSProvidersResponse></s:Body></s:Envelope>"
    )
    values = parse_response(response.encode(), "GetDDNSProviders")
    check_provider_list(case, values["NewProviderList"])


# Raw input and mutated box documents ------------------------------------------------------


def every_parser(data: bytes, text: str) -> None:
    """Feed one input to every parser; anything but a TR064Error fails the test."""
    for parse in (parse_device_description, parse_scpd, parse_fault):
        with contextlib.suppress(TR064Error):
            parse(data)
    for action in ACTIONS:
        with contextlib.suppress(TR064Error):
            check_models(parse_response(data, action))
    with contextlib.suppress(TR064Error):
        parse_provider_list(text)


RAW_TEXT = st.text(
    st.characters(exclude_categories=("Cs",)) | st.characters(categories=("Cs",)), max_size=300
)
PROLOG = b'<?xml version="1.0"?>'


@PARSERS
@given(
    st.one_of(
        st.binary(max_size=600),
        st.binary(max_size=300).map(lambda data: PROLOG + data),
        RAW_TEXT,
        RAW_TEXT.map(lambda text: f"<List>{text}</List>"),
    )
)
def test_raw_input(raw: bytes | str) -> None:
    """Random bytes and text (lone surrogates included) only ever raise TR064Error."""
    if isinstance(raw, bytes):
        every_parser(raw, raw.decode("latin-1"))
    else:
        every_parser(raw.encode("utf-8", "surrogatepass"), raw)


def _response(service_type: str, action: str, **values: str) -> bytes:
    return build_response(service_type, action, list(values.items()))


SEEDS: tuple[bytes, ...] = (
    render_description("uuid:739f2409-bccb-40e7-8e6c-3431c4a1b2c3", FIRMWARE["modern"]),
    render_scpd(remote_access_scpd("modern", "ddns_together")),
    render_scpd(remote_access_scpd("legacy", "ddns_both_together")),
    _response(
        RA,
        "GetInfo",
        NewEnabled="1",
        NewPort="40443",
        NewUsername="ha-user",
        NewLetsEncryptEnabled="1",
        NewLetsEncryptState="valid",
    ),
    _response(
        RA,
        "GetDDNSInfo",
        NewDomain="home.example.org",
        NewEnabled="1",
        NewMode="ddns_together",
        NewProviderName="dynv6.com",
        NewServerIPv4="ipv4.dynv6.com",
        NewServerIPv6="ipv6.dynv6.com",
        NewStatusIPv4="new address",
        NewStatusIPv6="new-address",
        NewUpdateURL="",
        NewUsername="ddns-user",
    ),
    _response(RA, "GetDDNSProviders", NewProviderList=render_provider_list("de")),
    _response(RA, "SetEnable", NewPort="40443"),
    _response(
        DEVICE_INFO,
        "GetInfo",
        NewManufacturerName="AVM",
        NewModelName="FRITZ!Box 7590",
        NewSerialNumber="3810D5000000",
        NewSoftwareVersion="154.07.57",
        NewHardwareVersion="FRITZ!Box 7590",
        NewUpTime="4711",
    ),
    build_fault(UPnPError(606)),
    render_provider_list("en").encode(),
)
CHUNKS = st.binary(max_size=16) | st.sampled_from(
    (b"<", b">", b"&", b"]]>", b"<!DOCTYPE x>", b"&#0;", b"\xff", b"<a>", b'encoding="x"')
)
MUTATIONS = st.tuples(
    st.sampled_from(("delete", "insert", "replace", "duplicate", "truncate", "swapcase")),
    st.integers(0, 2**20),
    st.integers(0, 64),
    CHUNKS,
)


def mutate(data: bytes, mutations: list[tuple[str, int, int, bytes]]) -> bytes:
    """Apply byte edits at positions taken modulo the length."""
    for kind, position, length, chunk in mutations:
        start = position % (len(data) + 1)
        end = min(len(data), start + length)
        if kind == "delete":
            data = data[:start] + data[end:]
        elif kind == "insert":
            data = data[:start] + chunk + data[start:]
        elif kind == "replace":
            data = data[:start] + chunk + data[end:]
        elif kind == "duplicate":
            data = data[:end] + data[start:end] + data[end:]
        elif kind == "truncate":
            data = data[:start]
        else:
            data = data[:start] + data[start:end].swapcase() + data[end:]
    return data


@PARSERS
@given(st.sampled_from(SEEDS), st.lists(MUTATIONS, min_size=1, max_size=4))
def test_mutated_box_documents(seed: bytes, mutations: list[tuple[str, int, int, bytes]]) -> None:
    """The simulator's real documents with random byte edits: typed errors only."""
    data = mutate(seed, mutations)
    every_parser(data, data.decode("utf-8", "replace"))


@PARSERS
@given(st.sampled_from(SEEDS), st.lists(MUTATIONS, min_size=1, max_size=4), ACTION)
def test_mutated_responses_as_the_tree_walk(
    seed: bytes, mutations: list[tuple[str, int, int, bytes]], action: str
) -> None:
    """The same on the simulator's real responses with random byte edits."""
    data = mutate(seed, mutations)
    assert outcome(parse_response, data, action) == outcome(tree_response, data, action)


# A hostile box over HTTP ------------------------------------------------------------------
# The parsers' results also feed the client itself (URLs from the description, answers by
# HTTP status, digest challenges): the whole client against a box answering generated junk.

CHALLENGES = (
    None,
    'Digest realm="HTTPS Access",nonce="A647EDD42CF1AEE3",algorithm=MD5,qop="auth"',
    'Digest realm="x",nonce="1",algorithm=SHA-512-256,qop="auth-int"',
    'Digest realm="x",nonce="",qop="auth"',
    'Digest realm="x",nonce="1",algorithm=UNKNOWN,qop="auth"',
    'Digest realm="x",nonce="1",qop="bogus"',
    "Digest",
    'Digest realm="\\"<&>", nonce="n", opaque="\u00e4"',
    "Basic realm=x",
    "Negotiate",
)
STATUSES = (200, 200, 200, 500, 500, 401, 503, 404, 302, 418)


@dataclass
class HostileBox:
    """Serves the description, any SCPD and any SOAP answer it is given."""

    description: bytes = b""
    scpd: bytes = b""
    status: int = 200
    answer: bytes = b""
    challenge: str | None = None
    port: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        if request.method == "GET":
            body = self.description if request.path == "/tr64desc.xml" else self.scpd
            return web.Response(body=body, content_type="text/xml")
        headers = {"WWW-Authenticate": self.challenge} if self.challenge else {}
        return web.Response(status=self.status, body=self.answer, headers=headers)


@pytest.fixture
async def hostile_box() -> AsyncIterator[HostileBox]:
    box = HostileBox()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", box.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    box.port = runner.addresses[0][1]
    yield box
    await runner.cleanup()


def description_with(control_url: str, scpd_url: str) -> bytes:
    """A plausible description whose services point wherever the box likes."""
    services = "".join(
        f"<service><serviceType>{escape(kind)}</serviceType><serviceId>x</serviceId>"
        f"<controlURL>{escape(control_url)}</controlURL>"
        f"<SCPDURL>{escape(scpd_url)}</SCPDURL></service>"
        for kind in (DEVICE_INFO, RA)
    )
    return (
        '<root xmlns="urn:dslforum-org:device-1-0"><device><UDN>uuid:hostile</UDN>'
        f"<serviceList>{services}</serviceList></device></root>"
    ).encode()


URLS = st.sampled_from(("/upnp/control/x_remote", "/x_remoteSCPD.xml", *HOSTILE_URLS))
DESCRIPTIONS = st.one_of(
    st.builds(description_with, URLS, URLS),
    device_descriptions().map(lambda case: case.data),
)
REAL_SCPDS = (SEEDS[1], SEEDS[2])
ANSWERS = st.one_of(
    soap_responses().map(lambda case: case.data),
    upnp_faults().map(lambda case: case.data),
    st.sampled_from(SEEDS),
    st.binary(max_size=200),
)


@dataclass(frozen=True)
class Behaviour:
    """What the hostile box serves during one example."""

    description: bytes
    scpd: bytes
    status: int
    answer: bytes
    challenge: str | None


BEHAVIOURS = st.builds(
    Behaviour,
    description=DESCRIPTIONS,
    scpd=st.one_of(st.sampled_from(REAL_SCPDS), scpds().map(lambda case: case.data)),
    status=st.sampled_from(STATUSES),
    answer=ANSWERS,
    challenge=st.sampled_from(CHALLENGES),
)


@OVER_HTTP
@given(behaviour=BEHAVIOURS)
async def test_client_against_hostile_box(
    session: aiohttp.ClientSession, hostile_box: HostileBox, behaviour: Behaviour
) -> None:
    """Every call of the client ends in a result or a TR064Error, whatever the box says."""
    hostile_box.description = behaviour.description
    hostile_box.scpd = behaviour.scpd
    hostile_box.status = behaviour.status
    hostile_box.answer = behaviour.answer
    hostile_box.challenge = behaviour.challenge
    client = FritzBoxRemoteAccess(
        session, "127.0.0.1", port=hostile_box.port, username="u", password="p4ss-word", timeout=5
    )
    calls: tuple[Callable[[], Any], ...] = (
        client.connect,
        client.get_device_info,
        client.get_info,
        client.get_ddns_info,
        client.get_ddns_providers,
        lambda: client.set_enable(True),
        lambda: client.set_lets_encrypt_enable(False),
        lambda: client.set_config(enabled=True, port=443, username="u", password="p4ss-word"),
        lambda: client.set_ddns_config(
            enabled=True,
            provider_name="dynv6.com",
            update_url="",
            server_ipv4="",
            server_ipv6="",
            domain="home.example.org",
            username="d",
            password="",
            mode=DDNSMode.TOGETHER,
        ),
    )
    for call in calls:
        with contextlib.suppress(TR064Error):
            await call()
    assert client.stats.requests >= 1


# Regressions: bugs these tests found ------------------------------------------------------


@pytest.mark.parametrize(
    "parse",
    [
        parse_device_description,
        parse_scpd,
        parse_fault,
        lambda data: parse_response(data, "GetInfo"),
    ],
)
def test_unknown_declared_encoding_is_malformed(parse: Callable[[bytes], object]) -> None:
    """An encoding Python does not know used to escape as LookupError."""
    data = b'<?xml version="1.0" encoding="x-no-such-charset"?><root/>'
    with pytest.raises(TR064MalformedResponseError):
        parse(data)


def test_deeply_nested_devices() -> None:
    """Services thousands of devices deep are found; recursion used to end in RecursionError."""
    depth = 5000
    service = (
        f"<serviceList><service><serviceType>{RA}</serviceType>"
        "<controlURL>/deep</controlURL></service></serviceList>"
    )
    data = (
        "<root><device><UDN>uuid:deep</UDN>"
        + "<deviceList><device>" * depth
        + service
        + "</device></deviceList>" * depth
        + "</device></root>"
    ).encode()
    description = parse_device_description(data)
    found = description.find_service(RA)
    assert found is not None
    assert found.control_url == "/deep"


def test_nested_devices_keep_document_order() -> None:
    """Pre-order, as before the recursion was replaced: a device, then its sub-devices."""

    def dev(name: str, children: str = "") -> str:
        return (
            f"<device><serviceList><service><serviceType>urn:x:{name}:1</serviceType>"
            f"</service></serviceList><deviceList>{children}</deviceList></device>"
        )

    tree = dev("a", dev("b", dev("c")) + dev("d"))
    data = f"<root>{tree.replace('<device>', '<device><UDN>u</UDN>', 1)}</root>".encode()
    types = [service.service_type for service in parse_device_description(data).services]
    assert types == ["urn:x:a:1", "urn:x:b:1", "urn:x:c:1", "urn:x:d:1"]


def test_provider_list_with_lone_surrogate_is_malformed() -> None:
    """The list is text; a lone surrogate in it used to escape as UnicodeEncodeError."""
    with pytest.raises(TR064MalformedResponseError):
        parse_provider_list("<List>\ud800</List>")


@pytest.mark.parametrize("encoding", ["iso-8859-1", "x-no-such-charset"])
def test_provider_list_declared_encoding_does_not_apply(encoding: str) -> None:
    """The list arrives decoded already: a declared encoding used to garble it or escape as
    LookupError."""
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?><List><Item>'
        "<ProviderName>M\u00fcller-DNS</ProviderName><InfoURL/></Item></List>"
    )
    assert parse_provider_list(text) == (DDNSProvider(name="M\u00fcller-DNS", info_url=""),)


@pytest.mark.parametrize("url", ["http://[::1", "http://box:99999/x", "http://:80/x"])
async def test_invalid_url_in_description_is_malformed(
    session: aiohttp.ClientSession, hostile_box: HostileBox, url: str
) -> None:
    """A control or SCPD URL that is no URL used to escape as ValueError."""
    hostile_box.description = description_with(url, url)
    client = FritzBoxRemoteAccess(
        session, "127.0.0.1", port=hostile_box.port, username="u", password="p4ss-word"
    )
    with pytest.raises(TR064MalformedResponseError, match="invalid URL"):
        await client.connect()


NON_HTTP_URLS = (
    "file:///etc/passwd",
    "mailto:a@b",
    "ftp://box/x_remoteSCPD.xml",
    "javascript:alert(1)",
    "urn:x:y",
)


@pytest.mark.parametrize("url", NON_HTTP_URLS)
async def test_non_http_url_in_description_is_malformed(
    session: aiohttp.ClientSession, hostile_box: HostileBox, url: str
) -> None:
    """A file: or mailto: URL used to escape as a connection error (aiohttp refused it)."""
    hostile_box.description = description_with(url, url)
    client = FritzBoxRemoteAccess(
        session, "127.0.0.1", port=hostile_box.port, username="u", password="p4ss-word"
    )
    with pytest.raises(TR064MalformedResponseError, match="non-HTTP URL"):
        await client.connect()
    hostile_box.description = description_with(url, "/x_remoteSCPD.xml")
    hostile_box.scpd = REAL_SCPDS[0]
    await client.connect()
    with pytest.raises(TR064MalformedResponseError, match="non-HTTP URL"):
        await client.get_info()
    assert client.stats.requests == 3  # description twice, the SCPD; no SOAP call went out


@pytest.mark.parametrize("url", tuple(dict.fromkeys(HOSTILE_URLS + NON_HTTP_URLS)))
async def test_description_urls_never_lead_elsewhere(
    session: aiohttp.ClientSession, hostile_box: HostileBox, url: str
) -> None:
    """Whatever control URL the box names, the client asks the box itself or refuses it."""
    hostile_box.description = description_with(url, "/x_remoteSCPD.xml")
    hostile_box.scpd = REAL_SCPDS[0]
    hostile_box.answer = SEEDS[3]  # GetInfo's response
    client = FritzBoxRemoteAccess(
        session, "127.0.0.1", port=hostile_box.port, username="u", password="p4ss-word"
    )
    # The box answers any POST with GetInfo's response; a connection error fails the test.
    with contextlib.suppress(TR064MalformedResponseError):
        assert (await client.get_info()).username == "ha-user"
