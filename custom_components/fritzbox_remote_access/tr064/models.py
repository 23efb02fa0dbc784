"""Results of the client as Python types; the box's spelling quirks are normalised here, once."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from ipaddress import IPv4Address, IPv6Address
import math
from typing import TYPE_CHECKING

from .const import ACTION_SET_LETS_ENCRYPT_ENABLE, DDNS_TOGETHER_SPELLINGS, PORT_MAX, UI4_MAX
from .exceptions import TR064MalformedResponseError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


class DDNSMode(StrEnum):
    """Which addresses a DDNS update carries."""

    V4 = "ddns_v4"
    V6 = "ddns_v6"
    BOTH = "ddns_both"
    TOGETHER = "ddns_together"

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every name a box may use for this mode, the preferred one first."""
        return DDNS_TOGETHER_SPELLINGS if self is DDNSMode.TOGETHER else (self.value,)

    @classmethod
    def from_user(cls, value: str) -> DDNSMode:
        """Parse a mode in any of its spellings; ``ValueError`` if unknown."""
        text = value.strip().lower()
        for mode in cls:
            if text in mode.spellings:
                return mode
        raise ValueError(f"Unknown DDNS mode {value[:40]!r}")

    @classmethod
    def from_box(cls, value: str) -> DDNSMode:
        """Parse the box's spelling; an empty mode is the SCPD's default, ``ddns_v4``."""
        if not value.strip():
            return cls.V4
        try:
            return cls.from_user(value)
        except ValueError:
            raise TR064MalformedResponseError(f"Unknown DDNS mode {value[:40]!r}") from None


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
        """Unknown strings become UNKNOWN, the SCPD's default."""
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
class BoxInfo:
    """What the box tells about itself (DeviceInfo GetInfo)."""

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


def required(values: Mapping[str, str], name: str) -> str:
    """Return the out-argument ``name``; a response without it is malformed."""
    try:
        return values[name]
    except KeyError:
        raise TR064MalformedResponseError(f"Response lacks {name}") from None


def remote_access_info_from(values: Mapping[str, str]) -> RemoteAccessInfo:
    """Build GetInfo's result; missing Let's Encrypt arguments mean legacy firmware."""
    le_enabled = values.get("NewLetsEncryptEnabled")
    le_state = values.get("NewLetsEncryptState")
    return RemoteAccessInfo(
        enabled=parse_bool(required(values, "NewEnabled"), "NewEnabled"),
        port=parse_int(required(values, "NewPort"), "NewPort", PORT_MAX),
        username=required(values, "NewUsername"),
        lets_encrypt_enabled=(
            None if le_enabled is None else parse_bool(le_enabled, "NewLetsEncryptEnabled")
        ),
        lets_encrypt_state=None if le_state is None else LetsEncryptState.from_box(le_state),
    )


def ddns_info_from(values: Mapping[str, str]) -> DDNSInfo:
    """Build GetDDNSInfo's result."""
    return DDNSInfo(
        enabled=parse_bool(required(values, "NewEnabled"), "NewEnabled"),
        provider_name=required(values, "NewProviderName"),
        domain=required(values, "NewDomain"),
        mode=DDNSMode.from_box(required(values, "NewMode")),
        server_ipv4=required(values, "NewServerIPv4"),
        server_ipv6=required(values, "NewServerIPv6"),
        status_ipv4=DDNSStatus.from_box(required(values, "NewStatusIPv4")),
        status_ipv6=DDNSStatus.from_box(required(values, "NewStatusIPv6")),
        update_url=required(values, "NewUpdateURL"),
        username=required(values, "NewUsername"),
    )


def box_info_from(values: Mapping[str, str]) -> BoxInfo:
    """Build DeviceInfo GetInfo's result."""
    return BoxInfo(
        manufacturer=required(values, "NewManufacturerName"),
        model=required(values, "NewModelName"),
        serial_number=required(values, "NewSerialNumber"),
        software_version=required(values, "NewSoftwareVersion"),
        hardware_version=required(values, "NewHardwareVersion"),
        uptime=parse_int(required(values, "NewUpTime"), "NewUpTime"),
    )


class AuthMethod(StrEnum):
    """How a user can confirm an action on the box."""

    BUTTON = "button"
    PHONE = "dtmf"
    APP = "googleauth"


class AuthState(StrEnum):
    """State of the box's confirmation process (X_AVM-DE_Auth GetState)."""

    DISABLED = "disabled"
    WAITING = "waitingforauth"
    ANOTHER_PROCESS = "anotherauthprocess"
    AUTHENTICATED = "authenticated"
    STOPPED = "stopped"
    BLOCKED = "blocked"
    FAILURE = "failure"

    @classmethod
    def from_box(cls, value: str) -> AuthState:
        """Parse the box's state; an unknown one is malformed, not guessed."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise TR064MalformedResponseError(
                f"Unknown confirmation state {value[:40]!r}"
            ) from None


@dataclass(frozen=True, slots=True)
class SecondFactorChallenge:
    """What the user has to do to confirm ``action``; never holds the token."""

    action: str
    methods: tuple[AuthMethod, ...]
    phone_code: str | None
    timeout: float


@dataclass(frozen=True, slots=True)
class Confirmation:
    """How a write waits for the user: whom to tell, and for how long (seconds)."""

    on_challenge: Callable[[SecondFactorChallenge], None]
    timeout: float

    def __post_init__(self) -> None:
        """Refuse a wait without a bound."""
        if not (self.timeout > 0 and math.isfinite(self.timeout)):
            raise ValueError("Confirmation timeout must be a positive number of seconds")


def parse_auth_methods(text: str) -> tuple[tuple[AuthMethod, ...], str | None]:
    """Read ``button,dtmf;*11234``: the methods offered and the code to dial, if any.

    Methods this client does not know are left out; the box offers them to the user anyway.
    """
    methods: list[AuthMethod] = []
    phone_code: str | None = None
    for item in text.split(","):
        name, _, parameter = item.strip().partition(";")
        try:
            method = AuthMethod(name.strip().lower())
        except ValueError:
            continue
        if method not in methods:
            methods.append(method)
        if method is AuthMethod.PHONE and parameter.strip() and phone_code is None:
            phone_code = parameter.strip()
    return tuple(methods), phone_code


@dataclass(frozen=True, slots=True)
class AuthProcess:
    """Answer of SetConfig(start)."""

    # Out of repr(): reprs end up in logs.
    token: str = field(repr=False)
    state: AuthState
    methods: tuple[AuthMethod, ...]
    phone_code: str | None


def auth_process_from(values: Mapping[str, str]) -> AuthProcess:
    """Build SetConfig(start)'s result."""
    methods, phone_code = parse_auth_methods(values.get("NewMethods", ""))
    return AuthProcess(
        token=required(values, "NewToken").strip(),
        state=AuthState.from_box(required(values, "NewState")),
        methods=methods,
        phone_code=phone_code,
    )


def auth_state_from(values: Mapping[str, str]) -> AuthState:
    """Build GetState's result."""
    return AuthState.from_box(required(values, "NewState"))


@dataclass(frozen=True, slots=True)
class AppRemoteInfo:
    """How the box is reached from the internet (X_AVM-DE_AppSetup GetAppRemoteInfo).

    An address is None when the line has none (IPv4 on DS-Lite) or the box sends no address.
    """

    external_ipv4: IPv4Address | None
    external_ipv6: IPv6Address | None
    ddns_enabled: bool
    ddns_domain: str
    myfritz_enabled: bool
    myfritz_name: str


def _address[A: (IPv4Address, IPv6Address)](kind: type[A], value: str) -> A | None:
    """Parse an address; empty, unspecified (0.0.0.0, ::) or unreadable text gives None."""
    try:
        address = kind(value.strip())
    except ValueError:
        return None
    return None if address.is_unspecified else address


def app_remote_info_from(values: Mapping[str, str]) -> AppRemoteInfo:
    """Build GetAppRemoteInfo's result."""
    return AppRemoteInfo(
        external_ipv4=_address(IPv4Address, required(values, "NewExternalIPAddress")),
        external_ipv6=_address(IPv6Address, required(values, "NewExternalIPv6Address")),
        ddns_enabled=parse_bool(
            required(values, "NewRemoteAccessDDNSEnabled"), "NewRemoteAccessDDNSEnabled"
        ),
        ddns_domain=required(values, "NewRemoteAccessDDNSDomain").strip(),
        myfritz_enabled=parse_bool(required(values, "NewMyFritzEnabled"), "NewMyFritzEnabled"),
        myfritz_name=required(values, "NewMyFritzDynDNSName").strip(),
    )
