"""What an audience reads for a scenario, its groups and its variants: names in English and Dutch.

A scenario file names itself (`[scenario] display = { en = "...", nl = "..." }`), each group
(`display = { en = "...", nl = "..." }` in its `[[params.scene.groups]]` table) and each variant
(`[variants.<name>] display`). A display name is not a parameter of the model: a group's is taken
out of its table before the parameters are read, kept with the scenario, written to the run's
manifest (`display`, `group_display`) and read from there by every view an audience sees (report,
deck, handouts, guide, app, room). Where a file gives none, a group is called what its strategy's
members are called (sim/model/strategies.py: `plurals`), a scenario by its name in words.
Claims: none (presentation only).
"""

from __future__ import annotations

import re
from typing import Any

from sim.errors import ConfigError
from sim.languages import LANGUAGES
from sim.model.strategies import STRATEGIES

MAX_LENGTH = 80
TEXT = re.compile(r"^[^\x00-\x1f\x7f]*$")  # one line, no control characters
HELP = (
    f'display = {{ en = "...", nl = "..." }}: a few plain words per language (at most {MAX_LENGTH})'
)


def checked(value: Any, where: str) -> dict[str, str]:
    """A display table ({language: words}) or ConfigError naming the key and what is allowed."""
    ok = isinstance(value, dict) and set(value) <= set(LANGUAGES) and all(
        isinstance(v, str) and v.strip() and len(v) <= MAX_LENGTH and TEXT.match(v)
        for v in value.values()
    )  # fmt: skip
    if not ok:
        raise ConfigError(f"{where}: key 'display' is invalid; allowed: {HELP}")
    return {k: " ".join(v.split()) for k, v in value.items()}


def take_group_displays(params_doc: dict[str, Any], source: str) -> dict[str, dict[str, str]]:
    """Take each group's `display` out of `[[params.scene.groups]]` (in place): {group: names}."""
    groups = (params_doc.get("scene") or {}).get("groups")
    if not isinstance(groups, list):
        return {}
    out: dict[str, dict[str, str]] = {}
    for k, group in enumerate(groups):
        if isinstance(group, dict) and "display" in group:
            name = group.get("name", f"[{k}]")
            out[str(name)] = checked(group.pop("display"), f"{source}: scene.groups.{name}")
    return out


def in_language(names: dict[str, str] | None, lang: str) -> str:
    """The name in the language, else in English, else ''."""
    names = names or {}
    return names.get(lang) or names.get("en") or ""


def group_name(
    group: str, strategy: str | None, shown: dict[str, dict[str, str]], lang: str
) -> str:
    """What an audience reads for a group: its display name, else its strategy's members."""
    given = in_language(shown.get(group), lang)
    if given:
        return given
    cls = STRATEGIES.get(strategy or "")
    if cls is None:
        return group.replace("_", " ")
    return in_language(cls.plurals, lang) or in_language(cls.labels, lang)


def group_names(
    groups: list[dict[str, Any]], shown: dict[str, dict[str, str]], lang: str
) -> dict[str, str]:
    """{group: display name} for a roster (dicts with name and strategy), in roster order."""
    return {g["name"]: group_name(g["name"], g.get("strategy"), shown, lang) for g in groups}


def scenario_title(name: str, shown: dict[str, str] | None, lang: str) -> str:
    """What an audience reads for a scenario: its display name, else its name in words."""
    return in_language(shown, lang) or name.replace("_", " ").replace("-", " ").capitalize()


def variant_name(name: str, shown: dict[str, str] | None, lang: str, base: str) -> str:
    """A variant's display name; the base is called `base` (the caller's word for it)."""
    if name == "base":
        return base
    return in_language(shown, lang) or name.replace("_", " ")


def wrapped(text: str, width: int = 16) -> str:
    """A chart label over lines of about `width` characters (Plotly's <br>), broken between
    words or after a hyphen: long display names and participants' names stay whole."""
    lines, line = [], ""
    words = [w for part in text.split() for w in re.findall(r"[^-]+-?|-", part)]
    for word in words:
        glue = "" if line.endswith("-") else " "
        if line and len(line) + len(glue) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line}{glue}{word}" if line else word
    return "<br>".join([*lines, line])
