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
    OK = "ok"
    MISSING = "missing"  # no (digest) credentials at all
    INVALID = "invalid"  # wrong user or password, or a malformed header
    STALE = "stale"  # right password, but an expired or unknown nonce
    REPLAY = "replay"  # right password, nonce count used before


@dataclass(frozen=True, slots=True)
class AuthResult:
    outcome: Outcome
    user: BoxUser | None = None
    username: str | None = None


@dataclass(slots=True)
class _Nonce:
    issued_at: float
    seen_counts: set[int] = field(default_factory=set)


def parse_authorization(header: str) -> dict[str, str] | None:
    """The parameters of a ``Digest`` Authorization header, or None if it is not one."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest" or not rest.strip():
        return None
    params: dict[str, str] = {}
    position = 0
    rest = rest.strip()
    while position < len(rest):
        match = _PAIR.match(rest, position)
        if match is None or match.end() == position:
            return None
        key, quoted, token = match.groups()
        params[key.lower()] = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else token or ""
        position = match.end()
    return params


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def expected_response(
    user: BoxUser, method: str, uri: str, nonce: str, nc: str, cnonce: str, qop: str
) -> str:
    """KD(H(A1), nonce:nc:cnonce:qop:H(A2)) with A1 = user:realm:password, A2 = method:uri."""
    ha1 = _md5(f"{user.name}:{REALM}:{user.password}")
    ha2 = _md5(f"{method}:{uri}")
    return _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")


class DigestAuthenticator:
    """Issues challenges and checks Authorization headers against the box's users."""

    def __init__(self, clock: SimClock, lifetime: float) -> None:
        self._clock = clock
        self._lifetime = lifetime
        self._nonces: OrderedDict[str, _Nonce] = OrderedDict()

    def reset(self) -> None:
        """Forget every nonce, as a rebooted box does."""
        self._nonces.clear()

    def challenge(self, *, stale: bool = False) -> str:
        """A ``WWW-Authenticate`` value with a fresh nonce, formatted like a box's."""
        nonce = secrets.token_hex(8).upper()
        self._nonces[nonce] = _Nonce(self._clock.now())
        while len(self._nonces) > MAX_NONCES:
            self._nonces.popitem(last=False)
        value = f'Digest realm="{REALM}",nonce="{nonce}",algorithm=MD5,qop="auth"'
        return f"{value},stale=true" if stale else value

    def verify(
        self, method: str, uri: str, header: str | None, users: Mapping[str, BoxUser]
    ) -> AuthResult:
        """Decide what a request's credentials are worth; the caller answers accordingly."""
        if not header:
            return AuthResult(Outcome.MISSING)
        params = parse_authorization(header)
        if params is None:
            return AuthResult(Outcome.MISSING if not header.strip() else Outcome.INVALID)
        username = params.get("username")
        user = users.get(username) if username is not None else None
        nonce, nc = params.get("nonce", ""), params.get("nc", "")
        cnonce, response = params.get("cnonce", ""), params.get("response", "")
        well_formed = (
            params.get("realm") == REALM
            and params.get("uri") == uri
            and params.get("qop") == "auth"
            and params.get("algorithm", "MD5").upper() == "MD5"
            and _NC.fullmatch(nc) is not None
            and int(nc, 16) > 0
            and bool(cnonce)
            and bool(nonce)
        )
        if user is None or not user.enabled or not well_formed:
            return AuthResult(Outcome.INVALID, username=username)
        expected = expected_response(user, method, uri, nonce, nc, cnonce, "auth")
        if not hmac.compare_digest(expected, response.lower()):
            return AuthResult(Outcome.INVALID, username=username)
        record = self._nonces.get(nonce)
        if record is None or self._clock.now() - record.issued_at > self._lifetime:
            self._nonces.pop(nonce, None)
            return AuthResult(Outcome.STALE, user, username)
        count = int(nc, 16)
        if count in record.seen_counts:
            return AuthResult(Outcome.REPLAY, user, username)
        record.seen_counts.add(count)
        return AuthResult(Outcome.OK, user, username)
