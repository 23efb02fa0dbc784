"""Can the internet reach the box: its external addresses, and its DDNS name in DNS."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network, IPv6Address
import logging
from typing import TYPE_CHECKING, Final

import aiodns
from homeassistant.util import dt as dt_util
import pycares

from .const import REACHABILITY_INTERVAL
from .tr064 import DDNSMode

if TYPE_CHECKING:
    from datetime import datetime

    from .tr064 import AppRemoteInfo, DDNSInfo

_LOGGER = logging.getLogger(__name__)

CGNAT_NETWORK: Final = IPv4Network("100.64.0.0/10")

# One try per query, 3 s each: a check never holds anything up for long, and the next one
# comes within minutes anyway.
DNS_TIMEOUT: Final = 3.0
DNS_TRIES: Final = 1
# Bound on a whole check (two queries run side by side), whatever the resolver does.
DNS_CHECK_TIMEOUT: Final = 10.0

_MODES_V4: Final = frozenset({DDNSMode.V4, DDNSMode.BOTH, DDNSMode.TOGETHER})
_MODES_V6: Final = frozenset({DDNSMode.V6, DDNSMode.BOTH, DDNSMode.TOGETHER})


class IPv4Reach(StrEnum):
    """Whether the box's external IPv4 address can be reached from the internet, and why not."""

    PUBLIC = "public"
    NO_ADDRESS = "no_address"  # DS-Lite: the line has no IPv4 address of its own
    CGNAT = "cgnat"  # carrier-grade NAT, shared with other customers
    PRIVATE = "private"  # behind another router (or any other non-public address)


def ipv4_reach(address: IPv4Address | None) -> IPv4Reach:
    """Classify the external IPv4 address the box reports."""
    if address is None:
        return IPv4Reach.NO_ADDRESS
    if address in CGNAT_NETWORK:
        return IPv4Reach.CGNAT
    if not address.is_global:
        return IPv4Reach.PRIVATE
    return IPv4Reach.PUBLIC


def updates_ipv4(mode: DDNSMode) -> bool:
    """Whether a DDNS mode updates the A record."""
    return mode in _MODES_V4


def updates_ipv6(mode: DDNSMode) -> bool:
    """Whether a DDNS mode updates the AAAA record."""
    return mode in _MODES_V6


class DNSResult(StrEnum):
    """Outcome of comparing the DDNS name in DNS with the box's external addresses."""

    MATCH = "match"
    MISMATCH = "mismatch"
    NOT_FOUND = "not_found"  # NXDOMAIN
    NO_RECORDS = "no_records"  # the name exists, without the record the mode updates
    TIMEOUT = "timeout"
    DNS_ERROR = "dns_error"
    NO_ADDRESS = "no_address"  # the box has no external address to compare with
    DDNS_DISABLED = "ddns_disabled"


# Outcomes that tell nothing about the records: the problem sensor shows "unknown".
UNDECIDED: Final = frozenset({DNSResult.TIMEOUT, DNSResult.DNS_ERROR, DNSResult.NO_ADDRESS})
PROBLEMS: Final = frozenset({DNSResult.MISMATCH, DNSResult.NOT_FOUND, DNSResult.NO_RECORDS})
# The family in the worst state decides; a definite answer beats a server that failed.
_PRECEDENCE: Final = (
    DNSResult.NOT_FOUND,
    DNSResult.MISMATCH,
    DNSResult.NO_RECORDS,
    DNSResult.TIMEOUT,
    DNSResult.DNS_ERROR,
    DNSResult.MATCH,
)


@dataclass(frozen=True, slots=True)
class DNSCheck:
    """One resolution of the DDNS name: the outcome and the addresses DNS gave."""

    result: DNSResult
    domain: str = ""
    ipv4: tuple[str, ...] = ()
    ipv6: tuple[str, ...] = ()

    @property
    def problem(self) -> bool | None:
        """True when the name does not point to the box, None when that is not known."""
        if self.result in UNDECIDED:
            return None
        return self.result in PROBLEMS


def resolver_factory() -> aiodns.DNSResolver:
    """Return a resolver using the system's DNS servers; tests point it elsewhere."""
    return aiodns.DNSResolver(timeout=DNS_TIMEOUT, tries=DNS_TRIES)


class _QueryFailedError(Exception):
    def __init__(self, result: DNSResult) -> None:
        super().__init__(result.value)
        self.result = result


def _failure(err: aiodns.error.DNSError | pycares.AresError) -> DNSResult:
    code = err.args[0] if err.args else None
    if code in (aiodns.error.ARES_ENOTFOUND, aiodns.error.ARES_ENONAME):
        return DNSResult.NOT_FOUND
    if code == aiodns.error.ARES_ENODATA:
        return DNSResult.NO_RECORDS
    if code == aiodns.error.ARES_ETIMEOUT:
        return DNSResult.TIMEOUT
    return DNSResult.DNS_ERROR


async def _addresses(resolver: aiodns.DNSResolver, domain: str, qtype: str) -> tuple[str, ...]:
    """Return the addresses of one record type; ``_QueryFailedError`` says why there are none."""
    try:
        answer = await resolver.query_dns(domain, qtype)
    except (aiodns.error.DNSError, pycares.AresError) as err:
        # Older aiodns lets pycares' own error through when a query fails at once.
        raise _QueryFailedError(_failure(err)) from None
    addresses: list[str] = []
    for record in answer.answer:
        address = getattr(record.data, "addr", None)
        if isinstance(address, str):
            # Compare as addresses: DNS and the box may write IPv6 differently.
            addresses.append(str(IPv6Address(address) if qtype == "AAAA" else IPv4Address(address)))
    if not addresses:
        raise _QueryFailedError(DNSResult.NO_RECORDS)
    return tuple(addresses)


async def check_dns(domain: str, mode: DDNSMode, remote: AppRemoteInfo) -> DNSCheck:
    """Resolve the records ``mode`` updates and compare them with the box's addresses.

    Only families the box has an address in are asked; a failure is an outcome, not an error.
    """
    wanted: list[tuple[str, str]] = []
    if updates_ipv4(mode) and remote.external_ipv4 is not None:
        wanted.append(("A", str(remote.external_ipv4)))
    if updates_ipv6(mode) and remote.external_ipv6 is not None:
        wanted.append(("AAAA", str(remote.external_ipv6)))
    if not wanted:
        return DNSCheck(DNSResult.NO_ADDRESS, domain)
    resolver = resolver_factory()
    try:
        async with asyncio.timeout(DNS_CHECK_TIMEOUT):
            answers = await asyncio.gather(
                *(_addresses(resolver, domain, qtype) for qtype, _ in wanted),
                return_exceptions=True,
            )
    except TimeoutError:
        return DNSCheck(DNSResult.TIMEOUT, domain)
    finally:
        await resolver.close()
    found: dict[str, tuple[str, ...]] = {"A": (), "AAAA": ()}
    outcomes: list[DNSResult] = []
    for (qtype, expected), answer in zip(wanted, answers, strict=True):
        if isinstance(answer, _QueryFailedError):
            outcomes.append(answer.result)
        elif isinstance(answer, BaseException):
            raise answer
        else:
            found[qtype] = answer
            outcomes.append(DNSResult.MATCH if expected in answer else DNSResult.MISMATCH)
    result = min(outcomes, key=_PRECEDENCE.index)
    _LOGGER.debug("DNS check of %s: %s (A %s, AAAA %s)", domain, result, *found.values())
    return DNSCheck(result, domain, found["A"], found["AAAA"])


class DNSCheckSchedule:
    """The DDNS name's latest check, and when to check it again."""

    def __init__(self) -> None:
        """Nothing checked yet."""
        self.last: DNSCheck | None = None
        self._checked: datetime | None = None
        self._running = False
        # Something changed while a check was under way: check again when it is done.
        self.recheck = False

    def start(self, ddns: DDNSInfo, remote: AppRemoteInfo | None, *, changed: bool) -> bool:
        """Whether to check now: every few minutes, and soon after something ``changed``."""
        if remote is None:
            self.last = None
            return False
        if not ddns.enabled or not ddns.domain:
            self.last = DNSCheck(DNSResult.DDNS_DISABLED, ddns.domain)
            self._checked = None
            return False
        if self.last is not None and (
            self.last.domain != ddns.domain or self.last.result is DNSResult.DDNS_DISABLED
        ):
            # That outcome was about another name, or none: unknown until checked.
            self.last = None
        if self._running:
            self.recheck = self.recheck or changed
            return False
        checked = self._checked
        if (
            not changed
            and checked is not None
            and dt_util.utcnow() - checked < REACHABILITY_INTERVAL
        ):
            return False
        self._running = True
        return True

    async def run(self, ddns: DDNSInfo, remote: AppRemoteInfo) -> None:
        """Resolve the name, after ``start`` said so; bounded by the check's own timeout."""
        try:
            self.last = await check_dns(ddns.domain, ddns.mode, remote)
        finally:
            self._running = False
        self._checked = dt_util.utcnow()


def remote_access_url(host: str, port: int) -> str:
    """``https://host:port``; brackets around an IPv6 literal."""
    if ":" in host:
        host = f"[{host}]"
    return f"https://{host}:{port}"
