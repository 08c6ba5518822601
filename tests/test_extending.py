"""docs/extending.md: every worked example (a `python` block) runs as written, each in a fresh
interpreter from the project's root, so the registries it extends start clean."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "extending.md"
BLOCKS = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
TITLES = re.findall(r"^## (.+)$", GUIDE.read_text(encoding="utf-8"), re.M)


def test_the_guide_has_an_example_for_each_building_block():
    assert TITLES == [
        "A strategy",
        "A trait",
        "An event format",
        "A metric",
        "A claim",
        "A scenario",
    ]
    assert len(BLOCKS) == len(TITLES)


@pytest.mark.parametrize("title, code", list(zip(TITLES, BLOCKS, strict=True)), ids=TITLES)
def test_the_worked_example_runs(title, code):
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, f"{title}:\n{proc.stderr}"
