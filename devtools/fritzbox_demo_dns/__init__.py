"""Development only: the integration's DNS check asks the demo box's DNS server.

devtools/hass_process.py links this folder into the configuration of the demo and of the
browser and newest-release tests as custom_components/fritzbox_demo_dns and loads it from
configuration.yaml (``fritzbox_demo_dns: !include demo-dns.yaml``, the file holding
``nameserver: 127.0.0.1:<port>``). It points ``reachability.resolver_factory`` at that server,
so no query leaves the machine; the integration itself is unchanged.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import aiodns
from homeassistant.config_entries import ConfigEntryState

from custom_components.fritzbox_remote_access import reachability
from custom_components.fritzbox_remote_access.const import DOMAIN as INTEGRATION

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

DOMAIN = "fritzbox_demo_dns"
CONF_NAMESERVER = "nameserver"

_LOGGER = logging.getLogger(__name__)


def _nameserver(config: ConfigType) -> str | None:
    """``host:port`` of the demo's DNS server from this integration's YAML, if on loopback."""
    section: Any = config.get(DOMAIN)
    nameserver = section.get(CONF_NAMESERVER) if isinstance(section, dict) else None
    if isinstance(nameserver, str) and nameserver.startswith("127."):
        return nameserver
    return None


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Point the DNS check at the demo's DNS server."""
    if (nameserver := _nameserver(config)) is None:
        _LOGGER.error("%s: '%s' must be a loopback host:port", DOMAIN, CONF_NAMESERVER)
        return False

    def resolver_factory() -> aiodns.DNSResolver:
        return aiodns.DNSResolver(
            nameservers=[nameserver],
            timeout=reachability.DNS_TIMEOUT,
            tries=reachability.DNS_TRIES,
        )

    reachability.resolver_factory = resolver_factory
    # Both are set up side by side at start; an entry that got ahead may have asked the
    # machine's resolver already, so it is reloaded (and the tests look for this warning).
    for entry in hass.config_entries.async_entries(INTEGRATION):
        if entry.state is not ConfigEntryState.NOT_LOADED:
            _LOGGER.warning("%s was set up before the demo's DNS server was in place", entry.title)
            hass.config_entries.async_schedule_reload(entry.entry_id)
    _LOGGER.info("DNS check of %s asks %s", INTEGRATION, nameserver)
    return True
