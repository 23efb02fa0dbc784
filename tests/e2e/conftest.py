"""Browser tests: a real ``hass``, the demo box and Debian's chromium, each on its own process.

Home Assistant and the simulated box run as child processes on free 127.0.0.1 ports (see the
``devtools`` package, which scripts/develop uses too); Playwright drives
``/usr/bin/chromium`` headless, never a downloaded browser. All of it is shared by the tests of
a module, which run in order like one user's session.

The Home Assistant test plugin blocks sockets before every test; the fixtures lift the block for
this process (``enable_socket``) when they start things, and every test does through
``socket_enabled``. Nothing listens in this process, so the block cannot bite between tests.

Screenshots land in artifacts/e2e/ (git-ignored), the logs of Home Assistant and the box in a
folder per test module there. Home Assistant's configuration lives in a temporary folder of the
run, so that two runs at the same time (two terminals, say) do not meet.
``FRA_UPDATE_SCREENSHOTS=1`` also refreshes the README's pictures in docs/images/.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
import pytest
import pytest_socket

from devtools.demo_box import DemoBox
from devtools.develop import DEMO_NAME, DEMO_PASSWORD, DEMO_USER
from devtools.hass_process import running_hass

REPO = Path(__file__).resolve().parents[2]

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    from _pytest.nodes import Item
    from _pytest.reports import TestReport

    from devtools.hass_api import HassClient
    from devtools.hass_process import HassProcess

ARTIFACTS = REPO / "artifacts" / "e2e"
DOCS_IMAGES = REPO / "docs" / "images"
CHROMIUM = Path(os.environ.get("FRA_CHROMIUM", "/usr/bin/chromium"))
# Debian's chromium as root on a machine without outside network: no sandbox, no GPU, and none
# of the background connections it would try at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The README's pictures are taken at this size, at one device pixel per CSS pixel.
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """artifacts/e2e/, without the screenshots of an earlier run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink(missing_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def logs(artifacts: Path, request: pytest.FixtureRequest) -> Path:
    """artifacts/e2e/<test module>/: the logs of that module's Home Assistant and box."""
    folder = artifacts / str(request.module.__name__).rpartition(".")[2]
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def box(logs: Path, request: pytest.FixtureRequest) -> Iterator[DemoBox]:
    """The simulated box on a free port; it wants confirmations if the module sets BOX_CONFIRM."""
    pytest_socket.enable_socket()
    confirm = getattr(request.module, "BOX_CONFIRM", False)
    with (
        (logs / "box.log").open("wb") as log,
        DemoBox(port=0, confirm=confirm, stderr=log) as demo_box,
    ):
        yield demo_box


@pytest.fixture(scope="module")
def hass_process(
    logs: Path, box: DemoBox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HassProcess]:
    """A real Home Assistant with a new configuration on a free port; DNS from the box."""
    pytest_socket.enable_socket()
    config_dir = tmp_path_factory.mktemp("ha-config")
    with running_hass(config_dir, logs, box.info["nameserver"]) as process:
        yield process


@pytest.fixture(scope="module")
def hass(hass_process: HassProcess) -> HassClient:
    """Its REST API, onboarded with the demo user and started."""
    pytest_socket.enable_socket()
    client = hass_process.client()
    client.onboard(DEMO_NAME, DEMO_USER, DEMO_PASSWORD)
    client.wait_until_started()
    return client


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian chromium, with a new temporary profile."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: scripts/setup installs Debian's chromium "
            "(or skip these tests: scripts/test --no-e2e)"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    """One tab for the whole module: the tests are the steps of one user's visit."""
    context = browser.new_context(
        viewport=VIEWPORT, device_scale_factor=1, locale="en-US", timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture(autouse=True)
def _sockets_for_loopback(socket_enabled: None) -> None:
    """Let the test body reach Home Assistant's REST API on 127.0.0.1."""


# The Home Assistant test plugin's autouse fixtures below need an asyncio loop of their own in
# this thread, but Playwright's sync API keeps its loop marked as running here between calls.
# What they configure or check (the loop, lingering tasks, timers and threads of an in-process
# Home Assistant) does not exist in these tests: Home Assistant runs in a process of its own.


@pytest.fixture(autouse=True)
def configure_event_loop() -> None:
    """Replace the plugin's fixture: no in-process Home Assistant loop to configure."""


@pytest.fixture(autouse=True)
def enable_event_loop_debug() -> None:
    """Replace the plugin's fixture: no in-process Home Assistant loop to debug."""


@pytest.fixture(autouse=True)
def verify_cleanup() -> None:
    """Replace the plugin's fixture: no in-process tasks, timers or threads to check."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: Item) -> Generator[None, TestReport, TestReport]:
    """Keep each phase's report on the test, for ``_screenshot_on_failure``."""
    report: TestReport = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _screenshot_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """Keep what the browser showed when a test failed."""
    yield
    report: Any = getattr(request.node, "report_call", None)
    if report is not None and report.failed and "page" in request.fixturenames:
        tab: Page = request.getfixturevalue("page")
        tab.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"))
