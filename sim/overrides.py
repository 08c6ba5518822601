"""Dotted-key overrides of the parameters (sim/config.py): `market.pitch_close`, a group's value
`scene.groups.<group>.<key>`, a strategy's trait `strategies.<strategy>.<trait>`; as scenario
files (sim/scenario.py), variants, `--set key=value` options and explorations give them. Bad
input raises ConfigError, whose message is one line naming the source, the key and what is
allowed (from the pydantic fields' definitions).
"""

from __future__ import annotations

import tomllib
from typing import Any

from pydantic import ValidationError

from sim.config import Params
from sim.errors import ConfigError
from sim.fields import describe, quoted
from sim.model.roster import STRUCTURE, Group
from sim.model.strategies import STRATEGIES


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables to dotted keys ({"a": {"b": 1}} -> {"a.b": 1}); lists stay values."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def apply_overrides(base: Params, overrides: dict[str, Any], source: str) -> Params:
    """Return base with dotted-key overrides applied and validated; ConfigError on bad input."""
    tree = base.model_dump()
    for key, value in overrides.items():
        _set(tree, key, value, source)
    try:
        return Params.model_validate(tree)
    except ValidationError as err:
        raise ConfigError(f"{source}: {explain(err, tree)}") from None


def _set(tree: dict[str, Any], key: str, value: Any, source: str) -> None:
    parts = key.split(".")
    section = parts[0]
    if section not in tree:
        raise ConfigError(f"{source}: unknown key '{key}'; allowed: {allowed_for(key)}")
    if len(parts) == 1:
        raise ConfigError(
            f"{source}: '{key}' is a section, not a value; allowed: {allowed_for(key + '.?')}"
        )
    node = tree[section]
    if section == "strategies":
        name, trait = parts[1], parts[2:]
        if name not in STRATEGIES or len(trait) > 1:
            raise ConfigError(f"{source}: unknown key '{key}'; allowed: {allowed_for(key)}")
        if trait:
            node[name] = {**node.get(name, {}), trait[0]: value}
        else:
            node[name] = value
        return
    field = parts[1]
    if field not in node:
        raise ConfigError(f"{source}: unknown key '{key}'; allowed: {allowed_for(key)}")
    if len(parts) == 2:
        node[field] = value
    elif (section, field) == ("scene", "groups") and len(parts) == 4:
        groups = [g for g in node["groups"] if g.get("name") == parts[2]]
        if not groups:
            names = ", ".join(str(g.get("name")) for g in node["groups"])
            raise ConfigError(f"{source}: '{key}': no group named '{parts[2]}'; groups: {names}")
        groups[0][parts[3]] = value
    else:
        raise ConfigError(f"{source}: unknown key '{key}'; allowed: {allowed_for(key)}")


def explain(err: ValidationError, tree: dict[str, Any]) -> str:
    """One line for the first validation error: the key (a group by its name), what is allowed."""
    first = err.errors()[0]
    loc = list(first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    if not loc or (first["type"] == "value_error" and len(loc) < 3):
        return message  # a rule across keys: its message names them
    if loc[:2] == ["scene", "groups"] and len(loc) > 2 and isinstance(loc[2], int):
        group = tree["scene"]["groups"][loc[2]]
        name = group.get("name") if isinstance(group, dict) else None
        if len(loc) == 3:  # the group's own rule (strategy, traits): its message says which
            return message if name else f"scene.groups[{loc[2]}]: {message}"
        key = ".".join(str(p) for p in loc[3:])
        info = Group.model_fields.get(key)
        return (
            f"group '{name}' key '{key}' = {quoted(first.get('input'))} is invalid ({message}); "
            f"allowed: {describe(info) if info else ', '.join(STRUCTURE) + ' and traits'}"
        )
    key = ".".join(str(p) for p in loc)
    got = quoted(first.get("input"))
    return f"key '{key}' = {got} is invalid ({message}); allowed: {allowed_for(key)}"


def allowed_for(key: str) -> str:
    """Describe what a dotted key accepts, from the pydantic field definitions."""
    section, _, name = key.partition(".")
    sections = Params.model_fields
    if section not in sections:
        return "sections: " + ", ".join(sections)
    if section == "strategies":
        return "strategies.<strategy>.<trait>; strategies: " + ", ".join(STRATEGIES)
    fields = sections[section].annotation.model_fields  # type: ignore[union-attr]
    name = name.split(".")[0]
    if name not in fields:
        return f"keys in [{section}]: " + ", ".join(fields)
    if (section, name) == ("scene", "groups"):
        return "a list of groups, or scene.groups.<group>.<key> (" + ", ".join(STRUCTURE) + ")"
    return describe(fields[name])


def parse_set_options(items: list[str], source: str = "--set") -> dict[str, Any]:
    """Parse `key=value` strings, reading the value as TOML (so 3, 0.5, true, "x" work)."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{source}: '{item}' is not key=value (e.g. market.pitch_close=0.01)")
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        out[key.strip()] = value
    return out
