"""X_AVM-DE_RemoteAccess: the service's state machine (docs/tr064.md), with real boxes' quirks.

Choices AVM leaves open, made here and relied on by the tests:

* Usernames (SetConfig): 1-64 printable characters (e-mail addresses and XML special
  characters included), no leading or trailing space and no colon, which digest
  authentication cannot carry. Anything else is 820.
* Passwords (SetConfig): 8-32 printable characters with at least one letter and one
  non-letter, not the username itself. Anything else (too short, too long, control
  characters, only letters, no letter) is 820.
* SetDDNSConfig: a malformed boolean is 402 like everywhere; a Mode outside the box's own
  allowed values, an unknown provider, a bad update URL or an empty domain are 600
  (Argument Value Invalid). Provider, URL and domain are only checked when enabling. The
  user-defined provider needs an update URL; for a listed provider an empty URL means "the
  provider's built-in one". An empty NewPassword keeps the stored DDNS password, since
  GetDDNSInfo never reveals it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .control import (
    ANY_RIGHT,
    ActionSpec,
    Caller,
    ServiceImplementation,
    format_boolean,
    parse_boolean,
)
from .providers import USER_DEFINED, provider_list, render_provider_list
from .scpd import remote_access_scpd
from .soap import UPnPError
from .users import CONFIGURATION_RIGHT, BoxUser

if TYPE_CHECKING:
    from collections.abc import Mapping
    import random

    from .clock import SimClock
    from .config import SimulatorConfig
    from .state import BoxState

SERVICE_TYPE = "urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1"
RANDOM_PORTS = (40_000, 65_000)
PORT_RANGE = (1, 65_535)
BOTH_URLS = 2  # ddns_both: one URL for IPv4, one for IPv6

USERNAME_MAX = 64
PASSWORD_LENGTH = (8, 32)

CONFIGURE = frozenset({CONFIGURATION_RIGHT})
APPS = frozenset({CONFIGURATION_RIGHT, "A"})


def valid_username(name: str) -> bool:
    """Apply the username rule of the module docstring."""
    return (
        0 < len(name) <= USERNAME_MAX
        and name.isprintable()
        and name == name.strip()
        and ":" not in name
    )


def valid_password(name: str, password: str) -> bool:
    """Apply the password rule of the module docstring."""
    shortest, longest = PASSWORD_LENGTH
    return (
        shortest <= len(password) <= longest
        and password.isprintable()
        and any(c.isalpha() for c in password)
        and not password.isalpha()
        and password.lower() != name.lower()
    )


def parse_port(value: str) -> int:
    """Ports travel as strings; outside 1-65535 or not a number is 402 (per the spec)."""
    text = value.strip()
    lowest, highest = PORT_RANGE
    if not text.isdecimal() or not lowest <= int(text) <= highest:
        raise UPnPError(402)
    return int(text)


def _valid_update_url(url: str) -> bool:
    """Something before a slash, after an optional http(s) scheme: the box needs a path."""
    rest = url
    for scheme in ("https://", "http://"):
        if rest.lower().startswith(scheme):
            rest = rest[len(scheme) :]
            break
    host, slash, _ = rest.partition("/")
    return bool(host) and bool(slash) and not any(c.isspace() for c in url)


def valid_update_urls(value: str, mode: str) -> bool:
    """``ddns_both`` takes two URLs separated by one space; every other mode one URL."""
    urls = value.split(" ") if mode == "ddns_both" else [value]
    if mode == "ddns_both" and len(urls) != BOTH_URLS:
        return False
    return all(_valid_update_url(url) for url in urls)


class RemoteAccessService:
    """Handlers for every action; which of them exist depends on the profile's SCPD."""

    def __init__(
        self, state: BoxState, clock: SimClock, rng: random.Random, config: SimulatorConfig
    ) -> None:
        """Act on ``state``; ``rng`` picks the random HTTPS ports."""
        self._state = state
        self._clock = clock
        self._rng = rng
        self._config = config
        self._modes = ("ddns_v4", "ddns_v6", "ddns_both", config.mode_spelling)

    def implementation(self) -> ServiceImplementation:
        """Return the profile's SCPD and AVM's rights table."""
        return ServiceImplementation(
            remote_access_scpd(self._config.profile, self._config.mode_spelling),
            {
                "GetInfo": ActionSpec(self.get_info, ANY_RIGHT),
                "GetDDNSInfo": ActionSpec(self.get_ddns_info, ANY_RIGHT),
                "GetDDNSProviders": ActionSpec(self.get_ddns_providers, CONFIGURE),
                "SetConfig": ActionSpec(self.set_config, CONFIGURE),
                "SetDDNSConfig": ActionSpec(self.set_ddns_config, CONFIGURE),
                "SetEnable": ActionSpec(self.set_enable, CONFIGURE),
                "SetLetsEncryptEnable": ActionSpec(self.set_lets_encrypt_enable, APPS),
            },
        )

    def get_info(self, _caller: Caller, _args: Mapping[str, str]) -> dict[str, str]:
        """Report remote access; the dispatcher drops the Let's Encrypt values on legacy."""
        state = self._state
        return {
            "NewEnabled": format_boolean(state.remote_access_enabled),
            "NewPort": str(state.remote_access_port),
            "NewUsername": state.remote_access_username,
            "NewLetsEncryptEnabled": format_boolean(state.lets_encrypt_enabled),
            "NewLetsEncryptState": state.lets_encrypt_state,
        }

    def set_config(self, _caller: Caller, args: Mapping[str, str]) -> dict[str, str]:
        """Configure the one remote-access user; it gets configuration rights from the internet.

        An existing user of that name is reused (820 if it is enabled but lacks the right C;
        a disabled one is enabled). Otherwise the user last configured for this service is
        renamed, or a new user is created.
        """
        enabled = parse_boolean(args, "NewEnabled")
        port = parse_port(args["NewPort"])
        name, password = args["NewUsername"], args["NewPassword"]
        if not valid_username(name) or not valid_password(name, password):
            raise UPnPError(820)
        users = self._state.users
        existing = users.get(name)
        if existing is not None and existing.enabled and not existing.configuration_rights:
            raise UPnPError(820)
        previous = self._state.remote_access_username
        if existing is None and previous in users:
            existing = users.pop(previous)
        if existing is None:
            user = BoxUser(name, password, CONFIGURE, internet_access=True)
        else:
            user = replace(
                existing,
                name=name,
                password=password,
                rights=existing.rights | CONFIGURE,
                internet_access=True,
                enabled=True,
            )
        users[name] = user
        self._state.remote_access_username = name
        self._state.remote_access_port = port
        self._state.remote_access_enabled = enabled
        return {}

    def set_enable(self, _caller: Caller, args: Mapping[str, str]) -> dict[str, str]:
        """Handle the four documented cases (docs/tr064.md); the answer is always the port."""
        state = self._state
        if not parse_boolean(args, "NewEnabled"):
            state.remote_access_enabled = False
            return {"NewPort": str(state.remote_access_port)}
        if not state.anyone_with_internet_access():
            return {"NewPort": "0"}
        if not state.remote_access_enabled:
            state.remote_access_port = self._rng.randint(*RANDOM_PORTS)
            state.remote_access_enabled = True
        return {"NewPort": str(state.remote_access_port)}

    def set_lets_encrypt_enable(self, _caller: Caller, args: Mapping[str, str]) -> dict[str, str]:
        """Request a certificate (``get``, later ``valid``) or switch Let's Encrypt off."""
        state = self._state
        if parse_boolean(args, "NewLetsEncryptEnabled"):
            if not state.lets_encrypt_enabled:
                state.request_certificate(self._clock.now(), self._config.lets_encrypt_seconds)
        else:
            state.drop_certificate()
        return {}

    def get_ddns_info(self, _caller: Caller, _args: Mapping[str, str]) -> dict[str, str]:
        """Report the DDNS settings and status; the password is never returned."""
        ddns = self._state.ddns
        return {
            "NewDomain": ddns.domain,
            "NewEnabled": format_boolean(ddns.enabled),
            "NewMode": ddns.mode,
            "NewProviderName": ddns.provider_name,
            "NewServerIPv4": ddns.server_ipv4,
            "NewServerIPv6": ddns.server_ipv6,
            "NewStatusIPv4": ddns.status_ipv4,
            "NewStatusIPv6": ddns.status_ipv6,
            "NewUpdateURL": ddns.update_url,
            "NewUsername": ddns.username,
        }

    def get_ddns_providers(self, _caller: Caller, _args: Mapping[str, str]) -> dict[str, str]:
        """List the providers as escaped XML text, the user-defined entry localised."""
        return {"NewProviderList": render_provider_list(self._config.locale)}

    def set_ddns_config(self, _caller: Caller, args: Mapping[str, str]) -> dict[str, str]:
        """Validate (see the module docstring), store, and start an update round."""
        enabled = parse_boolean(args, "NewEnabled")
        mode, provider = args["NewMode"], args["NewProviderName"]
        url, domain = args["NewUpdateURL"], args["NewDomain"]
        if mode not in self._modes:
            raise UPnPError(600)
        if enabled:
            self._check_ddns_target(provider, url, domain, mode)
        ddns = self._state.ddns
        ddns.enabled = enabled
        ddns.provider_name = provider
        ddns.update_url = url
        ddns.domain = domain
        ddns.mode = mode
        ddns.server_ipv4 = args["NewServerIPv4"]
        ddns.server_ipv6 = args["NewServerIPv6"]
        ddns.username = args["NewUsername"]
        if args["NewPassword"]:
            ddns.password = args["NewPassword"]
        ddns.start_update(self._clock.now())
        return {}

    def _check_ddns_target(self, provider: str, url: str, domain: str, mode: str) -> None:
        names = {name for name, _ in provider_list(self._config.locale)}
        if provider not in names:
            raise UPnPError(600)
        user_defined = provider == USER_DEFINED[self._config.locale]
        if (url or user_defined) and not valid_update_urls(url, mode):
            raise UPnPError(600)
        if not domain or any(c.isspace() for c in domain):
            raise UPnPError(600)
