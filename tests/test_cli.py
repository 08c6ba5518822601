"""Bad input: one line naming file, key and what is allowed; exit status 2; no traceback."""

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
    ],
)
def test_bad_scenario_files_give_one_line_errors(tmp_path, body, expected):
    path = write(tmp_path, body)
    code, err, _ = run_cli("validate", path)
    assert code == 2
    assert expected in err and path in err
    assert "\n" not in err and "Traceback" not in err
    assert "allowed" in err or "malformed" in err


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
