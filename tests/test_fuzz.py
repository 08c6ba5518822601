"""Fuzzing scenario files: hostile files made from the real ones are refused cleanly.

Hypothesis takes a real scenario file and mutates it (wrong types, extreme numbers, hostile
strings with terminal markup, control characters or a megabyte of text, unknown keys, empty
tables, deep nesting, invalid UTF-8, a cut-off file). Whatever it makes, `validate` either
accepts it (exit 0) or refuses it with one line on stderr that names the file (exit 2): never a
traceback, never a hang. FUZZ_EXAMPLES=1000 runs a longer campaign (the default keeps `make
test` short); a file that validates is also run for two weeks, to reach the terminal and report.
"""

from __future__ import annotations

import os
import signal
import tomllib

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app
from sim.paths import SCENARIO_DIR

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
DOCS = [tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted(SCENARIO_DIR.glob("*.toml"))]
HANG_GUARD_SECONDS = 60  # far above the milliseconds a file takes; only a hang reaches it

hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "[/bold]",
            "[link=file:///etc/passwd]x[/link]",
            "[red]",
            "\x00",
            "\x1b[31m",
            "../../x",
            "a/b",
            " ",
            "",
            "FILE_SIZE",
            "<script>alert(1)</script>",
            "C99",
            "direct",
            "builders",
        ]
    ),
    st.integers(1, 6).map(lambda k: "x" * 10**k),
)
hostile_value = st.recursive(
    st.one_of(
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        hostile_text,
        st.datetimes(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(hostile_text, inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(tree, prefix=()):
    """Every (path, value) in a parsed TOML document, tables and lists included."""
    items = tree.items() if isinstance(tree, dict) else enumerate(tree)
    for key, value in items:
        yield (*prefix, key), value
        if isinstance(value, dict | list):
            yield from paths(value, (*prefix, key))


def nested(depth: int):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def hostile_file(draw) -> bytes:
    doc = draw(st.sampled_from(DOCS))
    doc = tomllib.loads(tomli_w.dumps(doc))  # a copy
    for _ in range(draw(st.integers(1, 4))):
        spots = list(paths(doc))
        if not spots:  # every key deleted already
            break
        path, _ = draw(st.sampled_from(spots))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["value", "delete", "unknown", "empty", "deep", "rename"]))
        if action == "value":
            parent[path[-1]] = draw(hostile_value)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "unknown" and isinstance(parent, dict):
            parent[draw(hostile_text)] = draw(hostile_value)
        elif action == "empty":
            parent[path[-1]] = {}
        elif action == "deep":
            parent[path[-1]] = nested(draw(st.integers(5, 300)))
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(hostile_text)] = parent.pop(path[-1])
    try:
        text = tomli_w.dumps(doc).encode("utf-8", "surrogatepass")
    except (RecursionError, ValueError, TypeError):
        text = b"x = " + b"[" * 500 + b"]" * 500  # too deep even to write: the raw form
    corruption = draw(st.sampled_from(["none", "none", "bytes", "cut"]))
    if corruption == "bytes":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\x00"])) + text[at:]
    elif corruption == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    return text


def alarm(signum, frame):
    raise TimeoutError(f"no answer within {HANG_GUARD_SECONDS} s: a hang")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(hostile_file())
def test_a_hostile_scenario_file_is_accepted_or_refused_in_one_line(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "fuzzed.toml"
    path.write_bytes(text)
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_GUARD_SECONDS)
    try:
        result = CliRunner().invoke(app, ["validate", str(path)])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        err = result.stderr.strip()
        assert err.startswith("error: ") and err.count("\n") == 0, err
        assert str(path) in err and "Traceback" not in err, err


RUN_EXAMPLES = int(os.environ.get("FUZZ_RUN_EXAMPLES", "6"))


@settings(max_examples=RUN_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))), hostile_text)
@pytest.mark.xdist_group("fuzz-run")
def test_a_valid_file_with_hostile_text_runs_to_its_report(tmp_path_factory, name, text):
    """Text the file accepts (a description) reaches the terminal and the report as plain text."""
    doc = tomllib.loads((SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    doc["scenario"]["description"] = "".join(c for c in text if c.isprintable())[:400] or "x"
    folder = tmp_path_factory.mktemp("fuzzrun")
    path = folder / "hostile.toml"
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["run", str(path), "--out", str(folder / "run"), "--quiet", "--replications", "1",
         "--workers", "1", "--set", "run.weeks=2", "--set", "scene.members=40",
         "--set", "scene.regions=1"],
    )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 0, result.output
    assert (folder / "run" / "report.html").is_file()
