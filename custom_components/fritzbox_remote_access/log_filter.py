"""Keep the data of our action calls, passwords included, out of Home Assistant core's log.

The ``homeassistant.core`` logger shows call data in the three messages named below. A filter
replaces that data with a marker in records of this integration's calls; nothing is dropped.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Final

from homeassistant.const import EVENT_CALL_SERVICE, EVENT_HOMEASSISTANT_CLOSE
from homeassistant.core import ServiceCall, callback

if TYPE_CHECKING:
    from homeassistant.core import Event, HomeAssistant

CORE_LOGGER: Final = "homeassistant.core"
REDACTED: Final = "**REDACTED**"

# Debug record of every fired event, service calls with their data included.
BUS_HANDLING: Final = "Bus:Handling %s"
# A schema that raises vol.Invalid (ours raise translated errors without the data instead).
INVALID_DATA: Final = "Invalid data for service call %s.%s: %s"
INVALID_DATA_ARGS: Final = 3  # domain, service, data
# A call made without waiting for it failed; the ServiceCall's repr shows the data.
SERVICE_CALL_MESSAGES: Final = ("Error executing service: %s", "Service was cancelled: %s")

# core's _event_repr: the event data's keys in the order core fills them in.
_CALL_EVENT: Final = re.compile(
    rf"<Event {EVENT_CALL_SERVICE}\[.\]: domain=(?P<domain>[^,]*), service=[^,]*, service_data="
)


class ServiceDataRedactor(logging.Filter):
    """Replace the data of ``domain``'s service calls in core's log records."""

    def __init__(self, domain: str) -> None:
        """Redact calls of the integration ``domain``."""
        super().__init__()
        self.domain = domain

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record if it shows our call data; never drop a record."""
        args = record.args
        if not isinstance(args, tuple) or not args:
            return True
        if record.msg == BUS_HANDLING and isinstance(args[0], str):
            match = _CALL_EVENT.match(args[0])
            if match is not None and match["domain"].lower() == self.domain:
                record.args = (f"{match[0]}{REDACTED}>",)
        elif record.msg == INVALID_DATA and len(args) == INVALID_DATA_ARGS:
            if str(args[0]).lower() == self.domain:
                record.args = (args[0], args[1], REDACTED)
        elif record.msg in SERVICE_CALL_MESSAGES and isinstance(args[0], ServiceCall):
            call = args[0]
            if call.domain == self.domain:
                record.args = (
                    f"<ServiceCall {call.domain}.{call.service} (c:{call.context.id}): {REDACTED}>",
                )
        return True


@callback
def async_redact_service_data(hass: HomeAssistant, domain: str) -> None:
    """Filter core's log until Home Assistant closes."""
    redactor = ServiceDataRedactor(domain)
    logger = logging.getLogger(CORE_LOGGER)
    logger.addFilter(redactor)

    @callback
    def _remove(_event: Event) -> None:
        logger.removeFilter(redactor)

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_CLOSE, _remove)
