"""The translations hold exactly the keys the code uses, in English and in German alike.

Keys are collected from the code itself: config flow steps and their schemas, error and abort
keys, entity descriptions and their options, ``translation_key=`` of raised errors, the error
mapping, repair issue ids and their fix flows. A key the code uses but the files lack fails,
and so does a key in the files that nothing uses.
"""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path
import re
import string
from typing import TYPE_CHECKING, Any

from homeassistant.helpers.service import async_get_all_descriptions
import pytest
import yaml

from custom_components.fritzbox_remote_access import (
    binary_sensor,
    config_flow,
    confirmation,
    const,
    errors,
    repairs,
    sensor,
    services,
    switch,
)
from custom_components.fritzbox_remote_access.tr064 import (
    TR064ActionFailedError,
    TR064AuthenticationError,
    TR064CertificateMismatchError,
    TR064ConnectionError,
    TR064Error,
    TR064InvalidArgumentError,
    TR064LoginBlockedError,
    TR064MalformedResponseError,
    TR064PermissionError,
    TR064UnsupportedError,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

PACKAGE = Path(config_flow.__file__).parent
LANGUAGES = ("en", "de")


def load(language: str) -> dict[str, Any]:
    return json.loads((PACKAGE / "translations" / f"{language}.json").read_text("utf-8"))


def leaves(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(leaves(value, f"{path}."))
        else:
            out[path] = value
    return out


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def source_tree(module: Any) -> ast.Module:
    return ast.parse(Path(module.__file__).read_text("utf-8"))


def keyword_constants(tree: ast.AST, keyword: str) -> set[str]:
    """String literals passed as ``keyword=`` anywhere in ``tree``."""
    return {
        kw.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg == keyword and isinstance(kw.value, ast.Constant)
        if isinstance(kw.value.value, str)
    }


def _config_keys() -> set[str]:
    tree = source_tree(config_flow)
    source = Path(config_flow.__file__).read_text("utf-8")
    keys: set[str] = set()
    if "title_placeholders" in source:
        keys.add("config.flow_title")

    # Steps with a form: their schema's fields need a label and a description each.
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "async_show_form"
        ):
            continue
        kwargs = {kw.arg: kw.value for kw in node.keywords}
        step_id = kwargs["step_id"]
        assert isinstance(step_id, ast.Constant)
        step = f"config.step.{step_id.value}"
        keys |= {f"{step}.title", f"{step}.description"}
        schema_names = [n.id for n in ast.walk(kwargs["data_schema"]) if isinstance(n, ast.Name)]
        schema_name = next(name for name in schema_names if name.endswith("_SCHEMA"))
        for field in getattr(config_flow, schema_name).schema:
            keys |= {f"{step}.data.{field}", f"{step}.data_description.{field}"}

    # Errors: the mapping, and literals the flow returns as error keys.
    flow_errors = {key for _, key in errors._FLOW_ERRORS} | {errors.FLOW_UNKNOWN_ERROR}
    flow_errors |= {
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Return)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }
    keys |= {f"config.error.{key}" for key in flow_errors}

    # Aborts: explicit reasons, and those Home Assistant's helpers raise for us.
    aborts = keyword_constants(tree, "reason")
    if "_abort_if_unique_id_configured" in source:
        aborts.add("already_configured")
    if re.search(r"async_set_unique_id\(\w+\)", source):  # raise_on_progress left on
        aborts.add("already_in_progress")
    if "async_step_reauth" in source:
        aborts.add("reauth_successful")
    if "async_step_reconfigure" in source:
        aborts.add("reconfigure_successful")
    keys |= {f"config.abort.{key}" for key in aborts}
    return keys


def _entity_keys() -> set[str]:
    keys: set[str] = set()
    for platform, descriptions in (
        ("binary_sensor", binary_sensor.BINARY_SENSORS),
        ("sensor", sensor.SENSORS),
        ("switch", switch.SWITCHES),
    ):
        for description in descriptions:
            assert description.translation_key == description.key
            base = f"entity.{platform}.{description.translation_key}"
            keys.add(f"{base}.name")
            for option in getattr(description, "options", None) or ():
                keys.add(f"{base}.state.{option}")
            # Attributes shown translated: a name each, and a text for each value they take.
            for attribute, values in (getattr(description, "attribute_states", None) or {}).items():
                keys.add(f"{base}.state_attributes.{attribute}.name")
                keys |= {f"{base}.state_attributes.{attribute}.state.{value}" for value in values}
    return keys


def _exception_keys() -> set[str]:
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            kwargs = {kw.arg: kw.value for kw in node.keywords}
            key = kwargs.get("translation_key")
            if "translation_domain" in kwargs and isinstance(key, ast.Constant):
                used.add(key.value)
            # validation.invalid("key", ...): the one-line refusal.
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name == "invalid" and node.args and isinstance(node.args[0], ast.Constant):
                used.add(node.args[0].value)
    used |= {key for _, key in errors._ERROR_KEYS}
    used |= set(errors._PERMISSION_KEYS.values())
    used.add(errors.UNKNOWN_ERROR_KEY)
    # The meanings SetConfig gives its UPnP codes, passed to the error mapping.
    used |= set(services.SET_CONFIG_ERROR_KEYS)
    return {f"exceptions.{key}.message" for key in used}


def _issue_keys() -> set[str]:
    """Every issue has a title; a fixable one the texts of its fix flow, the others a text."""
    issues = {value for name, value in vars(const).items() if name.startswith("ISSUE_")}
    keys = {f"issues.{issue}.title" for issue in issues}
    for issue in issues:
        if (flow := repairs.FIX_FLOWS.get(issue)) is None:
            keys.add(f"issues.{issue}.description")
            continue
        tree = ast.parse(inspect.getsource(flow))
        base = f"issues.{issue}.fix_flow"
        for step in keyword_constants(tree, "step_id"):
            keys |= {f"{base}.step.{step}.title", f"{base}.step.{step}.description"}
        keys |= {f"{base}.abort.{reason}" for reason in keyword_constants(tree, "reason")}
    return keys


def _service_keys() -> set[str]:
    services_yaml = PACKAGE / "services.yaml"
    if not services_yaml.exists():
        return set()
    keys: set[str] = set()
    for service, spec in (yaml.safe_load(services_yaml.read_text("utf-8")) or {}).items():
        keys |= {f"services.{service}.name", f"services.{service}.description"}
        for field, field_spec in (spec or {}).get("fields", {}).items():
            keys |= {
                f"services.{service}.fields.{field}.name",
                f"services.{service}.fields.{field}.description",
            }
            # Select selectors with a translation key get their options translated.
            select = ((field_spec or {}).get("selector") or {}).get("select") or {}
            if translation_key := select.get("translation_key"):
                keys |= {
                    f"selector.{translation_key}.options.{option}" for option in select["options"]
                }
    return keys


def used_keys() -> set[str]:
    # "common": the texts of the confirmation notification, looked up by confirmation.py.
    common = {f"common.{key}" for key in confirmation.TEXT_KEYS}
    return (
        _config_keys()
        | _entity_keys()
        | _exception_keys()
        | _issue_keys()
        | _service_keys()
        | common
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_keys_match_code(language: str) -> None:
    """Nothing missing, nothing unused."""
    present = set(leaves(load(language)))
    used = used_keys()
    assert sorted(used - present) == [], "used by the code but missing"
    assert sorted(present - used) == [], "in the file but used by nothing"


def test_languages_match() -> None:
    """Same keys, same placeholders, no empty text."""
    english, german = leaves(load("en")), leaves(load("de"))
    assert english.keys() == german.keys()
    for key, text in english.items():
        assert text.strip(), key
        assert german[key].strip(), key
        assert placeholders(text) == placeholders(german[key]), key


def test_entity_states_cover_options() -> None:
    """Every enum option has a translated state (the keys test checks the reverse)."""
    for language in LANGUAGES:
        states = load(language)["entity"]["sensor"]
        for description in sensor.SENSORS:
            if description.options:
                assert set(states[description.key]["state"]) == set(description.options)


EXAMPLES: list[TR064Error] = [
    TR064ConnectionError("refused"),
    TR064CertificateMismatchError("ab" * 32, "cd" * 32),
    TR064AuthenticationError("401"),
    TR064LoginBlockedError("503"),
    TR064UnsupportedError("401 Invalid Action"),
    TR064MalformedResponseError("garbage"),
    TR064PermissionError(606, "Action Not Authorized"),
    TR064InvalidArgumentError(402, "Invalid Args"),
    TR064ActionFailedError(820, "Internal Error"),
    TR064Error("something else"),
]


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda error: type(error).__name__)
@pytest.mark.parametrize("right", list(errors.Right))
@pytest.mark.parametrize("language", LANGUAGES)
def test_exception_messages_format(language: str, error: TR064Error, right: errors.Right) -> None:
    """Every client error maps to a message whose placeholders the mapping fills."""
    ha_error = errors.ha_error(error, "192.168.178.1", right=right)
    message = load(language)["exceptions"][ha_error.translation_key]["message"]
    text = message.format(**(ha_error.translation_placeholders or {}))
    assert "192.168.178.1" in text or "{" not in message
    assert errors.flow_error(error) in load(language)["config"]["error"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_fixed_placeholders(language: str) -> None:
    """Messages raised outside the mapping and the issues get the placeholders they use."""
    exceptions = load(language)["exceptions"]
    assert placeholders(exceptions["login_blocked_paused"]["message"]) <= {"host", "time"}
    issues = load(language)["issues"]
    assert placeholders(issues["insufficient_rights"]["description"]) <= {"title"}
    confirm = issues["certificate_mismatch"]["fix_flow"]["step"]["confirm"]
    assert placeholders(confirm["title"]) <= {"title"}
    assert placeholders(confirm["description"]) == {"fingerprint"}
    for issue in issues.values():
        assert placeholders(issue["title"]) <= {"title"}


# --- the string rules Home Assistant's validator applies ---------------------------------------
#
# hassfest checks a custom integration's translations/en.json as follows; these tests hold every
# language file to the same rules, each a little stricter where that costs nothing:
# - no HTML-like tag (``<b>``, ``<ipaddr>``): the frontend would drop or garble it;
# - no URL: links belong in placeholders;
# - no leading or trailing whitespace;
# - placeholders: balanced braces, plain identifiers, not quoted with an apostrophe (the
#   frontend's message format would print them literally), none in entity states and units;
# - no ``[%key:...%]`` reference: only core integrations get them resolved;
# - keys in lowercase snake case; only the sections Home Assistant knows; data descriptions
#   only for fields that exist; an issue has a description or a fix flow, never both.
# Our own addition: product names spelled as their makers do.

_PATTERNS = {
    re.compile(r"</?[a-z][^>]*>", re.IGNORECASE): "HTML-like tag",
    re.compile(r"[a-z][a-z0-9+.-]*://|\bwww\.[a-z0-9]", re.IGNORECASE): "URL",
    re.compile(r"\[%"): "reference",
    re.compile(r"'\{"): "placeholder after an apostrophe",
}
_KEY = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")
_PRODUCT_NAMES = {
    re.compile(r"home[\s-]*assistant", re.IGNORECASE): "Home Assistant",
    re.compile(r"fritz\s*!?\s*box", re.IGNORECASE): "FRITZ!Box",
}
_SECTIONS = frozenset(
    {
        "application_credentials",
        "common",
        "conditions",
        "config",
        "config_panel",
        "config_subentries",
        "conversation",
        "device",
        "device_automation",
        "entity",
        "entity_component",
        "exceptions",
        "issues",
        "options",
        "preview_features",
        "selector",
        "services",
        "system_health",
        "title",
        "triggers",
    }
)


def _no_placeholders_allowed(path: tuple[str, ...]) -> bool:
    """Entity states, state attributes and units are shown without placeholders filled in."""
    if path[0] not in ("entity", "entity_component"):
        return False
    return "state" in path or "state_attributes" in path or path[-1] == "unit_of_measurement"


def _placeholder_findings(text: str, *, allowed: bool) -> list[str]:
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return ["unbalanced braces"]
    found = []
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if not allowed:
            found.append(f"placeholder {{{name}}} where none is filled in")
        elif not name.isidentifier() or spec or conversion:
            found.append(f"placeholder {{{name}}} is not a plain identifier")
    return found


def text_findings(text: str, *, placeholders_allowed: bool = True) -> list[str]:
    """What is wrong with one translated text."""
    found = [finding for pattern, finding in _PATTERNS.items() if pattern.search(text)]
    if text != text.strip():
        found.append("leading or trailing whitespace")
    if not text.strip():
        found.append("empty")
    found += _placeholder_findings(text, allowed=placeholders_allowed)
    for pattern, spelling in _PRODUCT_NAMES.items():
        found.extend(
            f"{match.group()!r} instead of {spelling!r}"
            for match in pattern.finditer(text)
            if match.group() != spelling
        )
    return found


def _walk(tree: dict[str, Any], path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every key path with its value, inner nodes included."""
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, value in tree.items():
        out.append(((*path, key), value))
        if isinstance(value, dict):
            out.extend(_walk(value, (*path, key)))
    return out


def _flow_steps(tree: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Data entry flow steps: config, options and the repair fix flows."""
    flows = [("config", tree.get("config", {})), ("options", tree.get("options", {}))]
    flows += [
        (f"issues.{issue}.fix_flow", spec["fix_flow"])
        for issue, spec in tree.get("issues", {}).items()
        if isinstance(spec, dict) and "fix_flow" in spec
    ]
    return [
        (f"{name}.step.{step_id}", step)
        for name, flow in flows
        for step_id, step in flow.get("step", {}).items()
    ]


def file_findings(tree: dict[str, Any]) -> list[str]:
    """Every rule broken anywhere in one translation file, as ``path: finding``."""
    found = [f"{key}: unknown section" for key in tree if key not in _SECTIONS]
    for path, value in _walk(tree):
        where = ".".join(path)
        if not _KEY.match(path[-1]):
            found.append(f"{where}: key is not lowercase snake case")
        if isinstance(value, dict):
            continue
        if not isinstance(value, str):
            found.append(f"{where}: not a string")
            continue
        allowed = not _no_placeholders_allowed(path)
        found += [f"{where}: {f}" for f in text_findings(value, placeholders_allowed=allowed)]
    for where, step in _flow_steps(tree):
        found += [
            f"{where}.data_description.{field}: no such field in data"
            for field in step.get("data_description", {})
            if field not in step.get("data", {})
        ]
    for issue, spec in tree.get("issues", {}).items():
        if "title" not in spec or ("description" in spec) == ("fix_flow" in spec):
            found.append(f"issues.{issue}: needs a title and either a description or a fix flow")
    for key, spec in tree.get("exceptions", {}).items():
        if set(spec) != {"message"}:
            found.append(f"exceptions.{key}: holds something else than a message")
    for service, spec in tree.get("services", {}).items():
        needed = [spec, *spec.get("fields", {}).values()]
        if any(not {"name", "description"} <= set(part) for part in needed):
            found.append(f"services.{service}: a name or description is missing")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_validator_rules(language: str) -> None:
    """Each language file passes the rules hassfest applies to strings, and ours."""
    assert file_findings(load(language)) == []


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Placeholders such as <domain> and <ipaddr>.", "HTML-like tag"),
        ("Bold <b>text</b>.", "HTML-like tag"),
        ("For example https://ddns.example.org/update.", "URL"),
        ("It starts with https:// or http://.", "URL"),
        ("See www.example.org.", "URL"),
        ("Trailing space ", "leading or trailing whitespace"),
        ("\nLeading line break", "leading or trailing whitespace"),
        ("   ", "empty"),
        ("[%key:common::config_flow::data::host%]", "reference"),
        ("Quoted '{name}' placeholder", "placeholder after an apostrophe"),
        ("Unbalanced {name", "unbalanced braces"),
        ("Stray } brace", "unbalanced braces"),
        ("Positional {0}", "placeholder {0} is not a plain identifier"),
        ("Formatted {port:d}", "placeholder {port} is not a plain identifier"),
        ("Talk to home assistant", "'home assistant' instead of 'Home Assistant'"),
        ("The Fritz!Box answers", "'Fritz!Box' instead of 'FRITZ!Box'"),
        ("The FritzBox answers", "'FritzBox' instead of 'FRITZ!Box'"),
    ],
)
def test_rules_catch(text: str, finding: str) -> None:
    """Each rule finds what it is there to find."""
    assert finding in text_findings(text)


def test_rules_pass() -> None:
    """Texts the rules must leave alone."""
    for text in (
        "Host name of your FRITZ!Box, usually 192.168.178.1, or home.example.org.",
        "Home Assistant talks to the FRITZ!Box at {host}; the box's answer was 1 < 2.",
        "The fingerprint is:\n\n`{fingerprint}`\n\nSelect **Submit**.",
        "Begins with `{https}` and fills in `{ipaddr}`.",
        "Let's Encrypt certificate state",
    ):
        assert text_findings(text) == [], text


def test_rules_in_context() -> None:
    """States take no placeholders; structure and key rules apply to the whole file."""
    bad = {
        "entity": {"sensor": {"ddns": {"name": "DDNS {x}", "state": {"on": "On for {host}"}}}},
        "exceptions": {"Bad_Key": {"message": "Fine."}, "extra": {"message": "A", "title": "B"}},
        "issues": {"both": {"title": "T", "description": "D", "fix_flow": {"step": {}}}},
        "config": {"step": {"user": {"data": {"host": "Host"}, "data_description": {"p": "P"}}}},
        "services": {"set": {"name": "Set", "fields": {"f": {"name": "F"}}}},
        "sevices": {},
        "selector": {"mode": {"options": {"a": 1}}},
    }
    assert sorted(file_findings(bad)) == sorted(
        [
            "sevices: unknown section",
            "entity.sensor.ddns.state.on: placeholder {host} where none is filled in",
            "exceptions.Bad_Key: key is not lowercase snake case",
            "exceptions.extra: holds something else than a message",
            "issues.both: needs a title and either a description or a fix flow",
            "config.step.user.data_description.p: no such field in data",
            "services.set: a name or description is missing",
            "selector.mode.options.a: not a string",
        ]
    )


@pytest.mark.usefixtures("init_integration")
async def test_service_placeholders_registered(hass: HomeAssistant) -> None:
    """Placeholders in action texts are filled from what the actions are registered with.

    The frontend fills them from the ``description_placeholders`` Home Assistant reports for
    each action; one it does not know would be shown as ``{name}``.
    """
    descriptions = (await async_get_all_descriptions(hass))[const.DOMAIN]
    for language in LANGUAGES:
        for service, texts in load(language)["services"].items():
            registered = set(descriptions[service].get("description_placeholders") or {})
            used = set().union(*(placeholders(text) for text in leaves(texts).values()))
            assert used == registered, (language, service)
