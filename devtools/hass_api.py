"""Talking to a running Home Assistant over its REST API, as the frontend and scripts do.

Synchronous on purpose (urllib): the browser tests call it between Playwright's sync calls,
where no asyncio loop of our own may run.
"""

from __future__ import annotations

import json
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

DOMAIN = "fritzbox_remote_access"


class HassApiError(RuntimeError):
    """Home Assistant did not answer as expected."""


class HassClient:
    """One Home Assistant's REST API at ``url``, with the owner's token once logged in."""

    def __init__(self, url: str) -> None:
        """Talk to the Home Assistant at ``url`` (for example ``http://127.0.0.1:8123``)."""
        self.url = url.rstrip("/")
        self.client_id = f"{self.url}/"
        self.access_token: str | None = None

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        form: dict[str, str] | None = None,
        auth: bool = True,
        timeout: float = 30.0,
    ) -> Any:
        """Call Home Assistant; JSON in, JSON out. HTTP errors raise ``HassApiError``."""
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if auth:
            if self.access_token is None:
                raise HassApiError("not logged in")
            headers["Authorization"] = f"Bearer {self.access_token}"
        request = urllib.request.Request(  # noqa: S310  # always our http:// URL
            self.url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode(errors="replace")[:500]
            raise HassApiError(f"{method} {path}: HTTP {err.code} {detail}") from err
        return json.loads(payload) if payload else None

    def wait_until_started(self, timeout: float = 240.0) -> None:
        """Wait until Home Assistant reports it has finished starting (needs a token)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.config()["state"] == "RUNNING":
                return
            time.sleep(0.5)
        raise HassApiError(f"Home Assistant did not finish starting within {timeout:.0f} s")

    def config(self) -> dict[str, Any]:
        """Home Assistant's core configuration, with its ``version`` and ``state``."""
        config: dict[str, Any] = self.request("GET", "/api/config")
        return config

    # -- onboarding and login -----------------------------------------------------------------

    def _take_tokens(self, code: str) -> None:
        tokens = self.request(
            "POST",
            "/auth/token",
            form={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
            auth=False,
        )
        self.access_token = tokens["access_token"]

    def onboarding_steps(self) -> dict[str, bool]:
        """Onboarding steps and whether each is done (empty once onboarding is complete)."""
        try:
            steps = self.request("GET", "/api/onboarding", auth=False)
        except HassApiError as err:
            if "HTTP 404" in str(err):  # onboarding finished before this start
                return {}
            raise
        return {step["step"]: step["done"] for step in steps}

    def onboard(self, name: str, username: str, password: str) -> None:
        """Complete onboarding (or log in, if done before); afterwards we hold a token."""
        steps = self.onboarding_steps()
        if not steps.get("user", True):
            answer = self.request(
                "POST",
                "/api/onboarding/users",
                {
                    "client_id": self.client_id,
                    "name": name,
                    "username": username,
                    "password": password,
                    "language": "en",
                },
                auth=False,
            )
            self._take_tokens(answer["auth_code"])
        else:
            self.login(username, password)
        for step in ("core_config", "analytics"):
            if not steps.get(step, True):
                self.request("POST", f"/api/onboarding/{step}", {})
        if not steps.get("integration", True):
            self.request(
                "POST",
                "/api/onboarding/integration",
                {"client_id": self.client_id, "redirect_uri": f"{self.url}/?auth_callback=1"},
            )

    def login(self, username: str, password: str) -> None:
        """Log in through the login flow, as the login page does."""
        flow = self.request(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.url}/?auth_callback=1",
            },
            auth=False,
        )
        result = self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": self.client_id, "username": username, "password": password},
            auth=False,
        )
        if result.get("type") != "create_entry":
            raise HassApiError(f"login as {username!r} failed: {result.get('errors')}")
        self._take_tokens(result["result"])

    # -- the integration ----------------------------------------------------------------------

    def config_entries(self) -> list[dict[str, Any]]:
        """Return the integration's config entries."""
        entries: list[dict[str, Any]] = self.request(
            "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        return entries

    def add_box(self, host: str, port: int, username: str, password: str) -> dict[str, Any]:
        """Run the integration's config flow as the UI would; return its last answer."""
        flow = self.request(
            "POST",
            "/api/config/config_entries/flow",
            {"handler": DOMAIN, "show_advanced_options": False},
        )
        result: dict[str, Any] = self.request(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            {
                "host": host,
                "port": port,
                "use_tls": False,
                "username": username,
                "password": password,
            },
        )
        return result

    def states(self) -> list[dict[str, Any]]:
        """Return every entity's current state object."""
        states: list[dict[str, Any]] = self.request("GET", "/api/states")
        return states

    def entity_id_named(self, domain: str, name: str) -> str:
        """Return the ``domain`` entity whose friendly name ends with the entity ``name``."""
        for state in self.states():
            entity_id = str(state["entity_id"])
            friendly_name = str(state["attributes"].get("friendly_name", ""))
            if entity_id.startswith(f"{domain}.") and friendly_name.endswith(f" {name}"):
                return entity_id
        raise HassApiError(f"no {domain} entity named {name!r}")

    def state(self, entity_id: str) -> dict[str, Any]:
        """Return an entity's current state object."""
        state: dict[str, Any] = self.request("GET", f"/api/states/{entity_id}")
        return state

    def call_service(
        self, domain: str, service: str, data: dict[str, Any], *, response: bool = False
    ) -> Any:
        """Call a service (an action) and wait for it; with ``response``, return its answer."""
        path = f"/api/services/{domain}/{service}"
        answer = self.request("POST", path + ("?return_response" if response else ""), data)
        return answer["service_response"] if response else None
