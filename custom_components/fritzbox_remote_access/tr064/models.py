"""Results of the client as Python types; the box's spelling quirks are normalised here, once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from .const import ACTION_SET_LETS_ENCRYPT_ENABLE
from .exceptions import TR064MalformedResponseError

if TYPE_CHECKING:
    from collections.abc import Mapping


class DDNSMode(StrEnum):
    """Which addresses a DDNS update carries."""

    V4 = "ddns_v4"
    V6 = "ddns_v6"
    BOTH = "ddns_both"
    TOGETHER = "ddns_together"

    @classmethod
    def from_box(cls, value: str) -> DDNSMode:
        """Parse the box's spelling; ``ddns_both_together`` (spec) equals ``ddns_together``."""
        text = value.strip().lower()
        if text == "ddns_both_together":
            return cls.TOGETHER
        if not text:
            # An unconfigured box may leave it empty; the SCPD's default is ddns_v4.
            return cls.V4
        try:
            return cls(text)
        except ValueError:
            raise TR064MalformedResponseError(f"Unknown DDNS mode {value!r}") from None


def _state_key(value: str) -> str:
    """Boxes mix spaces, hyphens and case in state names; the enums use snake_case."""
    return value.strip().lower().replace(" ", "_").replace("-", "_")


class DDNSStatus(StrEnum):
    """Update state of one address family."""

    OFFLINE = "offline"
    CHECKING = "checking"
    UPDATING = "updating"
    UPDATED = "updated"
    VERIFYING = "verifying"
    COMPLETE = "complete"
    NEW_ADDRESS = "new_address"
    ACCOUNT_DISABLED = "account_disabled"
    INTERNET_NOT_CONNECTED = "internet_not_connected"
    UNDEFINED = "undefined"

    @classmethod
    def from_box(cls, value: str) -> DDNSStatus:
        """Boxes write ``new address`` (IPv4) and ``new-address`` (IPv6); unknown -> UNDEFINED."""
        try:
            return cls(_state_key(value))
        except ValueError:
            return cls.UNDEFINED


class LetsEncryptState(StrEnum):
    """State of the Let's Encrypt certificate of the box."""

    NOT_USED = "not_used"
    GET = "get"
    VALID = "valid"
    INVALID = "invalid"
    UNKNOWN = "unknown"

    @classmethod
    def from_box(cls, value: str) -> LetsEncryptState:
        """Unknown strings become UNKNOWN, the spec's default."""
        try:
            return cls(_state_key(value))
        except ValueError:
            return cls.UNKNOWN


@dataclass(frozen=True, slots=True)
class RemoteAccessInfo:
    """Result of GetInfo; the Let's Encrypt fields are None on firmware without them."""

    enabled: bool
    port: int
    username: str
    lets_encrypt_enabled: bool | None
    lets_encrypt_state: LetsEncryptState | None


@dataclass(frozen=True, slots=True)
class DDNSInfo:
    """Result of GetDDNSInfo (the DDNS password is never returned by the box)."""

    enabled: bool
    provider_name: str
    domain: str
    mode: DDNSMode
    server_ipv4: str
    server_ipv6: str
    status_ipv4: DDNSStatus
    status_ipv6: DDNSStatus
    update_url: str
    username: str


@dataclass(frozen=True, slots=True)
class DDNSProvider:
    """One entry of GetDDNSProviders' list."""

    name: str
    info_url: str


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """What DeviceInfo GetInfo tells about the box."""

    manufacturer: str
    model: str
    serial_number: str
    software_version: str
    hardware_version: str
    uptime: int


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What this box's RemoteAccess SCPD advertises."""

    actions: frozenset[str]
    mode_values: tuple[str, ...]

    def supports(self, action: str) -> bool:
        """Whether the box has this action of X_AVM-DE_RemoteAccess."""
        return action in self.actions

    @property
    def lets_encrypt(self) -> bool:
        """Firmware before about 7.3 lacks Let's Encrypt."""
        return ACTION_SET_LETS_ENCRYPT_ENABLE in self.actions


@dataclass(slots=True)
class RequestStats:
    """Counters for diagnostics; one request is one SOAP call or description fetch."""

    requests: int = 0
    failures: int = 0


def parse_bool(value: str, name: str) -> bool:
    """Booleans travel as 0/1; some firmware may say true/false."""
    text = value.strip().lower()
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no"):
        return False
    raise TR064MalformedResponseError(f"{name} is not a boolean: {value!r}")


# XML whitespace; str.strip() would also drop Unicode spaces a box never sends.
_XML_SPACE = " \t\r\n"
PORT_MAX = 65535
UI4_MAX = 2**32 - 1
_UI4_DIGITS = len(str(UI4_MAX))


def parse_int(value: str, name: str, maximum: int = UI4_MAX) -> int:
    """Read a TR-064 unsigned integer: ASCII digits only, 0 to ``maximum``; empty means 0.

    Python's ``int()`` would also take signs, ``_`` separators and non-ASCII digits.
    """
    text = value.strip(_XML_SPACE)
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()):
        raise TR064MalformedResponseError(f"{name} is not an unsigned integer: {value[:40]!r}")
    # Leading zeros are harmless. Past ui4's 10 digits the number is out of range anyway, and
    # int() is spared a long string (it refuses those beyond 4,300 digits with a ValueError).
    digits = text.lstrip("0")
    number = int(digits) if 0 < len(digits) <= _UI4_DIGITS else 0
    if len(digits) > _UI4_DIGITS or number > maximum:
        raise TR064MalformedResponseError(f"{name} is out of range (0 to {maximum})")
    return number


def _get(values: Mapping[str, str], name: str) -> str:
    try:
        return values[name]
    except KeyError:
        raise TR064MalformedResponseError(f"Response lacks {name}") from None


def remote_access_info_from(values: Mapping[str, str]) -> RemoteAccessInfo:
    """Build GetInfo's result; missing Let's Encrypt arguments mean legacy firmware."""
    le_enabled = values.get("NewLetsEncryptEnabled")
    le_state = values.get("NewLetsEncryptState")
    return RemoteAccessInfo(
        enabled=parse_bool(_get(values, "NewEnabled"), "NewEnabled"),
        port=parse_int(_get(values, "NewPort"), "NewPort", PORT_MAX),
        username=_get(values, "NewUsername"),
        lets_encrypt_enabled=(
            None if le_enabled is None else parse_bool(le_enabled, "NewLetsEncryptEnabled")
        ),
        lets_encrypt_state=None if le_state is None else LetsEncryptState.from_box(le_state),
    )


def ddns_info_from(values: Mapping[str, str]) -> DDNSInfo:
    """Build GetDDNSInfo's result."""
    return DDNSInfo(
        enabled=parse_bool(_get(values, "NewEnabled"), "NewEnabled"),
        provider_name=_get(values, "NewProviderName"),
        domain=_get(values, "NewDomain"),
        mode=DDNSMode.from_box(_get(values, "NewMode")),
        server_ipv4=_get(values, "NewServerIPv4"),
        server_ipv6=_get(values, "NewServerIPv6"),
        status_ipv4=DDNSStatus.from_box(_get(values, "NewStatusIPv4")),
        status_ipv6=DDNSStatus.from_box(_get(values, "NewStatusIPv6")),
        update_url=_get(values, "NewUpdateURL"),
        username=_get(values, "NewUsername"),
    )


def device_info_from(values: Mapping[str, str]) -> DeviceInfo:
    """Build DeviceInfo GetInfo's result."""
    return DeviceInfo(
        manufacturer=_get(values, "NewManufacturerName"),
        model=_get(values, "NewModelName"),
        serial_number=_get(values, "NewSerialNumber"),
        software_version=_get(values, "NewSoftwareVersion"),
        hardware_version=_get(values, "NewHardwareVersion"),
        uptime=parse_int(_get(values, "NewUpTime"), "NewUpTime"),
    )
