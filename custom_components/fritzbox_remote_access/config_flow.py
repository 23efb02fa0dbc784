"""Config flow: set up a box by hand or from SSDP, re-authenticate and reconfigure it."""

from __future__ import annotations

from ipaddress import ip_address
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.service_info.ssdp import (
    ATTR_UPNP_FRIENDLY_NAME,
    ATTR_UPNP_MODEL_NAME,
    ATTR_UPNP_UDN,
    SsdpServiceInfo,
)
from yarl import URL

from .const import CONF_FINGERPRINT, CONF_USE_TLS, DEFAULT_HOST, DEFAULT_NAME, DOMAIN, LOGGER
from .errors import FLOW_UNKNOWN_ERROR, flow_error
from .tr064 import (
    DEFAULT_PORT,
    DEFAULT_TLS_PORT,
    PORT_MAX,
    PORT_MIN,
    FritzBoxRemoteAccess,
    TR064Error,
    fetch_udn,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    import probatio as vol
else:
    # Home Assistant 2026.10 aliases voluptuous to probatio; older releases ship voluptuous.
    import voluptuous as vol

# SSDP search target of the TR-064 root device; its USN carries the UDN we use as unique ID.
ST_TR064 = "urn:dslforum-org:device:InternetGatewayDevice:1"

_PORT_SELECTOR = NumberSelector(
    NumberSelectorConfig(min=PORT_MIN, max=PORT_MAX, step=1, mode=NumberSelectorMode.BOX)
)
_USERNAME_SELECTOR = TextSelector(TextSelectorConfig(autocomplete="username"))
_PASSWORD_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)

CREDENTIALS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_USERNAME): _USERNAME_SELECTOR,
        vol.Required(CONF_PASSWORD): _PASSWORD_SELECTOR,
    }
)
CONNECTION_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): TextSelector(),
        vol.Optional(CONF_PORT): _PORT_SELECTOR,
        vol.Required(CONF_USE_TLS, default=False): BooleanSelector(),
    }
)
USER_SCHEMA = CONNECTION_SCHEMA.extend(CREDENTIALS_SCHEMA.schema)


def default_port(use_tls: bool) -> int:
    """TR-064 listens on 49000, and on 49443 for HTTPS."""
    return DEFAULT_TLS_PORT if use_tls else DEFAULT_PORT


def _connection(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Host, port and TLS as stored in the entry; an empty port means the default one."""
    use_tls = bool(user_input.get(CONF_USE_TLS, False))
    port = user_input.get(CONF_PORT)
    return {
        CONF_HOST: str(user_input[CONF_HOST]).strip(),
        CONF_PORT: int(port) if port else default_port(use_tls),
        CONF_USE_TLS: use_tls,
    }


class FritzRemoteAccessConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up one FRITZ!Box, identified by its root device UDN."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start with nothing known about the box."""
        self._connection: dict[str, Any] = {}
        self._model = DEFAULT_NAME

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for address and credentials."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {
                **_connection(user_input),
                CONF_USERNAME: user_input[CONF_USERNAME],
                CONF_PASSWORD: user_input[CONF_PASSWORD],
            }
            if not (error := await self._async_check_box(data)):
                return self.async_create_entry(title=self._model, data=data)
            errors["base"] = error
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                USER_SCHEMA, user_input or {CONF_HOST: DEFAULT_HOST}
            ),
            errors=errors,
        )

    async def async_step_ssdp(self, discovery_info: SsdpServiceInfo) -> ConfigFlowResult:
        """Recognise a box by its UDN before anyone types a password."""
        location = URL(discovery_info.ssdp_location or "")
        if not (host := location.host):
            return self.async_abort(reason="no_host")
        try:
            if ip_address(host).is_link_local:
                return self.async_abort(reason="ignore_link_local")
        except ValueError:
            pass  # a host name
        port = location.port or DEFAULT_PORT

        udn: str | None = None
        if discovery_info.ssdp_st == ST_TR064:
            # USN is "uuid:<udn>::<search target>".
            usn_udn = discovery_info.ssdp_usn.partition("::")[0]
            udn = (
                discovery_info.ssdp_udn
                or discovery_info.upnp.get(ATTR_UPNP_UDN)
                or (usn_udn if usn_udn.startswith("uuid:") else None)
            )
        if not udn:
            # Other devices of the box (e.g. the one HA's own FRITZ!Box integrations find)
            # have UDNs of their own; the TR-064 description tells the root device's.
            try:
                udn = await fetch_udn(async_get_clientsession(self.hass), host, port=port)
            except TR064Error as err:
                LOGGER.debug("Discovered box at %s has no TR-064 description: %s", host, err)
                return self.async_abort(reason="cannot_connect")

        entry = await self.async_set_unique_id(udn)
        if entry is not None:
            updates: dict[str, Any] = {CONF_HOST: host}
            if not entry.data.get(CONF_USE_TLS):
                # SSDP announces the plain TR-064 port; a TLS entry keeps its own.
                updates[CONF_PORT] = port
            self._abort_if_unique_id_configured(updates=updates)

        self._connection = {CONF_HOST: host, CONF_PORT: port, CONF_USE_TLS: False}
        self._model = (
            discovery_info.upnp.get(ATTR_UPNP_MODEL_NAME)
            or discovery_info.upnp.get(ATTR_UPNP_FRIENDLY_NAME)
            or DEFAULT_NAME
        )
        self.context["title_placeholders"] = {"name": self._model}
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask a discovered box's credentials."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**self._connection, **user_input}
            if not (error := await self._async_check_box(data)):
                return self.async_create_entry(title=self._model, data=data)
            errors["base"] = error
        return self.async_show_form(
            step_id="confirm",
            data_schema=self.add_suggested_values_to_schema(CREDENTIALS_SCHEMA, user_input),
            description_placeholders={
                "name": self._model,
                "host": self._connection[CONF_HOST],
            },
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start re-authentication after the box rejected the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask new credentials for the same box."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            if not (error := await self._async_check_box({**entry.data, **user_input})):
                return self.async_update_reload_and_abort(entry, data_updates=user_input)
            errors["base"] = error
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(
                CREDENTIALS_SCHEMA, {CONF_USERNAME: entry.data[CONF_USERNAME]}
            ),
            description_placeholders={"name": entry.title, "host": entry.data[CONF_HOST]},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change address, port or TLS of the same box; TLS pins the certificate seen now."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            connection = _connection(user_input)
            data = {**entry.data, **connection, CONF_FINGERPRINT: None}
            if not (error := await self._async_check_box(data)):
                return self.async_update_reload_and_abort(
                    entry, data_updates={**connection, CONF_FINGERPRINT: data[CONF_FINGERPRINT]}
                )
            errors["base"] = error
        else:
            user_input = {
                CONF_HOST: entry.data[CONF_HOST],
                CONF_USE_TLS: entry.data.get(CONF_USE_TLS, False),
            }
            # Only show a port that differs from the default, so switching TLS just works.
            if entry.data[CONF_PORT] != default_port(user_input[CONF_USE_TLS]):
                user_input[CONF_PORT] = entry.data[CONF_PORT]
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(CONNECTION_SCHEMA, user_input),
            description_placeholders={"name": entry.title},
            errors=errors,
        )

    async def _async_check_box(self, data: dict[str, Any]) -> str | None:
        """Identify the box, log in and read GetInfo; return an error key or None.

        Aborts for a box configured already, or another box than the entry's. On success
        ``data`` gets the fingerprint to pin and ``self._model`` the box's model name.
        """
        use_tls: bool = data[CONF_USE_TLS]
        try:
            client = FritzBoxRemoteAccess(
                async_get_clientsession(self.hass),
                data[CONF_HOST],
                username=data[CONF_USERNAME],
                password=data[CONF_PASSWORD],
                port=data[CONF_PORT],
                use_tls=use_tls,
                fingerprint=data.get(CONF_FINGERPRINT),
            )
        except ValueError:
            return "invalid_auth"  # a ':' in the username can never log in (HTTP digest)
        try:
            await client.connect()
        except TR064Error as err:
            return self._error(err)

        await self.async_set_unique_id(client.udn, raise_on_progress=False)
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            self._abort_if_unique_id_mismatch(reason="wrong_device")
        else:
            self._abort_if_unique_id_configured()

        try:
            device = await client.get_device_info()
            await client.get_info()
        except TR064Error as err:
            return self._error(err)
        self._model = device.model or DEFAULT_NAME
        data[CONF_FINGERPRINT] = client.certificate_fingerprint if use_tls else None
        return None

    def _error(self, err: TR064Error) -> str:
        error = flow_error(err)
        if error == FLOW_UNKNOWN_ERROR:
            LOGGER.exception("Unexpected answer from the box")
        else:
            LOGGER.debug("Box check failed: %s", err)
        return error
