"""Golden small run: a fixed seed and a small scene must reproduce the stored figures exactly.

If a deliberate model change alters them, regenerate with `UPDATE_GOLDEN=1 make test` and say
why in the commit message.
"""

import json
import os
from pathlib import Path

import numpy as np
import polars as pl

from sim.experiments.tables import model_tables
from sim.model import NetworkingModel
from tests.conftest import small_params

GOLDEN = Path(__file__).parent / "golden" / "small_run.json"


def figures() -> dict:
    model = NetworkingModel(small_params(**{"run.weeks": 104}), rng=np.random.SeedSequence(2026))
    tables = model_tables(model.run(), 0, "base")
    agents = tables["agents"]
    return {
        "sales": tables["sales"].height,
        "units": int(tables["sales"]["units"].sum()),
        "referrals": tables["referrals"].height,
        "pairs": len(model.store),
        "conversations": int(agents["conversations"].sum()),
        "needs_arisen": model.market.needs_arisen,
        "needs_to_market": model.market.needs_to_market,
        "units_by_strategy": {
            r["strategy"]: int(r["units"])
            for r in agents.group_by("strategy").agg(pl.col("units").sum()).to_dicts()
        },
    }


def test_golden_small_run():
    got = figures()
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n")
    assert got == json.loads(GOLDEN.read_text())
