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
        "A new kind of decision",
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


# Appended to the guide's connector ("A new kind of decision"): the same scene again, recording
# whom he introduced, and once more with the connectors as plain relationship builders.
CONNECTOR_CHECK = """
met = []


class Recording(NetworkingModel):
    def introduce(self, a, b):
        pairs = super().introduce(a, b)
        met.extend(zip(*(side.tolist() for side in pairs), strict=True))
        return pairs


with_him = Recording(apply_overrides(Params(), overrides, "example"), rng=1).run()
plain = [{"name": "connectors", "strategy": "relationship", "count": 3, "focal": True}, roster[1]]
without = {**overrides, "scene.groups": plain}
without = NetworkingModel(apply_overrides(Params(), without, "example"), rng=1).run()
a, b = np.array(met).T
assert a.size == with_him.introductions == model.introductions > 5, a.size
assert (with_him.store.find(a, b) >= 0).all() and (with_him.store.find(b, a) >= 0).all()
warm, cold = ((m.familiarity(a, b) + m.familiarity(b, a)) / 2 for m in (with_him, without))
assert warm.mean() > 1.5 * cold.mean(), (warm.mean(), cold.mean())
assert without.introductions == 0
"""


def test_the_connector_warms_the_pairs_he_introduces():
    """The guide's new kind of decision works as it says: the pairs the connector introduced
    met (both remember the other) and, at the end, remember each other better than the same
    pairs in the same scene without him; nobody is introduced without him."""
    code = BLOCKS[TITLES.index("A new kind of decision")] + CONNECTOR_CHECK
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
