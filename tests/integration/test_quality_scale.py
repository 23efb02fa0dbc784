"""quality_scale.yaml rates every rule of the Integration Quality Scale, and the README backs it.

The rule list is the one of hassfest (``script/hassfest/quality_scale.py``) as of Home Assistant
2026.10, which every core integration's quality_scale.yaml lists: 54 rules, Bronze to Platinum.
hassfest does not check custom integrations, so these tests do what it would: each rule once,
a valid status, a comment for every exemption and every rule still to do. The documentation
rules are only "done" if the README has what they ask for, and its YAML examples must work:
the actions run against the simulated box and the automations react to it.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json
from pathlib import Path
import re
import textwrap
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import homeassistant
from homeassistant.components.automation.config import async_validate_config_item
from homeassistant.const import (
    EVENT_CALL_SERVICE,
    MAJOR_VERSION,
    MINOR_VERSION,
    SERVICE_TURN_OFF,
)
from homeassistant.core import Context, Event, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.script import Script, async_validate_actions_config
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util, slugify
import pytest
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_fire_time_changed,
)
import yaml

from custom_components.fritzbox_remote_access import (
    binary_sensor,
    sensor,
    services,
    switch,
)
from custom_components.fritzbox_remote_access.const import DOMAIN
from custom_components.fritzbox_remote_access.tr064 import DDNSMode
from devtools.demo_box import DEMO_PASSWORD as DEMO_BOX_PASSWORD
from devtools.develop import DEMO_PASSWORD

from .conftest import DDNS_DOMAIN, PUBLIC_IPV4, PUBLIC_IPV6, TITLE, poll
from .test_confirmation import REMOTE_ACCESS, start_write, turn
from .test_reachability import OTHER_IPV4

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from fritzbox_simulator import FritzBoxSimulator

    from .dns_server import DNSServer

PACKAGE = Path(services.__file__).parent
REPO = PACKAGE.parent.parent
TESTS = Path(__file__).parent
README = REPO / "README.md"

BRONZE = [
    "action-setup",
    "appropriate-polling",
    "brands",
    "common-modules",
    "config-flow",
    "config-flow-test-coverage",
    "dependency-transparency",
    "docs-actions",
    "docs-conditions",
    "docs-high-level-description",
    "docs-installation-instructions",
    "docs-removal-instructions",
    "docs-triggers",
    "entity-event-setup",
    "entity-unique-id",
    "has-entity-name",
    "runtime-data",
    "test-before-configure",
    "test-before-setup",
    "unique-config-entry",
]
SILVER = [
    "action-exceptions",
    "config-entry-unloading",
    "docs-configuration-parameters",
    "docs-installation-parameters",
    "entity-unavailable",
    "integration-owner",
    "log-when-unavailable",
    "parallel-updates",
    "reauthentication-flow",
    "test-coverage",
]
GOLD = [
    "devices",
    "diagnostics",
    "discovery",
    "discovery-update-info",
    "docs-data-update",
    "docs-examples",
    "docs-known-limitations",
    "docs-supported-devices",
    "docs-supported-functions",
    "docs-troubleshooting",
    "docs-use-cases",
    "dynamic-devices",
    "entity-category",
    "entity-device-class",
    "entity-disabled-by-default",
    "entity-translations",
    "exception-translations",
    "icon-translations",
    "reconfiguration-flow",
    "repair-issues",
    "stale-devices",
]
PLATINUM = ["async-dependency", "inject-websession", "strict-typing"]
RULES = [*BRONZE, *SILVER, *GOLD, *PLATINUM]
STATUSES = {"done", "exempt", "todo"}

# What a documentation rule needs in the README, by heading.
DOC_SECTIONS: dict[str, tuple[str, ...]] = {
    "docs-actions": ("## Actions",),
    "docs-data-update": ("### How the data is updated",),
    "docs-examples": ("## Automation examples",),
    "docs-high-level-description": ("# FRITZ!Box Remote Access for Home Assistant",),
    "docs-installation-instructions": ("## Requirements", "## Installation"),
    "docs-installation-parameters": ("## Setup", "### Adding a box by hand"),
    "docs-known-limitations": ("## Known limitations",),
    "docs-removal-instructions": ("## Removal",),
    "docs-supported-devices": ("## Requirements",),
    "docs-supported-functions": ("## Entities", "## Actions"),
    "docs-troubleshooting": ("## Troubleshooting",),
    "docs-use-cases": (
        "## A remote-access switch on your dashboard",
        "## A message when Dynamic DNS breaks",
        "## Automation examples",
    ),
}
# The reference every action field is documented in; the README has the overview.
ACTIONS_DOC = REPO / "docs" / "actions.md"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (PyYAML keeps the last one silently)."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys = [loader.construct_object(key_node) for key_node, _ in node.value]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise yaml.constructor.ConstructorError(None, None, f"keys given twice: {duplicates}")
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def rules() -> dict[str, Any]:
    text = (PACKAGE / "quality_scale.yaml").read_text("utf-8")
    data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    assert list(data) == ["rules"]
    result: dict[str, Any] = data["rules"]
    return result


def status(entry: Any) -> str:
    return str(entry["status"] if isinstance(entry, dict) else entry)


def comment(entry: Any) -> str:
    return str(entry.get("comment") or "") if isinstance(entry, dict) else ""


def readme() -> str:
    return README.read_text("utf-8")


def actions_doc() -> str:
    return ACTIONS_DOC.read_text("utf-8")


def section(text: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = text.index(f"\n{heading}\n")
    ends = [m.start() for m in re.finditer(rf"\n#{{1,{len(level)}}} ", text[start + 1 :])]
    return text[start : start + 1 + ends[0]] if ends else text[start:]


def yaml_blocks(text: str) -> list[Any]:
    """Every fenced YAML block, list items' indented ones included, parsed."""
    pattern = re.compile(r"^( *)```yaml\n(.*?)^\1```$", re.MULTILINE | re.DOTALL)
    return [
        yaml.load(textwrap.dedent(match[2]), Loader=_UniqueKeyLoader)  # noqa: S506
        for match in pattern.finditer(text)
    ]


def automations() -> list[dict[str, Any]]:
    """Every automation the README shows, wherever it stands."""
    return [block for block in yaml_blocks(readme()) if "triggers" in block]


def example_automations() -> list[dict[str, Any]]:
    """The numbered examples under "Automation examples", in order."""
    text = section(readme(), "## Automation examples")
    return [block for block in yaml_blocks(text) if "triggers" in block]


def action_examples() -> list[dict[str, Any]]:
    """Every action call in the README and in the action reference."""
    return [block for block in yaml_blocks(readme() + actions_doc()) if "action" in block]


# --- the file ---------------------------------------------------------------------------------


def test_every_rule_once_in_tier_order() -> None:
    """All 54 rules, none twice (the loader refuses that), none unknown, Bronze to Platinum."""
    assert len(RULES) == len(set(RULES)) == 54
    assert list(rules()) == RULES


def test_statuses_and_comments() -> None:
    """done, exempt or todo; an exemption and a rule to do say why."""
    for rule, entry in rules().items():
        if isinstance(entry, dict):
            assert set(entry) <= {"status", "comment"}, rule
            assert "comment" not in entry or isinstance(entry["comment"], str), rule
        else:
            assert isinstance(entry, str), rule
        assert status(entry) in STATUSES, rule
        if status(entry) != "done":
            assert isinstance(entry, dict), rule
            assert len(comment(entry).split()) >= 5, rule


def test_rule_list_is_home_assistants() -> None:
    """Core's own quality_scale.yaml files know no rule we miss; on 2026.10 the same ones."""
    core = Path(homeassistant.__file__).parent / "components"
    known: set[str] = set()
    for path in core.glob("*/quality_scale.yaml"):
        known |= set(re.findall(r"^  ([a-z][a-z-]*):", path.read_text("utf-8"), re.MULTILINE))
    if not known:
        pytest.skip("this Home Assistant installation ships no quality_scale.yaml files")
    assert known <= set(RULES)
    if (MAJOR_VERSION, MINOR_VERSION) >= (2026, 10):
        assert known == set(RULES)


def test_named_tests_exist() -> None:
    """A comment that points at a test points at one that exists."""
    for rule, entry in rules().items():
        for module, name in re.findall(r"(test_\w+\.py)::(test_\w+)", comment(entry)):
            assert f"def {name}(" in (TESTS / module).read_text("utf-8"), (rule, module, name)


def test_parallel_updates_declared() -> None:
    """Declared everywhere; switch writes are serialised per box by the write gate instead."""
    assert status(rules()["parallel-updates"]) == "done"
    assert (switch.PARALLEL_UPDATES, sensor.PARALLEL_UPDATES, binary_sensor.PARALLEL_UPDATES) == (
        0,
        0,
        0,
    )


# --- the README backs the documentation rules -------------------------------------------------


def test_documentation_rules_have_their_sections() -> None:
    """Each documentation rule marked done has its section in the README."""
    text = "\n" + readme()
    for rule, entry in rules().items():
        if rule.startswith("docs-") and status(entry) == "done":
            assert rule in DOC_SECTIONS, f"{rule}: say which README section backs it"
            for heading in DOC_SECTIONS[rule]:
                assert f"\n{heading}\n" in text, (rule, heading)


def test_readme_serves_the_user_first() -> None:
    """What it is, whether it fits and how to install it come first; developer matter at the end."""
    text = readme()
    assert text.startswith("# FRITZ!Box Remote Access for Home Assistant\n")
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings[:3] == ["Requirements", "Installation", "Setup"]
    assert headings.index("Development") > headings.index("Removal")
    first_screen = text[: text.index("\n## Setup\n")]
    for word in ("Dynamic DNS", "Let's Encrypt", "Remote access"):
        assert word in first_screen.split("\n## Requirements\n")[0], word
    for developer_matter in ("scripts/", ".ha-config", "Ctrl-C", "demo", "pytest"):
        assert developer_matter not in first_screen, developer_matter
    assert DEMO_PASSWORD not in text
    assert DEMO_BOX_PASSWORD not in text
    development = section(text, "## Development")
    assert "scripts/develop" in development
    assert "scripts/test" in development
    assert "/CONTRIBUTING.md)" in development


def test_readme_imports_every_blueprint() -> None:
    """Each blueprint has its "My Home Assistant" import link in the README."""
    home = json.loads((PACKAGE / "manifest.json").read_text("utf-8"))["documentation"]
    raw = home.replace("github.com", "raw.githubusercontent.com") + "/main/"
    folder = REPO / "blueprints" / "automation" / DOMAIN
    blueprints = sorted(folder.glob("*.yaml"))
    assert blueprints
    for path in blueprints:
        source = quote(raw + str(path.relative_to(REPO)), safe="")
        link = f"https://my.home-assistant.io/redirect/blueprint_import/?blueprint_url={source}"
        assert f"]({link})" in readme(), path.name


def test_readme_links_work_in_hacs() -> None:
    """HACS renders the README away from the repository: links and pictures are absolute."""
    home = json.loads((PACKAGE / "manifest.json").read_text("utf-8"))["documentation"]
    for target in re.findall(r"\]\(([^)]+)\)", readme()):
        assert target.startswith(("https://", "#")), target
        if target.startswith(f"{home}/blob/main/"):
            assert (REPO / target.removeprefix(f"{home}/blob/main/")).exists(), target
        raw = home.replace("github.com", "raw.githubusercontent.com") + "/main/"
        if target.startswith(raw):
            assert (REPO / target.removeprefix(raw)).exists(), target


def test_every_action_and_field_documented() -> None:
    """The README lists every action; docs/actions.md has each one's fields and an example."""
    spec = yaml.safe_load((PACKAGE / "services.yaml").read_text("utf-8"))
    overview = section(readme(), "## Actions")
    called = {block["action"] for block in action_examples()}
    for service, service_spec in spec.items():
        assert f"`{DOMAIN}.{service}`" in overview, service
        text = section(actions_doc(), f"## `{DOMAIN}.{service}`")
        for field in service_spec["fields"]:
            assert f"`{field}`" in text, (service, field)
        assert f"{DOMAIN}.{service}" in called, service


def test_every_entity_documented() -> None:
    """Names, English entity IDs and every enum state appear in the entities section."""
    text = section(readme(), "## Entities")
    device = slugify(TITLE)
    en = json.loads((PACKAGE / "translations" / "en.json").read_text("utf-8"))["entity"]
    for platform, descriptions in (
        ("binary_sensor", binary_sensor.BINARY_SENSORS),
        ("sensor", sensor.SENSORS),
        ("switch", switch.SWITCHES),
    ):
        for description in descriptions:
            name = en[platform][description.key]["name"]
            assert name in text, name
            assert f"`{platform}.{device}_{slugify(name)}`" in text, name
            if description.entity_registry_enabled_default is False:
                row = next(line for line in text.splitlines() if line.startswith(f"| {name} ("))
                assert "disabled by default" in row, name
            for option in getattr(description, "options", None) or ():
                assert f"`{option}`" in text, (name, option)


def test_ddns_problem_rule_documented() -> None:
    """The README states the rule of the problem sensor with the statuses the code uses."""
    text = section(readme(), "## Entities")
    for problem in binary_sensor.PROBLEM_STATUSES:
        assert f"`{problem.value}`" in text.split("**Dynamic DNS problem** is")[1]


def test_yaml_examples_parse() -> None:
    """At least three automations, and an example per action; all of it plain YAML."""
    assert len(example_automations()) >= 3
    spec = yaml.safe_load((PACKAGE / "services.yaml").read_text("utf-8"))
    assert len(action_examples()) >= len(spec)


async def test_automation_examples_are_valid(hass: HomeAssistant) -> None:
    """Home Assistant's own automation validation accepts every example as written."""
    for config in automations():
        assert await async_validate_config_item(hass, "readme", config) is not None, config


@pytest.mark.parametrize("index", range(len(action_examples())))
async def test_action_examples_run(
    hass: HomeAssistant, box: FritzBoxSimulator, init_integration: MockConfigEntry, index: int
) -> None:
    """Each action example, template and all, runs against the simulated box as it stands."""
    step = action_examples()[index]
    sequence = await async_validate_actions_config(hass, cv.SCRIPT_SCHEMA([step]))
    script = Script(hass, sequence, "README example", DOMAIN)
    result = await script.async_run(context=Context())
    await hass.async_block_till_done()

    data = step["data"]
    match step["action"].removeprefix(f"{DOMAIN}."):
        case services.SERVICE_SET_DDNS_CONFIG:
            ddns = box.state.ddns
            assert ddns.enabled is data["enabled"]
            assert ddns.password == data["password"]
            for field in ("domain", "update_url"):
                if field in data:
                    assert getattr(ddns, field) == data[field]
            if "mode" in data:
                assert DDNSMode.from_box(ddns.mode) == data["mode"]
        case services.SERVICE_GET_DDNS_PROVIDERS:
            assert result is not None
            listed = result.variables[step["response_variable"]]["providers"]
            sample = yaml_blocks(section(actions_doc(), f"## `{step['action']}`"))[-1]["providers"]
            # The README's sample is a shortened list in the box's order, with the box's data.
            assert [entry for entry in listed if entry in sample] == sample
        case services.SERVICE_SET_REMOTE_ACCESS_USER:
            user = data.get("username", box.state.remote_access_username)
            assert box.state.users[user].password == data["password"]
            assert box.state.remote_access_username == user


async def test_automation_examples_react(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The three examples: DDNS account disabled, remote access at night, invalid certificate."""
    assert await async_setup_component(hass, "persistent_notification", {})
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)

    def notifications() -> list[dict[str, Any]]:
        return [
            call.data["service_data"]
            for call in calls
            if (call.data["domain"], call.data["service"]) == ("persistent_notification", "create")
        ]

    examples = example_automations()[:3]
    assert await async_setup_component(hass, "automation", {"automation": examples})
    await hass.async_block_till_done()
    for config in examples:
        entity_id = f"automation.{slugify(config['alias'])}"
        assert hass.states.get(entity_id).state == "on", entity_id

    # 1: the box writes account-disabled; the sensor says account_disabled.
    box.state.ddns.status_ipv4 = "account-disabled"
    await poll(hass, freezer)
    assert len(notifications()) == 1
    assert "Account disabled" in notifications()[0]["message"]

    # 3: the certificate turns invalid.
    box.state.lets_encrypt_state = "invalid"
    await poll(hass, freezer)
    assert len(notifications()) == 2
    assert notifications()[1]["message"].endswith("is Invalid.")

    # 2: off at 23:00, on again at 07:00.
    assert box.state.remote_access_enabled is True
    for hour, enabled in ((23, False), (7, True)):
        now = dt_util.now()
        moment = now.replace(hour=hour, minute=0, second=0, microsecond=0)
        if moment <= now:
            moment += timedelta(days=1)
        freezer.move_to(moment)
        async_fire_time_changed(hass, moment)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert box.state.remote_access_enabled is enabled, hour

    # Switched off, the automations leave no time triggers behind.
    await hass.services.async_call("automation", "turn_off", {"entity_id": "all"}, blocking=True)


@pytest.mark.parametrize("box_config", [{"confirm": True}])
async def test_confirmation_example_reacts(
    hass: HomeAssistant, box: FritzBoxSimulator, init_integration: MockConfigEntry
) -> None:
    """The README's confirmation automation passes the box's instruction on while it waits."""
    assert await async_setup_component(hass, "persistent_notification", {})
    (config,) = [
        block
        for block in yaml_blocks(section(readme(), "## Confirmation on the box"))
        if "triggers" in block
    ]
    assert await async_setup_component(hass, "automation", {"automation": [config]})

    created: list[dict[str, Any]] = []
    passed_on = asyncio.Event()

    @callback
    def listen(event: Event) -> None:
        if (event.data["domain"], event.data["service"]) == ("persistent_notification", "create"):
            created.append(event.data["service_data"])
            passed_on.set()

    hass.bus.async_listen(EVENT_CALL_SERVICE, listen)
    # Not async_block_till_done: it would wait for the write, which waits for the button.
    task, _ = await start_write(hass, turn(hass, SERVICE_TURN_OFF, REMOTE_ACCESS))
    async with asyncio.timeout(10):
        await passed_on.wait()
    assert [message["title"] for message in created] == [f"Confirm on {TITLE}"]
    assert "Press any button on the FRITZ!Box." in created[0]["message"]
    assert box.state.remote_access_enabled is True

    assert box.press_button()
    await task
    assert box.state.remote_access_enabled is False


async def test_dns_example_reacts(
    hass: HomeAssistant,
    box: FritzBoxSimulator,
    dns_server: DNSServer,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The DNS example speaks up once the name has pointed elsewhere for ten minutes."""
    assert await async_setup_component(hass, "persistent_notification", {})
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    config = example_automations()[3]
    assert await async_setup_component(hass, "automation", {"automation": [config]})
    await hass.async_block_till_done(wait_background_tasks=True)

    dns_server.zone.set(DDNS_DOMAIN, a=[OTHER_IPV4], aaaa=[PUBLIC_IPV6])
    for _ in range(20):  # the next check within 5 minutes, then 10 minutes of "on"
        await poll(hass, freezer, 60)
        await hass.async_block_till_done(wait_background_tasks=True)
    messages = [
        call.data["service_data"]["message"]
        for call in calls
        if (call.data["domain"], call.data["service"]) == ("persistent_notification", "create")
    ]
    assert messages == [
        f"{DDNS_DOMAIN} points elsewhere (mismatch): DNS answers {OTHER_IPV4}, {PUBLIC_IPV6};"
        f" the box has {PUBLIC_IPV4} and {PUBLIC_IPV6}."
    ]
