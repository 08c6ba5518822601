"""Bad input: one line naming file, key and what is allowed; exit status 2; no traceback."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()


def run_cli(*args):
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stderr.strip(), result.stdout


def write(tmp_path, text, name="bad.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


GOOD_HEAD = '[scenario]\ndescription = "x"\n'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[scenario\ndescription=", "malformed TOML"),
        (GOOD_HEAD + "[params.scene]\nmembrs = 3\n", "unknown key 'scene.membrs'"),
        (GOOD_HEAD + '[params.scene]\nmembers = "many"\n', "key 'scene.members'"),
        (GOOD_HEAD + "[params.market]\npitch_close = 1.5\n", "key 'market.pitch_close'"),
        (GOOD_HEAD + "[params.nothing]\nx = 1\n", "unknown key 'nothing.x'"),
        (GOOD_HEAD + '[variants.v]\nset = { "run.weks" = 1 }\n', "unknown key 'run.weks'"),
        (GOOD_HEAD + '[variants.v]\nexpect = { ratio = "up" }\n', "variants.v.expect"),
        ("[params.run]\nweeks = 3\n", "scenario.description"),
        ("params = 3\n" + GOOD_HEAD, "key 'params' must be a table"),
        ("variants = 3\n" + GOOD_HEAD, "key 'variants' must be a table"),
        (GOOD_HEAD + "[params]\nscene = 3\n", "key 'params.scene' must be a table"),
        ("[scenario]\ndescription = 3\n", "scenario.description"),
        ('[scenario]\ndescription = "x"\nclaims = "C1"\n', "scenario.claims"),
        ('[scenario]\ndescription = "x"\nname = "../up"\n', "scenario.name"),
        (GOOD_HEAD + "[params.run]\nweeks = true\n", "key 'run.weeks'"),
        (
            GOOD_HEAD + "[params.scene]\nmembers = 5\n",
            "counts add up to 6, more than scene.members (5)",
        ),
        (GOOD_HEAD + '[variants.base]\ndescription = "x"\n', "reserved"),
        (GOOD_HEAD + "[variants]\nv = 3\n", "variants.v"),
        (
            GOOD_HEAD
            + '[params.events]\nformat = "circuit"\n[params.circuit]\nvisits_per_month = 5\n',
            "one event a week",
        ),
        (GOOD_HEAD + "[report.curves]\none_to_ones = [1]\n", "report.curves.one_to_ones"),
        (GOOD_HEAD + "[report.curves]\none_to_ones = [1, 1]\n", "report.curves.one_to_ones"),
        (GOOD_HEAD + '[report.curves]\none_to_ones = ["a", 2]\n', "report.curves.one_to_ones"),
        (GOOD_HEAD + "[report.curves]\none_to_ones = [1, 99]\n", "one_to_ones"),
        (GOOD_HEAD + "[report.curves]\nnot_a_trait = [1, 2]\n", "not_a_trait"),
        (GOOD_HEAD + "[report]\ncurvez = 3\n", "unknown key 'report.curvez'"),
        (GOOD_HEAD + '[variants.v]\ndisplay = { fr = "x" }\n', "variants.v.display"),
    ],
)
def test_bad_scenario_files_give_one_line_errors(tmp_path, body, expected):
    path = write(tmp_path, body)
    code, err, _ = run_cli("validate", path)
    assert code == 2
    assert expected in err and path in err
    assert "\n" not in err and "Traceback" not in err


def test_unknown_scenario_lists_the_available_ones():
    code, err, _ = run_cli("run", "no_such_scenario")
    assert code == 2 and "available:" in err and "laptop" in err


def test_set_on_a_key_that_does_not_exist(tmp_path):
    code, err, _ = run_cli("run", "laptop", "--set", "market.no_such=1", "--out", str(tmp_path))
    assert code == 2 and "unknown key 'market.no_such'" in err and "allowed" in err


def test_set_with_a_value_out_of_range(tmp_path):
    code, err, _ = run_cli("run", "laptop", "--set", "events.attendance=7", "--out", str(tmp_path))
    assert code == 2 and "events.attendance" in err and "le 1" in err


def test_error_through_python_m_sim_has_no_traceback(tmp_path):
    """The real entry point answers with one line; it validates before importing the model."""
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "run", "nope"], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr


def test_bad_input_is_answered_without_importing_the_simulation():
    """`run` with a bad scenario never imports Mesa, SciPy or the runner (they take seconds)."""
    code = (
        "import sys\n"
        "from sim.cli import main\n"
        "sys.argv = ['sim', 'run', 'nope']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('mesa', 'scipy', 'sim.experiments.runner') if m in sys.modules]\n"
        "print(heavy)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_list_and_validate_the_shipped_scenarios():
    code, _, out = run_cli("list")
    assert code == 0 and "laptop" in out
    code, _, out = run_cli("validate", "laptop")
    assert code == 0 and "ok" in out


def test_set_changes_the_base_but_not_a_variants_own_settings():
    from sim.scenario import load_scenario

    scn = load_scenario("laptop", {"market.referral_convert": 0.3})
    assert scn.variants["base"].market.referral_convert == 0.3
    assert scn.variants["no_conversion"].market.referral_convert == 0.0


def test_out_pointing_at_a_file_is_a_one_line_error(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("keep me")
    code, err, _ = run_cli("run", "laptop", "--out", str(a_file / "run"), "--quiet")
    assert code == 2 and "--out" in err and a_file.read_text() == "keep me"


def test_a_scene_without_focal_groups_runs_and_checks_its_scene_metrics(tmp_path):
    """A roster with no focal group: nothing to follow per group, the scene metrics still work."""
    path = write(
        tmp_path,
        GOOD_HEAD
        + "[params.scene]\nmembers = 30\n"
        + '[[params.scene.groups]]\nname = "all"\nstrategy = "relationship"\nshare = 1.0\n'
        + "[params.run]\nweeks = 12\n"
        + '[variants.v]\nset = { "events.count" = 1 }\n'
        + 'expect = { referrals_per_member_year = "lower" }\n',
    )
    out = tmp_path / "run"
    code, err, _ = run_cli(
        "run", path, "--replications", "1", "--workers", "1", "--quiet", "--out", str(out)
    )
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["focal_groups"] == [] and len(manifest["expectations"]) == 1


def test_removing_the_contrast_groups_is_a_one_line_error(tmp_path):
    code, err, _ = run_cli(
        "run",
        "laptop",
        "--set",
        'scene.groups=[{name="all", strategy="relationship", share=1.0}]',
        "--out",
        str(tmp_path / "run"),
    )
    # the first key that names a group no longer there: a variant's, or the contrast
    assert code == 2 and "'builders'" in err and "\n" not in err
    assert not (tmp_path / "run").exists()


ROSTER = (
    GOOD_HEAD
    + "[params.scene]\nmembers = {members}\n"
    + '[[params.scene.groups]]\nname = "closers"\nstrategy = "{strategy}"\ncount = {count}\n'
    + "focal = true\n{trait}\n"
    + '[[params.scene.groups]]\nname = "{second}"\nstrategy = "relationship"\nshare = 1.0\n'
)


def roster(members=20, strategy="direct", count=3, trait="", second="others"):
    return ROSTER.format(
        members=members, strategy=strategy, count=count, trait=trait, second=second
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (roster(strategy="salesman"), "group 'closers': unknown strategy 'salesman'; allowed: "),
        (
            roster(strategy="relationship", trait="pitch_close = 0.01"),
            "group 'closers': 'pitch_close' is not a trait of this strategy",
        ),
        (roster(trait="listening = 1.5"), "group 'closers': trait 'listening' = 1.5"),
        (roster(count=0), "group 'closers' key 'count' = 0 is invalid"),
        (roster(count=-2), "group 'closers' key 'count' = -2 is invalid"),
        (roster(count=20), "no members are left for the groups with a share"),
        (roster(count=30), "counts add up to 30, more than scene.members (20)"),
        (roster(second="closers"), "two groups are named 'closers'"),
        (roster(trait="share = 0.5"), "group 'closers': give either count"),
        (roster(trait='sector = "everywhere"'), "group 'closers' key 'sector'"),
        (
            roster().replace("share = 1.0", 'share = 1.0\nsector = "own"'),
            "group 'others': sector 'own' (a sector per member) needs a count",
        ),
        (
            roster().replace("share = 1.0", "share = 0.5"),
            "the shares add up to 0.5; they must add to 1",
        ),
        (
            GOOD_HEAD + "[params.strategies.relationship]\nlistenin = 0.3\n",
            "strategies.relationship: 'listenin' is not a trait",
        ),
        (GOOD_HEAD + "[params.strategies.closer]\nlistening = 0.3\n", "strategies.closer"),
        (
            GOOD_HEAD + '[variants.v]\nset = { "scene.groups.closers.count" = 2 }\n',
            "no group named 'closers'; groups: pitchers, builders, others, other_pitchers",
        ),
        (
            GOOD_HEAD + '[variants.v]\nset = { "events.count" = 1 }\n'
            'expect = { "units.closers" = "lower" }\n',
            "'closers' is not a focal group",
        ),
        (
            GOOD_HEAD + '[variants.v]\nset = { "events.count" = 1 }\n'
            'expect = { "unit.builders" = "lower" }\n',
            "unknown metric 'unit.builders'",
        ),
        (
            GOOD_HEAD
            + '[variants.v]\nset = { "events.count" = 1 }\nexpect = { ratio = "lower" }\n',
            "needs [scenario] contrast",
        ),
    ],
)
def test_bad_rosters_give_one_line_errors_naming_file_group_and_key(tmp_path, body, expected):
    path = write(tmp_path, body)
    out = tmp_path / "run"
    code, err, _ = run_cli("run", path, "--out", str(out))
    assert code == 2, err
    assert expected in err and path in err, err
    assert "\n" not in err and "Traceback" not in err
    assert not out.exists()  # nothing written


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ("events.attendance", "give key=v1,v2"),
        ("events.attendence=0.4,0.8", "unknown key 'events.attendence'"),
        ("events.attendance=0.4,7", "events.attendance"),
        ("events.format=mixer,party", "events.format"),
    ],
)
def test_bad_sweep_parameters_give_one_line_errors(tmp_path, param, expected):
    code, err, _ = run_cli("sweep", "laptop", "--param", param, "--out", str(tmp_path))
    assert code == 2 and expected in err, err
    assert "\n" not in err and "Traceback" not in err


def test_a_sweep_writes_a_tidy_table_with_one_row_per_point_and_metric(tmp_path):
    import polars as pl

    code, err, out = run_cli(
        "sweep",
        "laptop",
        "--param",
        "events.attendance=0.4,0.8",
        "--replications",
        "2",
        "--workers",
        "1",
        "--quiet",
        "--out",
        str(tmp_path),
        "--set",
        "run.weeks=30",
        "--set",
        "scene.members=40",
    )
    assert code == 0, err
    table = pl.read_parquet(tmp_path / "sweep.parquet")
    assert table.height == 2 * 4 and set(table["value"]) == {"0.4", "0.8"}  # 2 groups + 2
    assert set(table["metric"]) == {
        "units.pitchers",
        "units.builders",
        "units_per_member",
        "referrals_per_member_year",
    }
    assert "events.attendance" in out and "= 0.4" in out and "= 0.8" in out


def test_a_sweep_key_given_twice_is_an_error(tmp_path):
    code, err, _ = run_cli(
        "sweep", "laptop", "--param", "events.attendance=0.4", "--param", "events.attendance=0.8"
    )
    assert code == 2 and "given twice" in err


def test_a_sweep_over_text_values(tmp_path):
    """Text values (a format, a policy) are swept like numbers: key=mixer,circle."""
    import polars as pl

    code, err, _ = run_cli(
        "sweep",
        "laptop",
        "--param",
        "events.format=mixer,circle",
        "--replications",
        "2",
        "--workers",
        "1",
        "--quiet",
        "--out",
        str(tmp_path),
        "--set",
        "run.weeks=20",
        "--set",
        "scene.members=40",
    )
    assert code == 0, err
    assert set(pl.read_parquet(tmp_path / "sweep.parquet")["value"]) == {"mixer", "circle"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--cluster", "slurm"], "--cluster 'slurm': allowed: local"),
        (["--scheduler", "10.0.0.5:8786"], "give the scheduler's address, e.g. tcp://"),
        (["--cluster", "local", "--scheduler", "tcp://127.0.0.1:1"], "give one of them"),
    ],
)
def test_bad_cluster_options_are_one_line_errors(tmp_path, args, expected):
    code, err, _ = run_cli("run", "laptop", "--out", str(tmp_path / "out"), *args)
    assert code == 2 and expected in err and "\n" not in err
    assert not (tmp_path / "out").exists()  # refused before anything is written


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path):
    code, err, _ = run_cli(
        "run", "laptop", "--set", "run.weeks=2", "--replications", "1", "--quiet",
        "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9",
    )  # fmt: skip
    assert code == 2 and "cannot reach the Dask scheduler" in err and "\n" not in err
    assert not (tmp_path / "out").exists()  # no empty folder, no parts left behind
