"""Pure parser and model tests: edge cases the simulator does not produce."""

from __future__ import annotations

import pytest

from custom_components.fritzbox_remote_access.tr064 import (
    DDNS_TOGETHER_SPELLINGS,
    AuthMethod,
    AuthState,
    DDNSMode,
    DDNSStatus,
    LetsEncryptState,
    TR064MalformedResponseError,
    normalize_fingerprint,
)
from custom_components.fritzbox_remote_access.tr064.const import PORT_MAX, UI4_MAX
from custom_components.fritzbox_remote_access.tr064.description import (
    parse_device_description,
    parse_scpd,
)
from custom_components.fritzbox_remote_access.tr064.models import (
    auth_process_from,
    box_info_from,
    ddns_info_from,
    parse_auth_methods,
    parse_bool,
    parse_int,
    remote_access_info_from,
)
from custom_components.fritzbox_remote_access.tr064.safexml import local_name, parse_xml
from custom_components.fritzbox_remote_access.tr064.soap import (
    build_envelope,
    is_xml_safe,
    parse_fault,
    parse_provider_list,
    parse_response,
    soap_action_header,
)

RA = "urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1"

DESCRIPTION = b"""<?xml version="1.0"?>
<root xmlns="urn:dslforum-org:device-1-0">
 <device>
  <deviceType>urn:dslforum-org:device:InternetGatewayDevice:1</deviceType>
  <UDN>uuid:739f2409-bccb-40e7-8e6c-3431C4A1B2C3</UDN>
  <serviceList>
   <junk/>
   <service><serviceType></serviceType></service>
   <service><serviceType>urn:dslforum-org:service:DeviceInfo:1</serviceType>
    <serviceId>urn:DeviceInfo-com:serviceId:DeviceInfo1</serviceId>
    <controlURL>/upnp/control/deviceinfo</controlURL><SCPDURL>/deviceinfoSCPD.xml</SCPDURL></service>
  </serviceList>
  <deviceList>
   <notadevice/>
   <device><UDN>uuid:child-1</UDN>
    <deviceList>
     <device><UDN>uuid:grandchild</UDN>
      <serviceList>
       <service><serviceType> urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1 </serviceType>
        <serviceId>urn:X_AVM-DE_RemoteAccess-com:serviceId:X_AVM-DE_RemoteAccess1</serviceId>
        <controlURL>/upnp/control/x_remote</controlURL><SCPDURL>/x_remoteSCPD.xml</SCPDURL>
       </service>
      </serviceList>
     </device>
    </deviceList>
   </device>
  </deviceList>
 </device>
</root>"""

SCPD = b"""<?xml version="1.0"?>
<scpd xmlns="urn:schemas-upnp-org:service-1-0">
 <actionList>
  <junk/>
  <action><name></name></action>
  <action><name>SetDDNSConfig</name><argumentList>
   <junk/>
   <argument><name></name></argument>
   <argument><name>NewMode</name><direction>in</direction>
    <relatedStateVariable>Mode</relatedStateVariable></argument>
  </argumentList></action>
  <action><name>GetInfo</name></action>
 </actionList>
 <serviceStateTable>
  <junk/>
  <stateVariable><dataType>string</dataType></stateVariable>
  <stateVariable sendEvents="no"><name>Mode</name><dataType>string</dataType>
   <defaultValue>ddns_v4</defaultValue>
   <allowedValueList><allowedValue>ddns_v4</allowedValue><allowedValue>ddns_v6</allowedValue>
    <allowedValue>ddns_both</allowedValue><allowedValue>ddns_together</allowedValue>
   </allowedValueList></stateVariable>
  <stateVariable><name>Port</name><dataType>string</dataType></stateVariable>
 </serviceStateTable>
</scpd>"""


def test_local_names_ignore_prefixes_and_namespaces() -> None:
    root = parse_xml(b'<a:x xmlns:a="urn:a"><b:y xmlns:b="urn:b">t</b:y><z/></a:x>')
    assert root.tag == "x"
    assert [c.tag for c in root] == ["y", "z"]
    assert local_name("{urn:a}Envelope") == "Envelope"
    assert local_name("s:Body") == "Body"


@pytest.mark.parametrize(
    "document",
    [
        # Billion laughs: refused at the DOCTYPE, before the first entity is declared.
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><a>&lol2;</a>',
        b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>',
        b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
        b"<!DOCTYPE a><a/>",
        # An entity in a valid SOAP response's out-argument.
        b'<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY x "expanded">]>'
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b'<u:GetInfoResponse xmlns:u="urn:x"><NewUsername>&x;</NewUsername>'
        b"</u:GetInfoResponse></s:Body></s:Envelope>",
    ],
)
def test_dtds_are_refused(document: bytes) -> None:
    with pytest.raises(TR064MalformedResponseError, match="DTD"):
        parse_xml(document)
    # SOAP responses take the per-poll path (names left as written): the same refusal.
    with pytest.raises(TR064MalformedResponseError, match="DTD"):
        parse_response(document, "GetInfo")


@pytest.mark.parametrize(
    "document", [b"", b"<a>", b"<a></b>", b"not xml", b"<a>&undefined;</a>", b"\xff\xfe<"]
)
def test_unparseable_xml_is_malformed(document: bytes) -> None:
    with pytest.raises(TR064MalformedResponseError):
        parse_xml(document)
    with pytest.raises(TR064MalformedResponseError):
        parse_response(document, "GetInfo")


def test_description_finds_services_at_any_depth() -> None:
    description = parse_device_description(DESCRIPTION)
    assert description.udn == "uuid:739f2409-bccb-40e7-8e6c-3431C4A1B2C3"
    service = description.find_service(RA)
    assert service is not None
    assert service.control_url == "/upnp/control/x_remote"
    assert service.scpd_url == "/x_remoteSCPD.xml"
    assert service.service_type == RA
    # Another version of the same service type is still found.
    assert description.find_service(RA.replace(":1", ":2")) == service
    assert description.find_service("urn:dslforum-org:service:WLANConfiguration:1") is None


@pytest.mark.parametrize(
    "document",
    [
        b"<notroot/>",
        b"<root/>",
        b"<root><device><serviceList/></device></root>",
    ],
)
def test_description_without_root_device_or_udn_is_malformed(document: bytes) -> None:
    with pytest.raises(TR064MalformedResponseError):
        parse_device_description(document)


def test_scpd_actions_and_allowed_values() -> None:
    scpd = parse_scpd(SCPD)
    assert set(scpd.actions) == {"SetDDNSConfig", "GetInfo"}
    assert scpd.actions["GetInfo"].arguments == ()
    assert scpd.allowed_values("SetDDNSConfig", "NewMode", "Mode") == (
        "ddns_v4",
        "ddns_v6",
        "ddns_both",
        "ddns_together",
    )
    # Unknown action: fall back to the named state variable.
    assert scpd.allowed_values("Nope", "NewMode", "Mode")[3] == "ddns_together"
    assert scpd.allowed_values("GetInfo", "NewPort", "Port") == ()
    assert scpd.state_variables["Mode"].default_value == "ddns_v4"
    with pytest.raises(TR064MalformedResponseError):
        parse_scpd(b"<root/>")


def test_envelope_escapes_values_and_round_trips() -> None:
    value = "a<b&c]]>d\"e'f"
    body = build_envelope(RA, "SetConfig", {"NewUsername": value, "NewPort": "443"})
    assert b"]]>d" not in body  # escaped, not raw
    root = parse_xml(body)
    call = root[0][0]
    assert call.tag == "SetConfig"
    assert call.attrib == {}
    assert [(c.tag, c.text) for c in call] == [("NewUsername", value), ("NewPort", "443")]
    assert soap_action_header(RA, "SetConfig") == f'"{RA}#SetConfig"'


def test_envelope_carries_the_token_in_the_header() -> None:
    body = build_envelope(RA, "SetEnable", {"NewEnabled": "1"}, token="t<k&n")
    assert (
        b'<s:Header><avm:token xmlns:avm="avm.de" s:mustUnderstand="1">t&lt;k&amp;n</avm:token>'
        b"</s:Header><s:Body>" in body
    )
    root = parse_xml(body)
    assert [element.tag for element in root] == ["Header", "Body"]
    assert root[0][0].text == "t<k&n"
    assert b"Header" not in build_envelope(RA, "SetEnable", {"NewEnabled": "1"})


def test_xml_safe_check() -> None:
    assert is_xml_safe("ä <&> ]]> \t\n")
    assert not is_xml_safe("a\x00b")
    assert not is_xml_safe("a\x1bb")


def test_response_parsed_by_local_name() -> None:
    body = (
        b'<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/'
        b'soap/envelope/"><SOAP-ENV:Body><m:GetInfoResponse xmlns:m="urn:x">'
        b"<NewEnabled>1</NewEnabled><NewPort></NewPort><NewUsername>a&amp;b</NewUsername>"
        b"</m:GetInfoResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
    values = parse_response(body, "GetInfo")
    assert values == {"NewEnabled": "1", "NewPort": "", "NewUsername": "a&b"}
    info = remote_access_info_from(values)
    assert info.port == 0
    assert info.lets_encrypt_enabled is None
    assert info.lets_encrypt_state is None
    with pytest.raises(TR064MalformedResponseError):
        parse_response(body, "GetDDNSInfo")


@pytest.mark.parametrize(
    "body",
    [b"<a/>", b"<Envelope/>", b"<Envelope><Body><Other/></Body></Envelope>"],
)
def test_response_without_expected_element_is_malformed(body: bytes) -> None:
    with pytest.raises(TR064MalformedResponseError):
        parse_response(body, "GetInfo")


def test_fault_in_old_namespace() -> None:
    body = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
        b"<faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
        b'<UPnPError xmlns="urn:dslforum-org:control-1-0"><errorCode> 820 </errorCode>'
        b"<errorDescription>Internal Error</errorDescription></UPnPError></detail></s:Fault>"
        b"</s:Body></s:Envelope>"
    )
    assert parse_fault(body) == (820, "Internal Error")


@pytest.mark.parametrize(
    "body",
    [
        b"<html>500</html>",
        b"<Envelope><Body><Fault><detail><UPnPError><errorCode>x</errorCode>"
        b"</UPnPError></detail></Fault></Body></Envelope>",
        b"<Envelope><Body><Fault><detail><UPnPError/></detail></Fault></Body></Envelope>",
    ],
)
def test_fault_without_upnp_error_is_malformed(body: bytes) -> None:
    with pytest.raises(TR064MalformedResponseError):
        parse_fault(body)


def test_provider_list() -> None:
    text = (
        "<List><Item><ProviderName>dyndns.org</ProviderName>"
        "<InfoURL>http://www.dyndns.org</InfoURL></Item>"
        "<Other/><Item><ProviderName>Benutzerdefiniert</ProviderName><InfoURL></InfoURL></Item>"
        "</List>"
    )
    providers = parse_provider_list(text)
    assert [(p.name, p.info_url) for p in providers] == [
        ("dyndns.org", "http://www.dyndns.org"),
        ("Benutzerdefiniert", ""),
    ]
    assert parse_provider_list("  ") == ()
    with pytest.raises(TR064MalformedResponseError):
        parse_provider_list("<Other/>")
    with pytest.raises(TR064MalformedResponseError):
        parse_provider_list("<List><Item><InfoURL>x</InfoURL></Item></List>")
    with pytest.raises(TR064MalformedResponseError, match="DTD"):
        parse_provider_list('<!DOCTYPE List [<!ENTITY a "b">]><List/>')


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("new address", DDNSStatus.NEW_ADDRESS),
        ("new-address", DDNSStatus.NEW_ADDRESS),
        ("account-disabled", DDNSStatus.ACCOUNT_DISABLED),
        ("internet-not-connected", DDNSStatus.INTERNET_NOT_CONNECTED),
        ("Updated", DDNSStatus.UPDATED),
        ("something new", DDNSStatus.UNDEFINED),
        ("", DDNSStatus.UNDEFINED),
    ],
)
def test_ddns_status_normalisation(text: str, status: DDNSStatus) -> None:
    assert DDNSStatus.from_box(text) is status


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("ddns_together", DDNSMode.TOGETHER),
        ("ddns_both_together", DDNSMode.TOGETHER),
        ("ddns_both", DDNSMode.BOTH),
        ("DDNS_V6", DDNSMode.V6),
        ("", DDNSMode.V4),
    ],
)
def test_ddns_mode_normalisation(text: str, mode: DDNSMode) -> None:
    assert DDNSMode.from_box(text) is mode


def test_unknown_ddns_mode_is_malformed() -> None:
    with pytest.raises(TR064MalformedResponseError):
        DDNSMode.from_box("ddns_v5")


@pytest.mark.parametrize("text", [*DDNS_TOGETHER_SPELLINGS, " DDNS_Together "])
def test_user_may_write_either_together_spelling(text: str) -> None:
    assert DDNSMode.from_user(text) is DDNSMode.TOGETHER
    assert DDNSMode.TOGETHER.spellings == DDNS_TOGETHER_SPELLINGS
    assert DDNSMode.V6.spellings == ("ddns_v6",)


@pytest.mark.parametrize("text", ["", "ddns_v5", "together"])
def test_unknown_user_mode_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="Unknown DDNS mode"):
        DDNSMode.from_user(text)


@pytest.mark.parametrize(
    ("text", "methods", "phone_code"),
    [
        ("button,dtmf;*11234", (AuthMethod.BUTTON, AuthMethod.PHONE), "*11234"),
        ("googleauth", (AuthMethod.APP,), None),
        (" dtmf;*1#2 , button ", (AuthMethod.PHONE, AuthMethod.BUTTON), "*1#2"),
        ("button,fingerprint;x,button", (AuthMethod.BUTTON,), None),
        ("dtmf", (AuthMethod.PHONE,), None),
        ("", (), None),
    ],
)
def test_auth_methods(text: str, methods: tuple[AuthMethod, ...], phone_code: str | None) -> None:
    assert parse_auth_methods(text) == (methods, phone_code)


def test_auth_states() -> None:
    assert [AuthState.from_box(state.value.upper()) for state in AuthState] == list(AuthState)
    with pytest.raises(TR064MalformedResponseError, match="confirmation state"):
        AuthState.from_box("waiting")


def test_auth_process_keeps_its_token_out_of_repr() -> None:
    token = "0123456789abcdef0123456789abcdef"
    process = auth_process_from(
        {"NewToken": token, "NewState": "waitingforauth", "NewMethods": "button"}
    )
    assert process.token == token
    assert process.state is AuthState.WAITING
    assert token not in repr(process)
    with pytest.raises(TR064MalformedResponseError, match="NewToken"):
        auth_process_from({"NewState": "waitingforauth"})


def test_lets_encrypt_state_normalisation() -> None:
    assert LetsEncryptState.from_box("valid") is LetsEncryptState.VALID
    assert LetsEncryptState.from_box("not_used") is LetsEncryptState.NOT_USED
    assert LetsEncryptState.from_box("???") is LetsEncryptState.UNKNOWN


def test_scalar_parsing() -> None:
    assert parse_bool("1", "x") is True
    assert parse_bool(" false ", "x") is False
    with pytest.raises(TR064MalformedResponseError):
        parse_bool("2", "x")
    assert parse_int("", "x") == 0
    assert parse_int(" 443 ", "x") == 443
    assert parse_int("\t7\r\n", "x") == 7
    assert parse_int("000443", "x", PORT_MAX) == 443
    with pytest.raises(TR064MalformedResponseError):
        parse_int("44x", "x")


@pytest.mark.parametrize(
    "text",
    [
        "+1",
        "-1",
        "-0",
        "1_000",
        "1 000",
        "0x1F",
        "1e3",
        "1.5",
        "\u0661\u0662\u0663",  # Arabic-Indic digits: int() takes them
        "\uff11\uff12",  # fullwidth digits
        "\u00b2",  # superscript two: str.isdigit() says yes
        "\u00a0443",  # a Unicode space: str.strip() would drop it
    ],
)
def test_integers_are_ascii_digits_only(text: str) -> None:
    with pytest.raises(TR064MalformedResponseError, match="NewPort is not an unsigned integer"):
        parse_int(text, "NewPort", PORT_MAX)


@pytest.mark.parametrize(
    ("text", "maximum", "value"),
    [
        ("65535", PORT_MAX, 65535),
        ("65536", PORT_MAX, None),
        ("4294967295", UI4_MAX, 4294967295),
        ("4294967296", UI4_MAX, None),
        ("0000000000004294967295", UI4_MAX, 4294967295),
        ("18446744073709551616", UI4_MAX, None),
        ("9" * 5000, UI4_MAX, None),  # beyond int()'s own digit limit
    ],
)
def test_integers_within_their_range(text: str, maximum: int, value: int | None) -> None:
    if value is None:
        with pytest.raises(TR064MalformedResponseError, match="out of range"):
            parse_int(text, "x", maximum)
    else:
        assert parse_int(text, "x", maximum) == value


def test_models_check_integer_ranges() -> None:
    info = {"NewEnabled": "1", "NewPort": "65535", "NewUsername": "u"}
    assert remote_access_info_from(info).port == 65535
    for port in ("65536", "\u0664\u0664\u0663", "-443"):
        with pytest.raises(TR064MalformedResponseError, match="NewPort"):
            remote_access_info_from(info | {"NewPort": port})
    device = {
        "NewManufacturerName": "AVM",
        "NewModelName": "m",
        "NewSerialNumber": "s",
        "NewSoftwareVersion": "v",
        "NewHardwareVersion": "h",
        "NewUpTime": "4294967295",
    }
    assert box_info_from(device).uptime == 4294967295
    for uptime in ("4294967296", "-1", "1_000"):
        with pytest.raises(TR064MalformedResponseError, match="NewUpTime"):
            box_info_from(device | {"NewUpTime": uptime})


def test_missing_response_argument_is_malformed() -> None:
    with pytest.raises(TR064MalformedResponseError, match="NewProviderName"):
        ddns_info_from({"NewEnabled": "1"})


def test_fingerprint_normalisation() -> None:
    digest = "AB" * 32
    assert normalize_fingerprint(":".join(["AB"] * 32)) == digest.lower()
    assert normalize_fingerprint(digest) == digest.lower()
    with pytest.raises(ValueError, match="hex"):
        normalize_fingerprint("zz" * 32)
    with pytest.raises(ValueError, match="SHA-256"):
        normalize_fingerprint("ab" * 20)
