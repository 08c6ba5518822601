"""Display names: what an audience reads for a scenario, its groups and its variants, in English
and Dutch (sim/display.py). Every shipped scenario names all of them; a file that names none
falls back to its strategies' words; a bad display table is one line naming file and key."""

from __future__ import annotations

import pytest

from sim.display import group_name, scenario_title
from sim.errors import ConfigError
from sim.paths import available_scenarios
from sim.report.data import Run
from sim.report.i18n import LANGUAGES
from sim.scenario import load_scenario

SMALL = """
[scenario]
name = "small"
description = "two groups"
{head}

[[params.scene.groups]]
name = "sellers"
strategy = "direct"
count = 2
focal = true
{group}

[[params.scene.groups]]
name = "rest"
strategy = "relationship"
share = 1.0
"""


@pytest.mark.parametrize("name", available_scenarios())
def test_every_shipped_scenario_names_itself_its_groups_and_variants(name):
    scn = load_scenario(name)
    for lang in LANGUAGES:
        assert scn.display.get(lang), (name, lang)
        for group in scn.params.scene.groups:
            assert scn.group_display.get(group.name, {}).get(lang), (name, group.name, lang)
        for vname, info in scn.variant_info.items():
            assert vname == "base" or info.display.get(lang), (name, vname, lang)
    assert scn.group_names("nl") != scn.group_names("en")


def test_without_display_names_a_group_is_its_strategys_members(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL.format(head="", group=""), encoding="utf-8")
    scn = load_scenario(str(path))
    assert scn.group_names("nl") == {"sellers": "harde verkopers", "rest": "relatiebouwers"}
    assert scn.group_names("en")["sellers"] == "direct sellers" and scn.title("en") == "Small"
    assert group_name("x_y", "unknown", {}, "en") == "x y"
    assert scenario_title("open_coffee", {"en": "Open Coffee"}, "nl") == "Open Coffee"  # en


def test_given_display_names_are_kept_and_written_to_the_manifest(tmp_path):
    path = tmp_path / "small.toml"
    head = 'display = { en = "Small  room", nl = "Kleine zaal" }'
    group = 'display = { en = "Sellers", nl = "Verkopers" }'
    path.write_text(SMALL.format(head=head, group=group), encoding="utf-8")
    scn = load_scenario(str(path))
    assert scn.title("nl") == "Kleine zaal" and scn.title("en") == "Small room"  # one space
    assert scn.group_names("nl")["sellers"] == "Verkopers"
    assert "display" not in scn.params.scene.groups[0].traits  # not a trait, not a parameter
    roster = {"base": {"groups": [{"name": "sellers", "strategy": "direct"}]}}
    manifest = {"scenario": "small", "display": scn.display, "group_display": scn.group_display,
                "variants": roster}  # fmt: skip
    run = Run(tmp_path, manifest, {})
    assert run.title("nl") == "Kleine zaal" and run.group_names("nl") == {"sellers": "Verkopers"}
    old = Run(tmp_path, {"scenario": "small", "variants": manifest["variants"]}, {})
    assert old.title("en") == "Small" and old.group_names("en") == {"sellers": "direct sellers"}


@pytest.mark.parametrize(
    "head,group,key",
    [
        ('display = "Small"', "", "scenario"),
        ('display = { fr = "Petit" }', "", "scenario"),
        ("", f'display = {{ en = "{"x" * 81}" }}', "scene.groups.sellers"),
        ("", 'display = { en = "a\\u0007b" }', "scene.groups.sellers"),
        ("", 'display = { en = "" }', "scene.groups.sellers"),
    ],
)
def test_a_bad_display_table_is_one_line_naming_file_and_key(tmp_path, head, group, key):
    path = tmp_path / "small.toml"
    path.write_text(SMALL.format(head=head, group=group), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_scenario(str(path))
    message = str(err.value)
    assert "\n" not in message and str(path) in message and key in message
    assert "display" in message and "en" in message and "nl" in message
