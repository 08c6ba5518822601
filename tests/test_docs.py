"""The documentation against the code and against itself (no runs: a few milliseconds).

- Every relative markdown link in README.md and docs/ resolves to a file of the repository, and
  a link's #anchor to a heading of that file.
- Nothing in README.md, docs/, sim/, scenarios/, benchmarks/ or tests/ refers to a file outside
  the repository or tells the project's development history: the docs say what is.
- README.md's map of the code names every module under sim/.
- docs/model.md's parameter table has a row for every field of `Params`, each with the code's
  default, and no row for a field that does not exist.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pydantic import BaseModel

from sim.config import Params

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))
MARKDOWN = [ROOT / "README.md", *DOCS]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = heading.strip().lower().replace("`", "")
    text = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(m) for m in re.findall(r"^#+\s+(.+)$", text, flags=re.M)}


def _links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return LINK.findall(text)


@pytest.mark.parametrize("page", MARKDOWN, ids=lambda p: p.name)
def test_relative_links_resolve(page):
    broken = []
    for target in _links(page):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        dest = (page.parent / file).resolve() if file else page
        if not dest.is_relative_to(ROOT) or not dest.exists():
            broken.append(f"{target}: no such file in the repository")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target}: no heading #{anchor} in {dest.name}")
    assert not broken, f"{page.name}: " + "; ".join(broken)


def test_index_lists_every_page():
    index = ROOT / "docs" / "index.md"
    linked = {(index.parent / t.partition("#")[0]).resolve() for t in _links(index)}
    missing = [p.name for p in DOCS if p != index and p.resolve() not in linked]
    assert not missing, f"docs/index.md does not link {missing}"
    assert "docs/index.md" in _links(ROOT / "README.md")


# Words that tell the project's history rather than what is, and references to files outside
# the repository. Each pattern is built from parts so that this file does not match itself.
HISTORY = re.compile(
    r"\b(?:" + "|".join(["st" + "op", "iss" + "ue", "ses" + "sion"]) + r")s? ?#?\d+"
    r"|\brefit" + r"ted\b|\bearlier vers" + r"ion\b|\bwas chan" + r"ged\b"
    r"|\biss" + r"ue\b|\bat st" + r"op\b",  # the project's issue tracker is history too
    re.I,
)
OUTSIDE = re.compile(
    r"\bsha" + r"red/|\.\./sha" + r"red|/wo" + r"rk/"
    # the essays' and calibration's files by a bare name: in the repository they are docs/...
    r"|(?<![/(\[\w\"'])(?:calibration|claims)\.md",  # a path in code ("claims.md") is fine
)
SCANNED = [
    *MARKDOWN,
    *sorted((ROOT / "sim").rglob("*.py")),
    *sorted((ROOT / "scenarios").glob("*.toml")),
    *sorted((ROOT / "benchmarks").glob("*.py")),
    *sorted(p for p in (ROOT / "tests").glob("*.py") if p.name != Path(__file__).name),
]


def test_no_history_and_nothing_outside_the_repository():
    found = []
    for path in SCANNED:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in ((HISTORY, "history"), (OUTSIDE, "outside reference")):
                if match := pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {what} {match[0]!r}")
    assert not found, "\n".join(found)


def test_the_patterns_catch_what_they_are_for():
    assert HISTORY.search("measured at st" + "op 26") and HISTORY.search("(iss" + "ue 13)")
    assert HISTORY.search("the scale iss" + "ue's goals") and not HISTORY.search("stop the cluster")
    assert OUTSIDE.search("see sha" + "red/calibration.md") and OUTSIDE.search("calibration.md's")
    assert not OUTSIDE.search("docs/calibration.md, [calibration.md](calibration.md)")


def _map_rows() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Where things are", 1)[1]
    rows = re.findall(r"^\| `([^`]+)` \|(.*)\|$", section, flags=re.M)
    return {path: text for path, text in rows}


def test_readme_map_names_every_module():
    rows = _map_rows()
    missing = []
    for module in sorted((ROOT / "sim").rglob("*.py")):
        if module.stem in ("__init__", "__main__"):
            continue
        folder = module.parent.relative_to(ROOT).as_posix() + "/"
        if f"`{module.stem}`" not in rows.get(folder, ""):
            missing.append(module.relative_to(ROOT).as_posix())
    assert not missing, f"README.md's map ('Where things are') does not name {missing}"


def _fields(model: type[BaseModel], prefix: str = "") -> dict[str, object]:
    """Every leaf of the parameters, by its dotted name, with its default."""
    out = {}
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            out |= _fields(kind, f"{prefix}{name}.")
        else:
            out[prefix + name] = field.get_default(call_default_factory=True)
    return out


def _table_rows() -> dict[str, str]:
    """docs/model.md's parameter table: {dotted name: its default cell}; `a.b / c` names a.b and
    a.c, with the defaults `x / y` in the same order."""
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    section = text.split("\n## Parameters\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 2 or cells[0] in ("key", "---"):
            continue
        key, default = cells[0], cells[1]
        if key.startswith("trait "):  # a member's trait (§2, §5): not a field of Params
            continue
        names = [n.strip() for n in key.split(" / ")]
        section_name = names[0].rsplit(".", 1)[0] + "." if "." in names[0] else ""
        names = [names[0]] + [section_name + n for n in names[1:]]
        values = default.split(" / ") if len(names) > 1 else [default]
        assert len(values) == len(names), f"row {key!r}: {len(names)} names, defaults {default!r}"
        for name, value in zip(names, values, strict=True):
            assert name not in rows, f"two rows for {name}"
            rows[name] = value.strip()
    return rows


def _parse(cell: str):
    word = re.sub(r"\s*\(.*\)$", "", cell).strip()  # "0 (no limit)" -> "0"
    if word in ("true", "false"):
        return word == "true"
    try:
        return float(word.replace(",", ""))
    except ValueError:
        return word


def test_parameter_table_matches_params():
    fields, rows = _fields(Params), _table_rows()
    missing, unknown = sorted(set(fields) - set(rows)), sorted(set(rows) - set(fields))
    assert not missing, f"fields of Params without a row in docs/model.md: {missing}"
    assert not unknown, f"rows in docs/model.md naming no field of Params: {unknown}"
    wrong = []
    for name, default in fields.items():
        if isinstance(default, (list, dict)):  # the roster and the strategies' overrides
            continue
        cell = _parse(rows[name])
        if isinstance(default, (bool, str)):
            ok = cell == default
        else:
            ok = isinstance(cell, float) and cell == float(default)
        if not ok:
            wrong.append(f"{name}: table {rows[name]!r}, code {default!r}")
    assert not wrong, "\n".join(wrong)


def test_table_reader_fails_on_a_wrong_default(monkeypatch):
    original = Path.read_text

    def altered(self, *args, **kwargs):
        text = original(self, *args, **kwargs)
        if self.name == "model.md":
            text = text.replace("| scene.members | 200 |", "| scene.members | 201 |")
        return text

    monkeypatch.setattr(Path, "read_text", altered)
    with pytest.raises(AssertionError, match="scene.members"):
        test_parameter_table_matches_params()


def test_every_registered_strategy_and_format_is_named_where_the_docs_list_them():
    """docs/model.md's strategy table and its format lists, and README's map, name every
    strategy and format the registries hold: a new one cannot go undocumented."""
    from sim.model.formats import FORMATS
    from sim.model.strategies import STRATEGIES

    model = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = {m[1] for m in re.finditer(r"^\| `(\w+)`", model, re.M)}
    assert set(STRATEGIES) <= table, sorted(set(STRATEGIES) - table)
    formats_row = re.search(r"^\| events\.format \|.*$", model, re.M)[0]
    entity = re.search(r"\*\*Event format\*\*.*?\n\n|\*\*Event format\*\*(?:.*\n){1,4}", model)[0]
    map_row = next(line for line in readme.splitlines() if line.startswith("| `sim/model/`"))
    places = {"model.md's parameters": formats_row, "model.md's entities": entity}
    places["README's map"] = map_row
    for name in FORMATS:
        for where, text in places.items():
            assert re.search(rf"\b{name}\b", text), f"format {name!r} is not named in {where}"
