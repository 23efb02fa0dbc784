"""Constants of the TR-064 client: ports, paths, service types and limits from AVM's documents."""

from __future__ import annotations

from typing import Final

DEFAULT_PORT: Final = 49000
DEFAULT_TLS_PORT: Final = 49443
# AVM recommends timing transactions out after 45 s.
DEFAULT_TIMEOUT: Final = 45.0
# Answers of a box are a few KiB; anything far larger is a fault or an attack.
MAX_RESPONSE_BYTES: Final = 1024 * 1024
READ_CHUNK_BYTES: Final = 64 * 1024

DESCRIPTION_PATH: Final = "/tr64desc.xml"

SERVICE_REMOTE_ACCESS: Final = "urn:dslforum-org:service:X_AVM-DE_RemoteAccess:1"
SERVICE_DEVICE_INFO: Final = "urn:dslforum-org:service:DeviceInfo:1"
# Fallbacks if a description lists the service without these URLs.
DEFAULT_REMOTE_ACCESS_CONTROL_URL: Final = "/upnp/control/x_remote"
DEFAULT_REMOTE_ACCESS_SCPD_URL: Final = "/x_remoteSCPD.xml"
DEFAULT_DEVICE_INFO_CONTROL_URL: Final = "/upnp/control/deviceinfo"

ACTION_GET_INFO: Final = "GetInfo"
ACTION_SET_CONFIG: Final = "SetConfig"
ACTION_GET_DDNS_INFO: Final = "GetDDNSInfo"
ACTION_GET_DDNS_PROVIDERS: Final = "GetDDNSProviders"
ACTION_SET_DDNS_CONFIG: Final = "SetDDNSConfig"
ACTION_SET_ENABLE: Final = "SetEnable"
ACTION_SET_LETS_ENCRYPT_ENABLE: Final = "SetLetsEncryptEnable"

ARG_MODE: Final = "NewMode"
STATE_VARIABLE_MODE: Final = "Mode"

# UPnP error codes with a meaning of their own (field notes, "SOAP").
UPNP_INVALID_ACTION: Final = 401
UPNP_INVALID_ARGS: Final = 402
UPNP_ARGUMENT_VALUE_INVALID: Final = 600
UPNP_ACTION_NOT_AUTHORIZED: Final = 606
