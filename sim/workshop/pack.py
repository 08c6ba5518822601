"""Build the workshop pack: runs made for it, then the deck, the handouts, the guide and the
participants' sheets.

`python -m sim workshop --lang nl` (make workshop LANG=nl) runs every scenario of PACK (each a
normal run folder with its report, in runs/<scenario>/), then writes FILES and pack.json into
results/workshop/<stamp>/. The folder is written aside and published whole
(sim/experiments/folders.py); killed half-way, the same command with the same --out resumes:
finished runs are kept, an unfinished one resumes. `--room ROOM_DIR` adds a slide with the
room's own rounds (sim/workshop/room_slide.py); given with the --out of a finished pack, it
rebuilds that pack's views from its runs, with the room's slide, and runs nothing.
Claims: C1-C17.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from sim.errors import ConfigError
from sim.experiments import folders
from sim.experiments.runner import git_commit, run_scenario, versions
from sim.report.i18n import TEXT
from sim.report.page import build_report
from sim.scenario import load_scenario
from sim.storage import write_atomic, write_json
from sim.terminal import console
from sim.workshop import content, room_slide, story
from sim.workshop.deck import render_deck
from sim.workshop.guide import guide_html
from sim.workshop.printed import handouts_html, participants_html, print_pdf

FILES = ("deck.html", "handouts.pdf", "handouts.html", "guide.pdf", "guide.html",
         "participants.pdf", "participants.html")  # fmt: skip


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
    names: list[str] | None = None, room: Path | None = None,
) -> Path:  # fmt: skip
    """Run the pack's scenarios and write its files; returns the published folder."""
    rounds = room_slide.read_room(room) if room else None  # ConfigError before any run
    if rounds is not None and (out / "pack.json").is_file() and not overwrite:
        return rebuild_views(out, room, rounds)
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
        run_scenario(scn, replications=replications, seed=seed, workers=workers, out_dir=folder,
                     before_publish=lambda staged: build_report(staged, lang))  # fmt: skip
    write_views(staging, runs, lang, rounds)
    wall = time.perf_counter() - began
    write_json(staging / "pack.json", {
        **ident, "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(wall, 1), "runs": {n: f"runs/{n}" for n in runs},
        "files": list(FILES), "room": str(room) if room else None,
        "versions": versions(), "git_commit": git_commit(),
    })  # fmt: skip
    folders.publish(staging, out)
    return out


def rebuild_views(out: Path, room: Path, rounds) -> Path:
    """A finished pack's views again, from its own runs, with the room's slide."""
    pack = json.loads((out / "pack.json").read_text(encoding="utf-8"))
    runs = {name: out / folder for name, folder in pack["runs"].items()}
    write_views(out, runs, pack["lang"], rounds)
    write_json(out / "pack.json", {**pack, "files": list(FILES), "room": str(room)})
    return out


def write_views(folder: Path, runs: dict[str, Path], lang: str, room=None) -> None:
    """The deck, handouts, guide and participants' sheets (.html and .pdf) from the run
    folders (and the room's rounds, if any)."""
    items = content.items(runs, lang)
    reps = sorted({load_manifest_reps(p) for p in runs.values()})
    made = TEXT[lang]["ws_made"].format(
        date=datetime.now(UTC).date().isoformat(), runs=len(runs),
        reps="/".join(str(r) for r in reps),
    )  # fmt: skip
    slides = story.slides(items, lang, made, room)
    pages = {
        "deck.html": render_deck(slides, lang),
        "handouts.html": handouts_html(items, lang),
        "guide.html": guide_html(slides, items, lang, made),
        "participants.html": participants_html(lang),
    }
    for name, text in pages.items():
        write_atomic(folder / name, lambda p, text=text: p.write_text(text, encoding="utf-8"))
    for name in ("handouts", "guide", "participants"):
        write_atomic(folder / f"{name}.pdf", lambda p, n=name: print_pdf(folder / f"{n}.html", p))


def load_manifest_reps(folder: Path) -> int:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["replications"]
