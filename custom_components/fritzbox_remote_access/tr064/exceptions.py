"""One exception hierarchy, so callers can tell retryable trouble from configuration problems.

No message carries a password: the client never puts argument values into messages.
"""

from __future__ import annotations


class TR064Error(Exception):
    """Base of every error the client raises."""


class TR064ConnectionError(TR064Error):
    """The box could not be reached: refused, reset, timed out, TLS handshake failed."""


class TR064CertificateMismatchError(TR064Error):
    """The box presented another certificate than the pinned one.

    Not a connection error: retrying will not help, the user has to accept the new certificate.
    """

    def __init__(self, fingerprint: str | None, expected: str | None = None) -> None:
        """Keep both fingerprints (lowercase hex SHA-256) for the caller's repair flow."""
        self.fingerprint = fingerprint
        self.expected = expected
        super().__init__(
            "The box presented a certificate that does not match the pinned fingerprint "
            f"(presented sha256 {fingerprint or 'unknown'}, pinned {expected or 'unknown'})"
        )

    @property
    def got(self) -> str | None:
        """Alias of ``fingerprint``, named like aiohttp's ``ServerFingerprintMismatch.got``."""
        return self.fingerprint


class TR064AuthenticationError(TR064Error):
    """HTTP 401 even after the digest retry: wrong username or password."""


class TR064LoginBlockedError(TR064Error):
    """HTTP 503: the box blocks logins from us for a while after too many failures."""


class TR064UnsupportedError(TR064Error):
    """The box lacks the service or action, or app access (TR-064) is switched off."""


class TR064MalformedResponseError(TR064Error):
    """The answer could not be understood: unparseable, oversized, or carrying a DTD.

    Also an HTTP 500 whose body is no parseable UPnP fault: without an error code nothing
    says the action failed, only that the box (or something in between) answered garbage.
    """


class TR064UPnPError(TR064Error):
    """A SOAP fault with a UPnP error code."""

    def __init__(self, code: int, description: str) -> None:
        """Keep the box's code and description for callers and diagnostics."""
        self.code = code
        self.description = description
        super().__init__(f"UPnP error {code}: {description}")


class TR064PermissionError(TR064UPnPError):
    """UPnP 606: authenticated, but the user lacks the right for this action."""


class TR064InvalidArgumentError(TR064UPnPError):
    """UPnP 402 or 600: the box rejected an argument value."""


class TR064ActionFailedError(TR064UPnPError):
    """UPnP 501, 820 and every other code: the box could not carry out the action."""
