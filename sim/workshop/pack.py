"""Build the workshop pack: runs made for it, then the deck, the handouts and the guide.

`python -m sim workshop --lang nl` (make workshop LANG=nl) runs every scenario of PACK (each a
normal run folder with its report, in runs/<scenario>/), then writes deck.html, handouts.pdf
(and .html), guide.pdf (and .html) and pack.json into results/workshop/<stamp>/. The folder is
written aside and published whole (sim/experiments/folders.py); killed half-way, the same
command with the same --out resumes: finished runs are kept, an unfinished one resumes.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from sim.errors import ConfigError
from sim.experiments import folders
from sim.experiments.runner import git_commit, run_scenario, versions
from sim.experiments.tables import write_atomic, write_json
from sim.report.i18n import TEXT
from sim.report.page import build_report
from sim.scenario import load_scenario
from sim.terminal import console
from sim.workshop import content
from sim.workshop.deck import render_deck
from sim.workshop.printed import guide_html, handouts_html, print_pdf


def scenarios(overrides: dict, names: list[str] | None = None) -> dict:
    """The pack's scenarios (PACK, or `names`) with the --set overrides applied (ConfigError:
    one line naming the scenario and the key)."""
    out = {}
    for name in names or content.PACK:
        scn = load_scenario(name, overrides)
        if scn.params.scene.regions > 1:
            raise ConfigError(
                f"--scenarios: '{name}' has several regions; a pack runs scenes of one"
            )
        out[scn.name] = scn
    return out


def build_pack(
    out: Path, lang: str, overrides: dict, replications: int | None = None,
    seed: int | None = None, workers: int | None = None, overwrite: bool = False,
    names: list[str] | None = None,
) -> Path:  # fmt: skip
    """Run the pack's scenarios and write its files; returns the published folder."""
    began = time.perf_counter()
    scns = scenarios(overrides, names)
    ident = {"kind": "workshop", "lang": lang, "set": overrides, "replications": replications,
             "seed": seed, "scenarios": list(scns)}  # fmt: skip
    staging, resumed = folders.open_staging(out, ident, overwrite)
    if resumed:
        console.print(f"resuming {out}", markup=False)
    runs = {}
    for k, (name, scn) in enumerate(scns.items(), 1):
        runs[name] = folder = staging / "runs" / name
        if (folder / "manifest.json").is_file():
            continue  # finished before a kill
        console.print(f"pack: {name} ({k} of {len(scns)})", markup=False)
        run_scenario(scn, replications=replications, seed=seed, workers=workers, out_dir=folder)
        build_report(folder, lang)
    write_views(staging, runs, lang)
    wall = time.perf_counter() - began
    write_json(staging / "pack.json", {
        **ident, "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(wall, 1), "runs": {n: f"runs/{n}" for n in runs},
        "files": ["deck.html", "handouts.pdf", "handouts.html", "guide.pdf", "guide.html"],
        "versions": versions(), "git_commit": git_commit(),
    })  # fmt: skip
    folders.publish(staging, out)
    return out


def write_views(folder: Path, runs: dict[str, Path], lang: str) -> None:
    """deck.html, handouts (.html, .pdf) and guide (.html, .pdf) from the run folders."""
    items = content.items(runs, lang)
    reps = sorted({load_manifest_reps(p) for p in runs.values()})
    made = TEXT[lang]["ws_made"].format(
        date=datetime.now(UTC).date().isoformat(), runs=len(runs),
        reps="/".join(str(r) for r in reps),
    )  # fmt: skip
    pages = {
        "deck.html": render_deck(items, lang, made),
        "handouts.html": handouts_html(items, lang),
        "guide.html": guide_html(items, lang, made),
    }
    for name, text in pages.items():
        write_atomic(folder / name, lambda p, text=text: p.write_text(text, encoding="utf-8"))
    for name in ("handouts", "guide"):
        write_atomic(folder / f"{name}.pdf", lambda p, n=name: print_pdf(folder / f"{n}.html", p))


def load_manifest_reps(folder: Path) -> int:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["replications"]
