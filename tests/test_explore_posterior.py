"""Explore with a posterior (`sim explore SCENARIO --posterior DIR`): points drawn from an
inference folder's posterior by weighted resampling, no sensitivity indices, the atlas's
probability that each claim holds given the evidence (Wilson 95 %), and `sim claims` and the
workshop deck quoting it (sim/experiments/design.py, explore.py, discovery.py,
sim/report/atlas.py). Claims: C1, C2, C10, C12 as the registry judges them at each draw."""

import html
import json
import re
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.errors import ConfigError
from sim.experiments.design import load_posterior, posterior_plan
from sim.experiments.explore import explore
from sim.report.atlas import Atlas
from sim.scenario import load_scenario

pytestmark = pytest.mark.xdist_group("explore")

SMALL = {"scene.members": 40, "run.weeks": 26}
SETS = [f"--set={k}={v}" for k, v in SMALL.items()]
PARTICLES = {
    "referrals.mention": [0.04, 0.08, 0.12],
    "trust.half_life_weeks": [30.0, 50.0, 90.0],
    "market.referral_convert": [0.35, 0.5, 0.45],
}


def write_posterior(folder: Path, weights, columns=PARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pl.DataFrame({**columns, "weight": weights}).write_parquet(folder / "posterior.parquet")
    manifest = {"kind": "inference", "scenario": "scenarios/bni.toml", "status": "complete"}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def plan_for(folder: Path, samples=50, seed=3):
    scenario = load_scenario("laptop", SMALL)
    return posterior_plan(load_posterior(folder, scenario.params), samples, 2, seed, "test")


# --- the draws ---------------------------------------------------------------------------------
def test_the_draws_follow_the_weights(tmp_path):
    one = plan_for(write_posterior(tmp_path / "one", [0.0, 1.0, 0.0]))
    assert (one.draws == 1).all()  # a particle of weight 1 is every point
    assert np.allclose(one.points, [[0.08, 50.0, 0.5]] * 50)
    assert one.overrides(0) == {
        "referrals.mention": 0.08,
        "trust.half_life_weeks": 50.0,
        "market.referral_convert": 0.5,
    }
    half = plan_for(write_posterior(tmp_path / "half", [2.0, 0.0, 2.0]), samples=400)
    assert set(half.draws) == {0, 2}  # weights need not sum to 1; a zero weight is never drawn
    assert 0.4 < (half.draws == 0).mean() < 0.6


def test_the_same_seed_draws_the_same_points(tmp_path):
    folder = write_posterior(tmp_path / "p", [0.2, 0.5, 0.3])
    assert np.array_equal(plan_for(folder, seed=3).points, plan_for(folder, seed=3).points)
    assert not np.array_equal(plan_for(folder, seed=3).draws, plan_for(folder, seed=4).draws)
    plan = plan_for(folder)
    assert plan.identity()["posterior_sha256"] == load_posterior(folder, plan_params()).sha256


def plan_params():
    return load_scenario("laptop", SMALL).params


# --- an exploration ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def explored(tmp_path_factory):
    """A posterior exploration of the small laptop scene, and a run beside it."""
    from sim.experiments.runner import run_scenario

    root = tmp_path_factory.mktemp("posterior")
    post = write_posterior(root / "inference", [0.5, 0.3, 0.2])
    scenario = load_scenario("laptop", SMALL)
    plan = posterior_plan(load_posterior(post, scenario.params), 6, 2, 7, str(post))
    out = root / "laptop" / "explore-20990101T000000Z"
    sets = [f"{k}={v}" for k, v in SMALL.items()]
    found = explore(scenario, plan, workers=1, out_dir=out, show_progress=False, overrides=sets)
    assert found.failed == {} and found.ran == found.tasks == 12
    run = run_scenario(
        scenario, replications=2, out_dir=root / "laptop" / "run", show_progress=False,
        curves=False,
    )  # fmt: skip
    return out, post, run.out_dir


def test_the_manifest_records_the_posterior_and_no_indices_are_computed(explored):
    out, post, _ = explored
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["design"]["design"] == "posterior" and manifest["points"] == 6
    assert manifest["posterior"]["folder"] == str(post.resolve())
    assert manifest["posterior"]["sha256"] == load_posterior(post, plan_params()).sha256
    assert manifest["posterior"]["evidence"] == "bni"
    assert manifest["analysis"]["sensitivity"] == "skipped (posterior)"
    assert pl.read_parquet(out / "sensitivity.parquet").is_empty()
    bounds = pl.read_parquet(out / "boundaries.parquet")
    assert {"C1", "C10", "C12"} <= set(bounds["claim"]) and (bounds["points"] <= 6).all()


@pytest.mark.parametrize(
    ("lang", "said", "none", "every"),
    [
        ("en", r"Given BNI's published figures, this holds with a probability of about "
               r"(\d\.\d\d) \(between (\d\.\d\d) and (\d\.\d\d)\)\.",
         r"Given BNI's published figures, this held in none of the (\d+) draws: its "
         r"probability is at most about (\d\.\d\d)\.",
         r"Given BNI's published figures, this held in all (\d+) draws: its probability is at "
         r"least about (\d\.\d\d)\."),
        ("nl", r"Uitgaande van de cijfers die BNI publiceert, is de kans dat dit klopt ongeveer "
               r"(\d,\d\d) \(tussen (\d,\d\d) en (\d,\d\d)\)\.",
         r"Uitgaande van de cijfers die BNI publiceert, klopte dit in geen van de (\d+) "
         r"trekkingen: de kans is hooguit zo'n (\d,\d\d)\.",
         r"Uitgaande van de cijfers die BNI publiceert, klopte dit in alle (\d+) trekkingen: de "
         r"kans is minstens zo'n (\d,\d\d)\."),
    ],
)  # fmt: skip
def test_the_atlas_says_how_probable_each_claim_is(explored, lang, said, none, every):
    """Between 0 and every draw: the probability and its interval; at 0 or every draw, how many
    draws, and the interval's one informative end."""
    out, _, _ = explored
    page = Atlas(out, lang).render()
    bounds = pl.read_parquet(out / "boundaries.parquet")
    for (claim,), rows in bounds.group_by("claim"):
        r = rows.row(0, named=True)
        section = html.unescape(page[page.index(f'id="{claim}"') :])
        if r["held_points"] in (0, r["points"]):
            end = "share_ci_high" if r["held_points"] == 0 else "share_ci_low"
            n, bound = re.search(none if end == "share_ci_high" else every, section).groups()
            assert int(n) == r["points"] and float(bound.replace(",", ".")) == round(r[end], 2)
            continue
        p, lo, hi = (float(x.replace(",", ".")) for x in re.search(said, section).groups())
        assert p == round(r["share"], 2) and lo == round(r["share_ci_low"], 2) < 1
        assert hi == round(r["share_ci_high"], 2) and lo <= p <= hi
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", page.split("</head>")[1], flags=re.S)
    assert "μ*" not in text and "{" not in text and "referrals.mention" not in text


def test_resume_finishes_and_a_changed_posterior_is_refused(explored, tmp_path):
    out, post, _ = explored
    runner = CliRunner()
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    first = sorted((copy / "runs").iterdir())[0]
    first.unlink()
    result = runner.invoke(app, ["explore", "--resume", str(copy), "--quiet"])
    assert result.exit_code == 0, result.output
    assert pl.read_parquet(copy / "points.parquet").equals(pl.read_parquet(out / "points.parquet"))
    assert first.is_file()
    changed = write_posterior(tmp_path / "changed", [0.5, 0.3, 0.2])
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["posterior"]["folder"] = str(changed)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    write_posterior(changed, [0.1, 0.1, 0.8])
    result = runner.invoke(app, ["explore", "--resume", str(copy)])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "has changed since this exploration began" in result.stderr


def test_a_scenario_without_explore_takes_a_posterior(tmp_path):
    text = Path("scenarios/laptop.toml").read_text()
    (tmp_path / "plain.toml").write_text(text[: text.index("[explore]")])
    post = write_posterior(tmp_path / "inference", [0.0, 1.0, 0.0])
    out = tmp_path / "out"
    args = ["explore", str(tmp_path / "plain.toml"), "--posterior", str(post), *SETS]
    result = CliRunner().invoke(
        app, [*args, "--samples", "2", "--replications", "1", "--out", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "atlas.html").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["design"]["replications"] == 1 and manifest["points"] == 2


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    runner = CliRunner()
    empty = tmp_path / "empty"
    empty.mkdir()
    unknown = write_posterior(
        tmp_path / "unknown", [1.0, 0.0, 0.0], {**PARTICLES, "ties.nope": [1] * 3}
    )
    wrong = {**PARTICLES, "market.referral_convert": [0.5, 1.5, 0.4]}
    beyond = write_posterior(tmp_path / "beyond", [1.0, 0.0, 0.0], wrong)
    good = write_posterior(tmp_path / "good", [1.0, 0.0, 0.0])
    cases = [
        (["--posterior", str(empty)], "no posterior.parquet here; give a folder written by"),
        (["--posterior", str(unknown)], "unknown key 'ties.nope'; allowed:"),
        (["--posterior", str(beyond)], "key 'market.referral_convert' = 1.5 is invalid"),
        (["--posterior", str(good), "--design", "lhs"], "give no --ranges or --design"),
        (["--posterior", str(good), "--samples", "1"], "--samples 1 is invalid"),
        (["--design", "posterior"], "'posterior' needs --posterior DIR"),
    ]
    for extra, message in cases:
        result = runner.invoke(app, ["explore", "laptop", *extra, "--out", str(tmp_path / "o")])
        assert result.exit_code == 2, (extra, result.output)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
    with pytest.raises(ConfigError, match="'weight' column"):
        pl.DataFrame(PARTICLES).write_parquet(empty / "posterior.parquet")
        load_posterior(empty, plan_params())


# --- claims and the deck quote it --------------------------------------------------------------
def test_claims_and_the_deck_quote_the_probability_when_a_posterior_is_beside(explored):
    from sim.workshop.content import items

    out, _, run = explored
    bounds = pl.read_parquet(out / "boundaries.parquet")
    result = CliRunner().invoke(app, ["claims", str(run), "--json"])
    assert result.exit_code == 0, result.output
    found = {v["claim"]: v for v in json.loads(result.stdout)}
    for claim in set(found) & set(bounds["claim"]):
        quote = found[claim]["posterior"]
        assert re.match(r"Given BNI's published figures, this (holds with|held in)", quote["en"])
        assert re.match(
            r"Uitgaande van de cijfers die BNI publiceert, (is de kans|klopte)", quote["nl"]
        )
        assert found[claim]["where"] == quote  # no box exploration beside: only the quote
        assert not re.search(r"\b(referrals|market|trust)\.\w+", quote["en"] + " " + quote["nl"])
    from sim.report.data import exploration, load_run

    assert exploration(load_run(run)) is None  # a posterior's draws are no box to say "where"
    said = CliRunner().invoke(app, ["claims", str(run), "--lang", "nl"]).stdout
    assert "Uitgaande van de cijfers die BNI publiceert" in said
    for lang, words in (
        ("en", "Given BNI's published figures"),
        ("nl", "Uitgaande van de cijfers"),
    ):
        deck = {i.claim: html.unescape(i.verdict) for i in items({"laptop": run}, lang)}
        assert words in deck["C1"] and words in deck["C10"]


def test_without_a_posterior_beside_nothing_changes(explored, tmp_path):
    from sim.workshop.content import items

    _, _, run = explored
    alone = tmp_path / "laptop" / "run"
    shutil.copytree(run, alone)
    result = CliRunner().invoke(app, ["claims", str(alone), "--json"])
    assert not any("posterior" in v or "where" in v for v in json.loads(result.stdout))
    deck = {i.claim: i.verdict for i in items({"laptop": alone}, "en")}
    assert "Given" not in deck["C1"]


def test_a_mechanism_decides_a_claim_only_where_the_box_restricts_it_beyond_chance():
    from sim.report.evidence import deciders

    keys = ["referrals.mention", "trust.half_life_weeks", "ties.belief"]
    rows = pl.DataFrame(
        {"parameter": keys, "restricted": [True, True, False], "qp": [0.2, 0.01, None]}
    )
    assert deciders(rows, "en") == "the half-life of trust"
    rows = rows.with_columns(qp=pl.Series([0.03, 0.001, None]))  # the most certain first
    assert deciders(rows, "nl") == (
        "de halfwaardetijd van vertrouwen en de kans dat een contact een behoefte ter sprake brengt"
    )


@pytest.mark.parametrize(
    ("direction", "en", "nl"),
    [
        (1.0, "Its direction held in every draw: what is uncertain is its size.",
         "De richting klopte in elke trekking: wat onzeker is, is de omvang."),
        (0.8, "Its direction alone holds with a probability of about 0.80",
         "Alleen de richting klopt met een kans van ongeveer 0,80"),
        (0.3, None, None),  # the direction is as uncertain as the whole claim: nothing to add
        (None, None, None),
        (-1.0, "Its direction held in every draw; its size never did.",
         "De richting klopte in elke trekking; de omvang nooit."),  # held in none of the draws
    ],
)  # fmt: skip
def test_a_claim_whose_size_is_in_doubt_says_its_direction_alone(direction, en, nl):
    from sim.report.evidence import posterior_quote

    share, held = (0.25, 50) if direction != -1 else (0.0, 0)  # -1: every direction, no size
    rows = pl.DataFrame(
        {"parameter": ["referrals.mention"], "restricted": [False], "qp": [None],
         "share": [share], "share_ci_low": [0.0], "share_ci_high": [0.31],
         "direction_share": [abs(direction) if direction else None], "held_points": [held],
         "points": [200]},
        schema_overrides={"qp": pl.Float64, "direction_share": pl.Float64},
    )  # fmt: skip
    quote = posterior_quote(rows, "bni")
    assert quote["en"].startswith("Given BNI's published figures, this h")
    for lang, said in (("en", en), ("nl", nl)):
        if said is None:
            assert "direction" not in quote[lang] and "richting" not in quote[lang]
        else:
            assert said in quote[lang], quote[lang]


def test_a_slide_quotes_the_probability_without_what_decides_it():
    """The deck keeps a slide short: the probability (and the direction's), not the mechanisms
    that decide it, which `sim claims` and the atlas say."""
    from sim.report.evidence import posterior_quote

    rows = pl.DataFrame(
        {"parameter": ["referrals.mention"], "restricted": [True], "qp": [0.001],
         "share": [0.5], "share_ci_low": [0.4], "share_ci_high": [0.6],
         "direction_share": [0.55], "held_points": [100], "points": [200]},
    )  # fmt: skip
    full, short = posterior_quote(rows, "bni"), posterior_quote(rows, "bni", full=False)
    assert "depends most on the chance a contact mentions a need" in full["en"]
    assert "hangt vooral af van" in full["nl"]
    assert short["en"] == full["en"].split(" Whether")[0] and "hangt" not in short["nl"]
