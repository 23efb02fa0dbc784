"""Constants of the FRITZ!Box Remote Access integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "fritzbox_remote_access"
LOGGER = logging.getLogger(__package__)

DEFAULT_HOST: Final = "192.168.178.1"
DEFAULT_NAME: Final = "FRITZ!Box"

CONF_USE_TLS: Final = "use_tls"
CONF_FINGERPRINT: Final = "certificate_fingerprint"

SCAN_INTERVAL: Final = timedelta(seconds=30)
# External addresses and the DDNS name in DNS change rarely: read and resolve them at most
# this often (and after the box reports a DDNS change).
REACHABILITY_INTERVAL: Final = timedelta(minutes=5)

# A box that answers 503 has locked us out; hammering it keeps the lock going and locks the
# user out too (docs/tr064.md). Pause 1, 2, 4, ... minutes, never longer than 30.
LOGIN_BLOCKED_FIRST_PAUSE: Final = timedelta(minutes=1)
LOGIN_BLOCKED_MAX_PAUSE: Final = timedelta(minutes=30)

# How long a write waits for a person to confirm it on the box: time to walk to the box or a
# phone, short enough that a dashboard's switch or an action call is not left hanging.
CONFIRMATION_TIMEOUT: Final = 180.0

ISSUE_INSUFFICIENT_RIGHTS: Final = "insufficient_rights"
ISSUE_CERTIFICATE_MISMATCH: Final = "certificate_mismatch"
# No public IPv4 address while something relies on one: one issue per cause, since what
# helps differs.
ISSUE_IPV4_NO_ADDRESS: Final = "ipv4_no_address"
ISSUE_IPV4_CGNAT: Final = "ipv4_cgnat"
ISSUE_IPV4_PRIVATE: Final = "ipv4_private"

# Data of the certificate issue, read by its fix flow: the entry, the certificate the box
# presented (to pin) and the one we had pinned when it was refused (the block applies to it).
FIX_DATA_ENTRY_ID: Final = "entry_id"
FIX_DATA_FINGERPRINT: Final = "fingerprint"
FIX_DATA_PINNED: Final = "pinned"
