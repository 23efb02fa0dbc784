"""Server side of HTTP digest authentication (RFC 7616, MD5, qop=auth) as a box does it.

Nonces are 16 uppercase hex digits and may be reused with a rising nonce count. Counts are
remembered per nonce as a set, so concurrent requests may arrive out of order; only a count
seen before is a replay. A nonce older than ``lifetime`` (simulator time) is stale: a request
that used it with the right password gets a new challenge with ``stale=true`` and does not
count as a failed login.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from enum import Enum
import hashlib
import hmac
import re
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .clock import SimClock
    from .users import BoxUser

REALM = "HTTPS Access"
MAX_NONCES = 1024

_PAIR = re.compile(r'\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)')
_NC = re.compile(r"[0-9a-fA-F]{8}")


class Outcome(Enum):
    """What a request's credentials amount to; the HTTP layer answers accordingly."""

    OK = "ok"
    MISSING = "missing"  # no credentials at all
    INVALID = "invalid"  # unknown or disabled user, wrong password, malformed header
    STALE = "stale"  # right password, but an expired or unknown nonce
    REPLAY = "replay"  # right password, nonce count used before


@dataclass(frozen=True, slots=True)
class AuthResult:
    """The outcome, and the user when the password was right."""

    outcome: Outcome
    user: BoxUser | None = None


@dataclass(slots=True)
class _Nonce:
    issued_at: float
    seen_counts: set[int] = field(default_factory=set)


def parse_authorization(header: str) -> dict[str, str] | None:
    """Return the parameters of a ``Digest`` Authorization header, or None if it is not one."""
    scheme, _, rest = header.strip().partition(" ")
    rest = rest.strip()
    if scheme.lower() != "digest" or not rest:
        return None
    params: dict[str, str] = {}
    position = 0
    while position < len(rest):
        match = _PAIR.match(rest, position)
        if match is None or match.end() == position:
            return None
        key, quoted, token = match.groups()
        params[key.lower()] = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else token
        position = match.end()
    return params


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def expected_response(
    user: BoxUser, *, method: str, uri: str, nonce: str, nc: str, cnonce: str
) -> str:
    """Compute KD(H(A1), nonce:nc:cnonce:auth:H(A2)), A1 = user:realm:password, A2 = method:uri."""
    ha1 = _md5(f"{user.name}:{REALM}:{user.password}")
    ha2 = _md5(f"{method}:{uri}")
    return _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")


def _well_formed(params: dict[str, str], uri: str) -> bool:
    """Check everything but the hash: our realm, this URI, qop=auth, MD5 and a real count."""
    nc = params.get("nc", "")
    return (
        params.get("realm") == REALM
        and params.get("uri") == uri
        and params.get("qop") == "auth"
        and params.get("algorithm", "MD5").upper() == "MD5"
        and _NC.fullmatch(nc) is not None
        and int(nc, 16) > 0
        and bool(params.get("cnonce"))
        and bool(params.get("nonce"))
    )


class DigestAuthenticator:
    """Issues challenges and checks Authorization headers against the box's users."""

    def __init__(self, clock: SimClock, lifetime: float) -> None:
        """Nonces expire ``lifetime`` seconds of simulator time after they were issued."""
        self._clock = clock
        self._lifetime = lifetime
        self._nonces: OrderedDict[str, _Nonce] = OrderedDict()

    def reset(self) -> None:
        """Forget every nonce, as a rebooted box does."""
        self._nonces.clear()

    def challenge(self, *, stale: bool = False) -> str:
        """Return a ``WWW-Authenticate`` value with a fresh nonce, formatted like a box's."""
        nonce = secrets.token_hex(8).upper()
        self._nonces[nonce] = _Nonce(self._clock.now())
        while len(self._nonces) > MAX_NONCES:
            self._nonces.popitem(last=False)
        value = f'Digest realm="{REALM}",nonce="{nonce}",algorithm=MD5,qop="auth"'
        return f"{value},stale=true" if stale else value

    def verify(
        self, method: str, uri: str, header: str | None, users: Mapping[str, BoxUser]
    ) -> AuthResult:
        """Judge a request's Authorization header (``uri`` is the raw request target)."""
        if not header or not header.strip():
            return AuthResult(Outcome.MISSING)
        params = parse_authorization(header)
        user = self._user_with_right_password(params, method, uri, users) if params else None
        if params is None or user is None:
            return AuthResult(Outcome.INVALID)
        return AuthResult(self._count(params["nonce"], int(params["nc"], 16)), user)

    def _user_with_right_password(
        self, params: dict[str, str], method: str, uri: str, users: Mapping[str, BoxUser]
    ) -> BoxUser | None:
        user = users.get(params.get("username", ""))
        if user is None or not user.enabled or not _well_formed(params, uri):
            return None
        expected = expected_response(
            user,
            method=method,
            uri=uri,
            nonce=params["nonce"],
            nc=params["nc"],
            cnonce=params["cnonce"],
        )
        return user if hmac.compare_digest(expected, params.get("response", "").lower()) else None

    def _count(self, nonce: str, count: int) -> Outcome:
        """Accept each count once per live nonce, in any order."""
        record = self._nonces.get(nonce)
        if record is None or self._clock.now() - record.issued_at > self._lifetime:
            self._nonces.pop(nonce, None)
            return Outcome.STALE
        if count in record.seen_counts:
            return Outcome.REPLAY
        record.seen_counts.add(count)
        return Outcome.OK
