"""Async TR-064 client for the FRITZ!Box X_AVM-DE_RemoteAccess service.

Kept free of Home Assistant imports so it can be tested and reused on its own.
"""

from __future__ import annotations

from .client import FritzBoxRemoteAccess, fetch_udn, normalize_fingerprint
from .const import DEFAULT_PORT, DEFAULT_TIMEOUT, DEFAULT_TLS_PORT
from .exceptions import (
    TR064ActionFailedError,
    TR064AuthenticationError,
    TR064CertificateMismatchError,
    TR064ConnectionError,
    TR064Error,
    TR064InvalidArgumentError,
    TR064LoginBlockedError,
    TR064MalformedResponseError,
    TR064PermissionError,
    TR064UnsupportedError,
    TR064UPnPError,
)
from .models import (
    Capabilities,
    DDNSInfo,
    DDNSMode,
    DDNSProvider,
    DDNSStatus,
    DeviceInfo,
    LetsEncryptState,
    RemoteAccessInfo,
    RequestStats,
)

__all__ = [
    "DEFAULT_PORT",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TLS_PORT",
    "Capabilities",
    "DDNSInfo",
    "DDNSMode",
    "DDNSProvider",
    "DDNSStatus",
    "DeviceInfo",
    "FritzBoxRemoteAccess",
    "LetsEncryptState",
    "RemoteAccessInfo",
    "RequestStats",
    "TR064ActionFailedError",
    "TR064AuthenticationError",
    "TR064CertificateMismatchError",
    "TR064ConnectionError",
    "TR064Error",
    "TR064InvalidArgumentError",
    "TR064LoginBlockedError",
    "TR064MalformedResponseError",
    "TR064PermissionError",
    "TR064UPnPError",
    "TR064UnsupportedError",
    "fetch_udn",
    "normalize_fingerprint",
]
