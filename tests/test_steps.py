"""The one place that chooses between the numpy steps and the compiled ones (sim/model/steps.py):
its table names both implementations of every step and a test that checks them equal, the
choice follows `kernels.use`, and no other module reads `kernels.ENABLED` to branch."""

import ast
from pathlib import Path

import pytest

from sim.model import kernels, steps

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def numpy_afterwards():
    """Each test leaves the process on the numpy code, as it found it."""
    yield
    kernels.use(False)


def test_the_table_has_one_row_per_step_in_the_order_of_steps():
    assert tuple(step.name for step in steps.TABLE) == steps.names()


def _test_names() -> set[str]:
    tree = ast.parse((ROOT / "tests" / "test_kernels.py").read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("step", steps.TABLE, ids=lambda step: step.name)
def test_every_step_has_two_implementations_and_a_test_of_their_equality(step):
    """Both sides name a function of the model's modules, not the same one, and the test that
    compares them (on random inputs, and whole runs) is in tests/test_kernels.py."""
    numpy, compiled = steps.resolve(step.numpy), steps.resolve(step.compiled)
    assert callable(numpy) and callable(compiled) and numpy is not compiled
    assert step.test in _test_names()


@pytest.mark.parametrize("compiled", [False, True])
def test_the_chosen_steps_follow_kernels_use(compiled):
    """`chosen` gives one side whole, built once: the numpy functions, or (after
    kernels.use(True)) the compiled ones."""
    kernels.use(compiled)
    chosen = steps.chosen()
    assert chosen is steps.chosen() and chosen.compiled == compiled
    for step in steps.TABLE:
        want = steps.resolve(step.compiled if compiled else step.numpy)
        assert getattr(chosen, step.name) is want, step.name


def _reads_enabled(path: Path) -> list[int]:
    """Lines of `path` that read kernels.ENABLED (as an attribute, or imported by name)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr == "ENABLED":
            lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and any(a.name == "ENABLED" for a in node.names):
            lines.append(node.lineno)
    return lines


def test_no_module_but_steps_and_kernels_reads_the_switch():
    """Modules run `steps.chosen().<step>`; none branches on kernels.ENABLED itself."""
    allowed = {ROOT / "sim" / "model" / "steps.py", ROOT / "sim" / "model" / "kernels.py"}
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "sim").rglob("*.py"))
        if path not in allowed and (lines := _reads_enabled(path))
    }
    assert found == {}


@pytest.mark.parametrize("first", ["referral_kernels", "pair_kernels", "kernels", "market"])
def test_netsim_kernels_numba_chooses_the_compiled_steps_whatever_is_imported_first(first):
    """NETSIM_KERNELS=numba switches the compiled steps on when a module that runs steps is
    first imported, whichever module a process imports first (a kernel module half imported
    while the kernels compile broke that)."""
    import os
    import subprocess
    import sys

    code = (
        f"import sim.model.{first}\n"
        "from sim.model import kernels, market, steps\n"
        "print(kernels.ENABLED, steps.chosen().compiled)\n"
    )
    env = {**os.environ, "NETSIM_KERNELS": "numba"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.stdout.split() == ["True", "True"], done.stderr[-2000:]
