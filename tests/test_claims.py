"""Two-part verdicts: each claim's direction and size by exact rules on hand-made evidence, the
same verdicts in words for a run folder, and `python -m sim claims` (C1-C4, C10, C12, and the
claims judged by their variants)."""

import json
import math
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from sim.claims_catalogue import CATALOGUE, ClaimEntry, ids_text, register
from sim.cli import app
from sim.experiments import claims
from sim.experiments.metrics import summarise
from sim.languages import LANGUAGES
from sim.report.verdict_text import VERDICT
from sim.scenario import ScenarioHead

pytestmark = pytest.mark.xdist_group("laptop")
ROOT = Path(__file__).resolve().parent.parent


def ev(weeks=260, name_at=6, refer_at=14, contrast=("b", "p"), **values):
    """Evidence from per-replication values ({metric: [value per replication]}), summarised by
    the one interval the runs use (metrics.summarise)."""
    rows = [("base", i, m, float(v)) for m, vs in values.items() for i, v in enumerate(vs)]
    per_rep = pl.DataFrame(rows, schema=["variant", "replication", "metric", "value"], orient="row")
    summary = {r["metric"]: r for r in summarise(per_rep).to_dicts()} if rows else {}
    arrays = {m: np.array(v, dtype=float) for m, v in values.items()}
    pair = list(contrast) if contrast else None
    return claims.Evidence(summary, pair, ["b", "p"], 200, name_at, refer_at, arrays, weeks)


def c1(b, p, weeks=260):
    return claims.judge("C1", ev(weeks, **{"units.b": b, "units.p": p}))


def test_c1_direction_is_the_paired_difference_across_replications():
    assert c1([50, 52, 48, 51], [1, 0, 2, 1]).direction == "holds"
    assert c1([1, 0, 2, 1], [50, 52, 48, 51]).direction == "fails"
    assert c1([3, 0, 5, 1], [2, 4, 0, 3]).direction == "open"  # the interval spans zero
    # apart replication by replication, though the two groups' own intervals overlap
    assert c1([10, 20, 30, 40], [9, 19, 29, 39]).direction == "holds"
    assert c1([5], [1]).direction == "holds"  # one replication: the means


def test_c1_size_holds_where_the_intervals_reach_the_essays_fifty_and_one():
    exact = c1([48, 52, 50, 51], [1, 0.5, 1.5, 1])
    assert exact.size == "holds" and exact.values["exact"]
    close = c1([41, 43, 42, 44], [1, 0.5, 1.5, 1])  # under fifty, within its 40-60
    assert close.size == "holds" and not close.values["exact"]
    assert c1([30, 31, 29, 30], [1, 1, 1, 1]).size == "fails"  # too few
    assert c1([80, 81, 79, 80], [1, 1, 1, 1]).size == "fails"  # too many
    assert c1([50, 50, 50, 50], [5, 6, 5, 5]).size == "fails"  # the pitcher is not at one
    assert c1([50, 50, 50, 50], [1, 1, 1, 1], weeks=104).size == "n/a"  # not five years


def test_c2_most_units_indirect_and_about_ninety_percent():
    def c2(shares):
        return claims.judge("C2", ev(**{"indirect_share.b": shares}))

    exact = c2([0.91, 0.93, 0.92])
    assert (exact.direction, exact.size, exact.values["exact"]) == ("holds", "holds", True)
    close = c2([0.86, 0.84, 0.85, 0.86])
    assert (close.direction, close.size, close.values["exact"]) == ("holds", "holds", False)
    assert (c2([0.6, 0.62, 0.61]).direction, c2([0.6, 0.62, 0.61]).size) == ("holds", "fails")
    assert c2([0.3, 0.32, 0.31]).direction == "fails"
    assert c2([0.3, 0.7, 0.5]).direction == "open"


@pytest.mark.parametrize(
    ("name_at", "refer_at", "c3", "c4"),
    [
        (6, 14, ("holds", "holds"), ("holds", "holds")),
        (10, 31, ("holds", "fails"), ("holds", "holds")),
        (1, 6, ("fails", "fails"), ("holds", "fails")),
        (6, 6, ("holds", "holds"), ("fails", "fails")),
        (None, None, ("open", "open"), ("open", "open")),
    ],
)
def test_c3_and_c4_read_the_conversation_numbers(name_at, refer_at, c3, c4):
    e = ev(name_at=name_at, refer_at=refer_at)
    for claim, want in (("C3", c3), ("C4", c4)):
        verdict = claims.judge(claim, e)
        assert (verdict.direction, verdict.size) == want, claim


def test_c10_compares_who_is_avoided_and_names_no_size():
    verdict = claims.judge("C10", ev(**{"avoided_by.p": [30, 35, 33], "avoided_by.b": [0, 1, 0]}))
    assert (verdict.direction, verdict.size) == ("holds", "n/a")
    assert verdict.values["better"] == "p"  # the one avoided more


def test_c12_compares_the_contrast_and_reads_bnis_published_referrals():
    values = {"referrals_per_member_year": [44, 46, 45], "units.b": [70, 80, 75]}
    verdict = claims.judge("C12", ev(**values, **{"units.p": [1, 0, 2]}))
    assert (verdict.direction, verdict.size, verdict.values["exact"]) == ("holds", "holds", True)
    alone = claims.judge("C12", ev(contrast=None, referrals_per_member_year=[20, 21, 19]))
    assert (alone.direction, alone.size) == ("open", "fails")


def test_a_claim_without_an_entry_is_judged_by_the_variants_citing_it():
    def check(held, clear):
        return {"variant": "v", "held": held, "clear": clear}

    checks = [{"variant": "fixed", "held": False}, {"variant": "free", "held": True}]
    descriptions = {"fixed": "the same table (C14)", "free": "sit where you like (C14)"}
    assert len(claims.cited_checks("C14", checks, descriptions)) == 2
    assert claims.cited_checks("C1", checks, descriptions) == []
    assert claims.by_checks("C14", []) is None
    assert claims.by_checks("C5", [check(True, True), check(True, True)]).direction == "holds"
    assert claims.by_checks("C5", [check(True, True), check(False, True)]).direction == "fails"
    assert claims.by_checks("C5", [check(True, True), check(True, False)]).direction == "open"
    assert claims.by_checks("C5", [check(None, None)]).size == "n/a"


def test_a_claim_holds_in_full_only_when_both_parts_hold():
    verdict = claims.Verdict
    assert claims.in_full(verdict("C1", "holds", "holds", {})) is True
    assert claims.in_full(verdict("C10", "holds", "n/a", {})) is True
    assert claims.in_full(verdict("C1", "holds", "fails", {})) is False
    assert claims.in_full(verdict("C1", "open", "holds", {})) is False  # not established
    assert claims.in_full(None) is None


# --- in words, from a run folder -------------------------------------------------------------
@pytest.fixture
def laptop_folder(finished_runs):
    return finished_runs("laptop", 4).out_dir


def test_every_verdict_of_a_run_has_two_parts_and_a_sentence_per_language(laptop_folder):
    from sim.report.verdicts import load

    found = load(laptop_folder)
    assert [v["claim"] for v in found] == ["C1", "C2", "C3", "C4", "C5", "C10", "C11"]
    for v in found:
        assert v["direction"] in ("holds", "fails", "open")
        assert v["size"] in ("holds", "fails", "open", "n/a")
        for lang in ("en", "nl"):
            text = v["sentence"][lang]
            assert text and "{" not in text and not re.search(r"[✓✗≥≤]", text), text
            assert not re.search(r"\b(units|indirect_share|avoided_by)\.\w+", text), text
    c1 = found[0]
    assert c1["direction"] == "holds" and c1["size"] != "n/a"
    assert re.search(r"\d,\d", c1["sentence"]["nl"])  # Dutch decimals
    variant = next(v for v in found if v["claim"] == "C5")["sentence"]["nl"]
    assert "Eén enkele bijeenkomst" in variant  # a variant by its Dutch name, not its key


def test_the_claims_command_prints_json_and_each_language(laptop_folder):
    runner = CliRunner()
    result = runner.invoke(app, ["claims", str(laptop_folder), "--json"])
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert {"claim", "direction", "size", "sentence"} <= set(found[0])
    assert set(found[0]["sentence"]) == {"en", "nl"}
    dutch = runner.invoke(app, ["claims", str(laptop_folder), "--lang", "nl"]).stdout
    assert "richting" in dutch and found[0]["sentence"]["nl"][:30] in " ".join(dutch.split())
    bad = runner.invoke(app, ["claims", str(laptop_folder / "nope")])
    assert bad.exit_code == 2 and "\n" not in bad.stderr.strip()


def test_every_registry_claim_has_its_sentences_in_both_languages():
    for claim in claims.CLAIMS:
        for lang in ("en", "nl"):
            for status in ("holds", "fails", "open"):
                assert f"{claim}_{status}" in VERDICT[lang], (claim, lang, status)
    assert set(VERDICT["en"]) == set(VERDICT["nl"])
    assert not math.isnan(claims.FIGURES["C1.better"].value)


# --- the catalogue: every claim a scenario may cite ------------------------------------------
@pytest.fixture
def catalogue_kept():
    """The catalogue as it was, after a test that adds a claim of its own."""
    before = dict(CATALOGUE)
    yield
    CATALOGUE.clear()
    CATALOGUE.update(before)


def test_the_catalogue_holds_every_claim_of_the_docs_and_each_measured_claim():
    """docs/claims.md tells each claim of the catalogue, and no other; every claim the run
    measures itself (CLAIMS) is in the catalogue; each states itself in every language."""
    told = re.findall(r"^- \*\*(C\d+) —", (ROOT / "docs" / "claims.md").read_text("utf-8"), re.M)
    assert sorted(told) == sorted(CATALOGUE)
    assert set(claims.CLAIMS) <= set(CATALOGUE) and claims.CATALOGUE is CATALOGUE
    for entry in CATALOGUE.values():
        assert set(entry.statement) == set(LANGUAGES), entry.id
        assert all(s.endswith(".") and "\n" not in s for s in entry.statement.values())


def test_a_scenario_cites_exactly_the_catalogues_claims(catalogue_kept):
    head = {"description": "x"}
    assert ScenarioHead(**head, claims=sorted(CATALOGUE)).claims == sorted(CATALOGUE)
    with pytest.raises(ValidationError, match="unknown claim 'C18'; allowed: C1-C17"):
        ScenarioHead(**head, claims=["C18"])
    with pytest.raises(ValueError, match="not in the catalogue"):
        claims.Claim("C18", lambda e: None)
    register(ClaimEntry("C18", {"en": "Givers are asked first.", "nl": "Gevers eerst."}))
    assert ScenarioHead(**head, claims=["C18", "C1"]).claims == ["C18", "C1"]
    assert claims.Claim("C18", lambda e: None).id == "C18"
    assert ids_text() == "C1-C18"
    register(ClaimEntry("C20", {"en": "A gap.", "nl": "Een gat."}))
    assert ids_text().endswith("C17, C18, C20")


def test_a_catalogue_entry_is_an_id_and_a_statement_in_every_language():
    with pytest.raises(ValueError, match="C and a number"):
        ClaimEntry("X1", {"en": "a", "nl": "b"})
    with pytest.raises(ValueError, match="no statement in nl"):
        ClaimEntry("C30", {"en": "a"})
    with pytest.raises(ValueError, match="in the catalogue already"):
        register(ClaimEntry("C1", {"en": "Something else.", "nl": "Iets anders."}))


def test_a_claim_without_workshop_words_is_told_by_its_catalogue_statement(monkeypatch):
    """The pack shows every catalogue claim: one without its own workshop words gets its
    statement and a question asking the room for a guess; the others keep their words."""
    from sim.claims_catalogue import CATALOGUE, ClaimEntry
    from sim.report.i18n import TEXT
    from sim.workshop.content import claim_texts

    said = {
        "en": "Coffee first: a second coffee doubles the trust.",
        "nl": "Eerst koffie: twee koffies, dubbel vertrouwen.",
    }
    monkeypatch.setitem(CATALOGUE, "C99", ClaimEntry("C99", said))
    texts = claim_texts("C99", "nl")
    assert texts == {"title": "Eerst koffie", "claim": said["nl"], "q": TEXT["nl"]["ws_q_any"]}
    assert claim_texts("C1", "en")["title"] == TEXT["en"]["ws_title_C1"]


@pytest.mark.parametrize(
    ("base", "variant", "en", "nl"),
    [
        ((6, 2), (3, 1), "a relationship builder sells 3.0 times as much as a direct seller, "
         "then 3.0", "een relatiebouwer verkoopt normaal 3,0 keer zoveel als een harde "
         "verkoper, hier 3,0"),
        ((6, 2), (0, 0), "a relationship builder sells 3.0 times as much as a direct seller, "
         "then neither sells anything", "een relatiebouwer verkoopt normaal 3,0 keer zoveel "
         "als een harde verkoper, hier verkoopt geen van beiden iets"),
        ((1, 0), (4, 2), "a direct seller sells nothing, then a relationship builder sells 2.0 "
         "times as much as a direct seller", "normaal verkoopt een harde verkoper niets, hier "
         "verkoopt een relatiebouwer 2,0 keer zoveel als een harde verkoper"),
        ((0, 0), (0, 0), "neither sells anything, then neither sells anything",
         "normaal verkoopt geen van beiden iets, hier verkoopt geen van beiden iets"),
    ],
)  # fmt: skip
def test_the_lead_of_one_group_over_the_other_reads_when_one_sells_nothing(
    laptop_folder, base, variant, en, nl
):
    """'X sells n times as much as Y, then m' in words, also where a ratio does not exist."""
    from sim.report.data import load_run
    from sim.report.verdicts import Words

    run = load_run(laptop_folder)
    better, other = run.contrast
    metrics = {
        name: {f"units.{better}": {"mean": a}, f"units.{other}": {"mean": b}}
        for name, (a, b) in (("base", base), ("x", variant))
    }
    run.manifest = {**run.manifest, "metrics": metrics}
    words = Words(run)
    assert (words.lead("x", "en"), words.lead("x", "nl")) == (en, nl)
