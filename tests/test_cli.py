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
        (GOOD_HEAD + "[params.scene]\nmembers = 5\n", "must be at least focal_direct"),
        (GOOD_HEAD + '[variants.base]\ndescription = "x"\n', "reserved"),
        (GOOD_HEAD + "[variants]\nv = 3\n", "variants.v"),
        (
            GOOD_HEAD
            + '[params.events]\nformat = "circuit"\n[params.circuit]\nvisits_per_month = 5\n',
            "one event a week",
        ),
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
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "run", "nope"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr


def test_list_and_validate_the_shipped_scenarios():
    code, _, out = run_cli("list")
    assert code == 0 and "laptop" in out
    code, _, out = run_cli("validate", "laptop")
    assert code == 0 and "ok" in out


def test_set_changes_the_base_but_not_a_variants_own_settings():
    from sim.config import load_scenario

    scn = load_scenario("laptop", {"market.referral_convert": 0.3})
    assert scn.variants["base"].market.referral_convert == 0.3
    assert scn.variants["no_conversion"].market.referral_convert == 0.0


def test_out_pointing_at_a_file_is_a_one_line_error(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("keep me")
    code, err, _ = run_cli("run", "laptop", "--out", str(a_file / "run"), "--quiet")
    assert code == 2 and "--out" in err and a_file.read_text() == "keep me"


def test_a_scene_without_focal_sellers_runs_and_reports_undefined_checks(tmp_path):
    code, err, out = run_cli(
        "run",
        "laptop",
        "--replications",
        "1",
        "--workers",
        "1",
        "--quiet",
        "--out",
        str(tmp_path),
        "--set",
        "scene.focal_direct=0",
        "--set",
        "scene.focal_relationship=0",
        "--set",
        "run.weeks=12",
        "--set",
        "scene.members=30",
    )
    assert code == 0, err
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["expectations"] and all(c["held"] is None for c in manifest["expectations"])


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
    assert table.height == 2 * 4 and set(table["value"]) == {"0.4", "0.8"}
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
