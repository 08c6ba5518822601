"""Hostile input and oversized runs, case by case: never a traceback,
never a frozen terminal, never a run bigger than the machine. Each case is one found by trying
the tool as a hostile user would."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.paths import RESULTS_DIR
from sim.scenario import stem_name

HEAD = '[scenario]\ndescription = "x"\n'
SMALL = "[params.scene]\nmembers = 40\n[params.run]\nweeks = 3\n"


def cli(*args):
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr.strip(), result.stdout


def refused(tmp_path, text, expected, name="bad.toml", *args):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "run"
    code, err, _ = cli("run", str(path), "--out", str(out), *args)
    assert code == 2, err
    assert expected in err and str(path) in err, err
    assert err.count("\n") == 0 and "Traceback" not in err
    assert not out.exists()
    return err


# --- tracebacks ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        "x = " + "[" * 400 + "]" * 400 + "\n",  # arrays within arrays
        "x = " + "{a = " * 300 + "1" + "}" * 300 + "\n",  # inline tables within tables
        "[" + ".".join(["a"] * 300) + "]\nb = 1\n",  # a deep table header
    ],
    ids=["arrays", "inline-tables", "table-header"],
)
def test_deep_nesting_is_a_one_line_error(tmp_path, body):
    refused(tmp_path, HEAD + body, "nested too deeply")


# --- terminal markup and long strings --------------------------------------------------------
def test_markup_in_a_description_is_printed_as_text(tmp_path):
    """`[/bold]` once crashed the run after validate said ok; `[link=...]` made a hyperlink."""
    path = tmp_path / "markup.toml"
    text = "[/bold] [link=file:///etc/passwd]click[/link] [red]"
    path.write_text(f'[scenario]\ndescription = "{text}"\n{SMALL}', encoding="utf-8")
    out = tmp_path / "run"
    code, err, stdout = cli("run", str(path), "--out", str(out), "--quiet", "--replications", "1")
    assert code == 0, err
    assert text in stdout.replace("\n", "")  # printed literally
    assert (out / "report.html").is_file()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("[/red]", "variant name '[/red]' is not allowed"),
        ("", "variant name '' is not allowed"),
        (" ", "variant name ' ' is not allowed"),
        ("\\u0000", "variant name '\\x00' is not allowed"),
        ("a/b", "variant name 'a/b' is not allowed"),
        ("x" * 100_000, "variant name 'xxxxx"),
    ],
    ids=["markup", "empty", "blank", "nul", "path", "long"],
)
def test_variant_names_are_slugs(tmp_path, name, expected):
    body = f'{HEAD}[variants."{name}"]\nset = {{ "events.count" = 1 }}\n'
    err = refused(tmp_path, body, expected)
    assert len(err) < 1000  # the long name is cut in the message


def test_a_long_name_or_description_is_refused_not_printed(tmp_path):
    refused(tmp_path, f'[scenario]\nname = "{"n" * 100_000}"\ndescription = "x"\n', "scenario.name")
    refused(tmp_path, f'[scenario]\ndescription = "{"d" * 2_000_000}"\n', "scenario.description")


def test_the_terminal_shows_long_text_cut():
    from sim.cli import shown

    assert shown("x" * 10_000, 20) == "x" * 19 + "…"
    assert shown("a\x00b\x1b[31mc") == "a?b?[31mc"


# --- empty tables and misspelt sections ------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[params.scene]\nmembers = {}\n", "key 'params.scene.members' is an empty table"),
        ("[params.run]\nweeks = {}\n", "key 'params.run.weeks' is an empty table"),
        ("[params.sceen]\n", "key 'params.sceen' is an empty table"),
        ("[params.scene]\n", "key 'params.scene' is an empty table"),
        ("[variants.v]\n", "key 'variants.v' is an empty table"),
    ],
)
def test_empty_tables_are_refused(tmp_path, body, expected):
    refused(tmp_path, HEAD + body, expected)


# --- file names --------------------------------------------------------------------------------
def test_results_never_land_outside_the_results_folder():
    """A file named `...toml` without a `name` once wrote its results into the project root."""
    assert stem_name(Path("...toml")) == "scenario"
    assert stem_name(Path("../../etc.toml")) == "etc"
    assert stem_name(Path("<b>x<b>.toml")) == "b_x_b"
    from sim.experiments.execution import default_out_dir

    assert default_out_dir(stem_name(Path("...toml"))).parent == RESULTS_DIR / "scenario"


# --- rules and their bounds --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "[params.reputation]\ncompetence_mean = 1.0\ncompetence_sd = 0.1\n",
            "reputation.competence_sd (0.1) must satisfy sd^2 < mean * (1 - mean) = 0 for group",
        ),
        ('[params.scene]\nmembers = 10\n[[params.scene.groups]]\nname = "all"\n'
         'strategy = "relationship"\nshare = 1.0\n[params.events]\nformat = "chapter"\n'
         "[params.chapter]\nsize = 100\n", "chapter.size (100) must be at most scene.members (10)"),
        ('[params.events]\nformat = "dinner"\n[params.dinner]\ntable_size = 30\n'
         "[params.scene]\nmembers = 20\n", "dinner.table_size (30) must be at most scene.members"),
        ("[params.circle]\njoin = true\nsize = 20\n[params.scene]\nmembers = 10\n"
         '[[params.scene.groups]]\nname = "all"\nstrategy = "relationship"\nshare = 1.0\n',
         "circle.size (20) must be at most scene.members (10)"),
        ("[params.memory]\ntop_of_mind_level = 0.3\n",
         "memory.top_of_mind_level (0.3) must be at least memory.name_level (0.5)"),
        ("[params.events]\ncount = 100000000000000000000000\n", "key 'events.count'"),
        ("[params.run]\nseed = 100000000000000000000000\n", "key 'run.seed'"),
        ('[variants.same]\nset = { "events.count" = 0 }\nexpect = { units_per_member = "lower" }\n',
         "the variant changes nothing against the base"),
    ],
    ids=["competence", "chapter", "tables", "circle", "levels", "count", "seed", "identical"],
)  # fmt: skip
def test_rules_name_the_rule_and_its_bound(tmp_path, body, expected):
    err = refused(tmp_path, HEAD + body, expected)
    assert "{" not in err  # the rule, not a dump of the section


@pytest.mark.parametrize("claims", ['["C99"]', '["x"]', '["C1", "C1"]', '["c1"]'])
def test_claims_are_claim_ids(tmp_path, claims):
    refused(tmp_path, f'[scenario]\ndescription = "x"\nclaims = {claims}\n', "scenario.claims")


# --- runs bigger than the machine --------------------------------------------------------------
def test_a_million_members_is_refused_at_once_with_its_estimate(tmp_path):
    err = refused(
        tmp_path, HEAD + "[params.scene]\nmembers = 1000000\n", "one replication needs about"
    )
    assert "GB of memory" in err and "lower scene.members" in err


def test_a_limit_set_by_the_user_is_kept(tmp_path):
    body = HEAD + "[params.scene]\nmembers = 100000\n"
    err = refused(tmp_path, body, "more than the 4.3 GB of --max-memory", "big.toml",
                  "--max-memory", "4G")  # fmt: skip
    assert "one replication needs about" in err


def test_fewer_workers_when_only_one_fits(tmp_path):
    """The run goes ahead on as many workers as the memory holds, and says so."""
    path = tmp_path / "two.toml"
    path.write_text(HEAD + SMALL, encoding="utf-8")
    out = tmp_path / "run"
    code, err, stdout = cli(
        "run", str(path), "--out", str(out), "--quiet", "--replications", "2", "--workers", "2",
        "--max-memory", "1000M",
    )  # fmt: skip
    assert code == 0, err
    assert "note: 2 workers would need" in stdout.replace("\n", " ")
    assert json.loads((out / "manifest.json").read_text())["workers"] == 1


@pytest.mark.parametrize(
    ("option", "value"),
    [("--replications", "100000"), ("--workers", "100000"), ("--max-memory", "lots")],
)
def test_options_have_bounds(tmp_path, option, value):
    """Through the real entry point: one line, exit 2, nothing written."""
    import subprocess
    import sys

    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "run", "laptop", option, value, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert option in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
