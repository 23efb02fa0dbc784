"""Constants of the TR-064 client: ports, paths, service types, error codes and limits."""

from __future__ import annotations

from typing import Final

DEFAULT_PORT: Final = 49000
DEFAULT_TLS_PORT: Final = 49443
# 45 s per request, as AVM advises for TR-064 (docs/tr064.md); the integration uses it too.
DEFAULT_TIMEOUT: Final = 45.0
# Answers of a box are a few KiB; anything far larger is a fault or an attack.
MAX_RESPONSE_BYTES: Final = 1024 * 1024
READ_CHUNK_BYTES: Final = 64 * 1024

# TCP ports as the box takes them, and TR-064's ui4.
PORT_MIN: Final = 1
PORT_MAX: Final = 65535
UI4_MAX: Final = 2**32 - 1

DESCRIPTION_PATH: Final = "/tr64desc.xml"

SERVICE_REMOTE_ACCESS: Final = "urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1"
SERVICE_DEVICE_INFO: Final = "urn:dslforum-org:service:DeviceInfo:1"
SERVICE_AUTH: Final = "urn:dslforum-org:service:X_AVM-DE_Auth:1"
SERVICE_APP_SETUP: Final = "urn:dslforum-org:service:X_AVM-DE_AppSetup:1"
# Fallbacks if a description lists a service without these URLs.
DEFAULT_REMOTE_ACCESS_CONTROL_URL: Final = "/upnp/control/x_remote"
DEFAULT_REMOTE_ACCESS_SCPD_URL: Final = "/x_remoteSCPD.xml"
DEFAULT_DEVICE_INFO_CONTROL_URL: Final = "/upnp/control/deviceinfo"
DEFAULT_AUTH_CONTROL_URL: Final = "/upnp/control/x_auth"
DEFAULT_APP_SETUP_CONTROL_URL: Final = "/upnp/control/x_appsetup"

ACTION_GET_INFO: Final = "GetInfo"
ACTION_SET_CONFIG: Final = "SetConfig"
ACTION_GET_DDNS_INFO: Final = "GetDDNSInfo"
ACTION_GET_DDNS_PROVIDERS: Final = "GetDDNSProviders"
ACTION_SET_DDNS_CONFIG: Final = "SetDDNSConfig"
ACTION_SET_ENABLE: Final = "SetEnable"
ACTION_SET_LETS_ENCRYPT_ENABLE: Final = "SetLetsEncryptEnable"
ACTION_GET_STATE: Final = "GetState"
ACTION_GET_APP_REMOTE_INFO: Final = "GetAppRemoteInfo"

ARG_MODE: Final = "NewMode"
# One DDNS mode, two names: boxes offer ddns_together, other clients write ddns_both_together.
# Both are read; a write sends the box's own (docs/client.md).
DDNS_TOGETHER_SPELLINGS: Final = ("ddns_together", "ddns_both_together")
STATE_VARIABLE_MODE: Final = "Mode"

# UPnP error codes with a meaning of their own; see docs/client.md.
UPNP_INVALID_ACTION: Final = 401
UPNP_INVALID_ARGS: Final = 402
UPNP_ACTION_FAILED: Final = 501
UPNP_ARGUMENT_VALUE_INVALID: Final = 600
UPNP_ACTION_NOT_AUTHORIZED: Final = 606
UPNP_INTERNAL_ERROR: Final = 820
UPNP_SECOND_FACTOR_REQUIRED: Final = 866
UPNP_SECOND_FACTOR_BLOCKED: Final = 867
UPNP_SECOND_FACTOR_BUSY: Final = 868

# Second factor: how often to ask the box whether the user confirmed (see docs/second-factor.md),
# and how long a best-effort stop may take when giving up.
AUTH_POLL_INTERVAL: Final = 2.0
AUTH_STOP_TIMEOUT: Final = 5.0
