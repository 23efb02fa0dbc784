"""One exception hierarchy, so callers can tell retryable trouble from configuration problems.

No message carries a password: the client never puts argument values into messages.
"""

from __future__ import annotations

from .const import (
    UPNP_ACTION_NOT_AUTHORIZED,
    UPNP_ARGUMENT_VALUE_INVALID,
    UPNP_INVALID_ACTION,
    UPNP_INVALID_ARGS,
    UPNP_SECOND_FACTOR_BLOCKED,
    UPNP_SECOND_FACTOR_BUSY,
    UPNP_SECOND_FACTOR_REQUIRED,
)


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
    """UPnP 501, 820 and every code without an error class of its own."""


class TR064SecondFactorError(TR064Error):
    """Base of the errors of the box's additional confirmation (second factor)."""


class TR064SecondFactorRequiredError(TR064SecondFactorError, TR064UPnPError):
    """UPnP 866: the box wants the action confirmed on the box itself."""


class TR064SecondFactorBlockedError(TR064SecondFactorError, TR064UPnPError):
    """UPnP 867 or state ``blocked``: too many unconfirmed attempts; the box refuses for now."""


class TR064SecondFactorBusyError(TR064SecondFactorError, TR064UPnPError):
    """UPnP 868 or state ``anotherauthprocess``: another confirmation is running."""


class TR064SecondFactorTimeoutError(TR064SecondFactorError):
    """Nobody confirmed within the caller's timeout; the process was stopped."""


class TR064SecondFactorFailedError(TR064SecondFactorError):
    """The box ended the confirmation (state ``failure``, ``stopped`` or ``disabled``)."""


_ERRORS_BY_CODE: dict[int, type[TR064UPnPError]] = {
    UPNP_ACTION_NOT_AUTHORIZED: TR064PermissionError,
    UPNP_INVALID_ARGS: TR064InvalidArgumentError,
    UPNP_ARGUMENT_VALUE_INVALID: TR064InvalidArgumentError,
    UPNP_SECOND_FACTOR_REQUIRED: TR064SecondFactorRequiredError,
    UPNP_SECOND_FACTOR_BLOCKED: TR064SecondFactorBlockedError,
    UPNP_SECOND_FACTOR_BUSY: TR064SecondFactorBusyError,
}


def upnp_error(action: str, code: int, description: str) -> TR064Error:
    """Map a UPnP error code to the exception a caller can act on."""
    if code == UPNP_INVALID_ACTION:
        return TR064UnsupportedError(
            f"{action}: Invalid Action (UPnP 401): unknown to the box, or access for "
            "applications (TR-064) is switched off"
        )
    text = f"{action}: {description}" if description else action
    return _ERRORS_BY_CODE.get(code, TR064ActionFailedError)(code, text)
