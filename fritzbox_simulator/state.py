"""The box's mutable truth and how its DDNS and Let's Encrypt status move on over time.

Tests read and change these objects directly. Status values use the box's own spelling
(``new address`` for IPv4, ``new-address`` for IPv6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .users import BoxUser

MODES_UPDATING_IPV4 = frozenset({"ddns_v4", "ddns_both", "ddns_together", "ddns_both_together"})
MODES_UPDATING_IPV6 = frozenset({"ddns_v6", "ddns_both", "ddns_together", "ddns_both_together"})

#: External (IPv4, IPv6) addresses per kind of internet line: a public IPv4 address, DS-Lite
#: (no IPv4 of its own), carrier-grade NAT (100.64.0.0/10) and a box behind another router.
LINES: dict[str, tuple[str, str]] = {
    "public": ("84.152.23.17", "2003:c2:e70f:5a00:3a10:d5ff:fe4b:9c21"),
    "ds-lite": ("", "2a02:8108:1a40:3e00:3a10:d5ff:fe4b:9c21"),
    "cgnat": ("100.72.14.203", "2a02:8108:1a40:3e00:3a10:d5ff:fe4b:9c21"),
    "private": ("192.168.1.20", ""),
}


@dataclass(slots=True)
class DDNSState:
    """Dynamic DNS settings and status; ``credentials_valid`` decides how an update ends."""

    enabled: bool = False
    provider_name: str = ""
    domain: str = ""
    mode: str = "ddns_v4"
    server_ipv4: str = ""
    server_ipv6: str = ""
    status_ipv4: str = "offline"
    status_ipv6: str = "offline"
    update_url: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    credentials_valid: bool = True
    #: Simulator time at which the current update round started; None when idle.
    update_started_at: float | None = None

    def start_update(self, now: float) -> None:
        """Begin an update round (after SetDDNSConfig), or go offline when disabled."""
        if self.enabled:
            self.update_started_at = now
            self._show("checking")
        else:
            self.update_started_at = None
            self.status_ipv4 = self.status_ipv6 = "offline"

    def tick(self, now: float, checking: float, updating: float) -> None:
        """Move the status on: checking, then updating, then updated (or account-disabled)."""
        if self.update_started_at is None:
            return
        if not self.enabled:
            self.start_update(now)
            return
        elapsed = now - self.update_started_at
        if elapsed < checking:
            self._show("checking")
        elif elapsed < checking + updating:
            self._show("updating")
        else:
            self._show("updated" if self.credentials_valid else "account-disabled")
            self.update_started_at = None

    def _show(self, status: str) -> None:
        self.status_ipv4 = status if self.mode in MODES_UPDATING_IPV4 else "offline"
        self.status_ipv6 = status if self.mode in MODES_UPDATING_IPV6 else "offline"


@dataclass(slots=True)
class BoxState:
    """Remote access, Let's Encrypt, DDNS and the user list of one simulated box."""

    users: dict[str, BoxUser] = field(default_factory=dict)
    remote_access_enabled: bool = False
    remote_access_port: int = 0
    #: The user configured (and last used) for remote access; empty when none was set up.
    remote_access_username: str = ""
    lets_encrypt_enabled: bool = False
    lets_encrypt_state: str = "not_used"
    #: Simulator time at which a requested certificate becomes valid; None when not pending.
    lets_encrypt_ready_at: float | None = None
    ddns: DDNSState = field(default_factory=DDNSState)
    provisioning_code: str = ""
    lan_ipv4: str = "192.168.178.1"
    lan_subnet_mask: str = "255.255.255.0"
    #: The line's addresses as seen from the internet; empty when the line has none.
    external_ipv4: str = LINES["public"][0]
    external_ipv6: str = LINES["public"][1]
    myfritz_enabled: bool = False
    myfritz_dyndns_name: str = ""

    @classmethod
    def with_users(cls, users: tuple[BoxUser, ...]) -> BoxState:
        """Make a fresh box state whose user list holds ``users``."""
        return cls(users={user.name: user for user in users})

    def set_line(self, line: str) -> None:
        """Take the external addresses of a line from ``LINES``; ValueError for others."""
        if line not in LINES:
            raise ValueError(f"unknown line {line!r}; known: {', '.join(LINES)}")
        self.external_ipv4, self.external_ipv6 = LINES[line]

    def anyone_with_internet_access(self) -> bool:
        """Whether SetEnable(1) can open the HTTPS port at all."""
        return any(user.enabled and user.internet_access for user in self.users.values())

    def request_certificate(self, now: float, delay: float) -> None:
        """Switch Let's Encrypt on: ``get`` until the certificate is valid ``delay`` s later."""
        self.lets_encrypt_enabled = True
        self.lets_encrypt_state = "get"
        self.lets_encrypt_ready_at = now + delay

    def drop_certificate(self) -> None:
        """Switch Let's Encrypt off."""
        self.lets_encrypt_enabled = False
        self.lets_encrypt_state = "not_used"
        self.lets_encrypt_ready_at = None

    def tick(self, now: float, *, checking: float, updating: float) -> None:
        """Apply everything that has become due by ``now``."""
        ready_at = self.lets_encrypt_ready_at
        if ready_at is not None and now >= ready_at:
            self.lets_encrypt_ready_at = None
            if self.lets_encrypt_enabled:
                self.lets_encrypt_state = "valid"
        self.ddns.tick(now, checking, updating)
