"""The newest Home Assistant release, which has no test harness yet: a real ``hass`` instead.

These tests run in their own venv (.venv-newest, ``FRA_LEG=newest``), where
pytest-homeassistant-custom-component is not installed. Where it is, the same ground is covered
by tests/integration and tests/e2e, so they are skipped there.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from devtools.demo_box import DemoBox
from devtools.develop import DEMO_NAME, DEMO_PASSWORD, DEMO_USER
from devtools.hass_process import running_hass

if TYPE_CHECKING:
    from collections.abc import Iterator

    from devtools.hass_api import HassClient
    from devtools.hass_process import HassProcess

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "newest"

HARNESS = find_spec("pytest_homeassistant_custom_component") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip this folder on the legs with a test harness (see the module docstring)."""
    if not HARNESS:
        return
    skip = pytest.mark.skip(reason="the newest-release leg: FRA_LEG=newest scripts/run pytest")
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def artifacts() -> Path:
    """artifacts/newest/: the logs of Home Assistant and the box."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def box(artifacts: Path) -> Iterator[DemoBox]:
    """The simulated FRITZ!Box, on a free port."""
    with (artifacts / "box.log").open("wb") as log, DemoBox(port=0, stderr=log) as demo_box:
        yield demo_box


@pytest.fixture(scope="module")
def hass_process(
    artifacts: Path, box: DemoBox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HassProcess]:
    """A real Home Assistant with a new configuration on a free port; DNS from the box."""
    config_dir = tmp_path_factory.mktemp("ha-config")
    with running_hass(config_dir, artifacts, box.info["nameserver"]) as process:
        yield process


@pytest.fixture(scope="module")
def hass(hass_process: HassProcess) -> HassClient:
    """Its REST API, onboarded with the demo user and started."""
    client = hass_process.client()
    client.onboard(DEMO_NAME, DEMO_USER, DEMO_PASSWORD)
    client.wait_until_started()
    return client
