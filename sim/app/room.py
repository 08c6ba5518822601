"""The room (make room): participants join from their phones and become focal members of the
room scene (scenarios/room.toml), with what they sell and their habits; each round runs five
years as a normal run and tells each participant their result (claims C1, C2, C5, C10, C11).

One Room per server, shared by every page (a lock guards it; `version` tells pages to redraw).
A participant is keyed by their browser session (a phone that reloads keeps its entry). What
they type is validated here: a problem is the key of one plain sentence per field (room_error_*,
translated by the page), never pydantic's words; a name is only ever shown as text. A
participant becomes a group `pNN`, theirs for the room's life (their name stays in room.json,
never in a file name or a parameter): a count of 1, a sector of their own with their product's
lifetime, the strategy of the scenario's example who pitches or of the one who does not, and
their habits as traits. Every round is a run folder in the room's folder, all rounds with the
same seed: the difference between two rounds is the habits, not luck.

The last save wins. A phone's form is its own state, not a solara.use_reactive of the saved
entry: that would copy the saved entry over the form whenever it changed since the last render,
and since a save does not redraw the page, the render caused by the next edit would put the
saved entry over that edit and the next save would send older values. The page does not redraw
the form when the room changes (sim/app/room_page.py). Each save carries the number of
its form's last edit (`seq`, one counter for the server) and an older save than the one applied
is dropped, so saves of one participant that reach `enter` out of order (two tabs, handlers in
two threads) cannot undo a later one.
"""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sim.app.room_entry import (  # noqa: F401 (the room's entry, used through this module too)
    EDITS,
    EVENTS,
    PRODUCTS,
    Entry,
    check_entry,
    participant_group,
    problem_key,
)
from sim.app.room_progress import Progress, watch
from sim.model.strategies import STRATEGIES


@dataclass
class Round:
    number: int
    entries: dict[str, Entry]  # session key -> what they had entered when it started
    folder: Path
    status: Literal["running", "done", "failed"] = "running"
    seconds: float | None = None
    error: str = ""
    metrics: dict[str, dict] = field(default_factory=dict)  # the base's, from the manifest
    progress: Progress | None = None  # while it runs: histories done, the time left
    tail_s: float | None = None  # from its last history to its end (tables, report)


class Room:
    """The room's participants and rounds, shared by every page of the server."""

    def __init__(
        self, out: Path, replications: int | None, seed: int | None, overrides: dict,
        key: str = "", join_url: str = "", workers: int = 2,
    ):  # fmt: skip
        from sim.scenario import load_scenario

        self.base = load_scenario("room", overrides)  # ConfigError: one line, before serving
        self.out, self.replications, self.seed, self.overrides = out, replications, seed, overrides
        self.key, self.join_url = key, join_url  # the projector page's key, the phones' address
        self.workers = workers  # processes a round runs on
        self.lock = threading.RLock()
        self.version = 0
        self.keys: list[str] = []  # session keys of those in the room, in the order they joined
        self.entries: dict[str, Entry] = {}
        self.groups: dict[str, str] = {}  # session key -> pNN, kept when removed (their rounds)
        self.seqs: dict[str, int] = {}  # session key -> the edit number of the save applied
        self.rounds: list[Round] = []
        self._restore()

    @property
    def histories(self) -> int:  # replications: simulated histories of the five years
        return self.replications or self.base.params.run.replications

    @property
    def weeks(self) -> int:
        return self.base.params.run.weeks

    def _restore(self) -> None:
        """A room saved in the folder comes back as it was (a restarted laptop loses nothing):
        its participants (a phone's session finds its entry again) and its finished rounds; a
        round cut short is dropped, and starting it again resumes its run folder."""
        from sim.errors import ConfigError

        path = self.out / "room.json"
        if not path.is_file():
            return
        try:
            self._load(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            raise ConfigError(f"{path}: not a room this version can read ({err})") from None

    def _load(self, saved: dict) -> None:
        from sim.errors import ConfigError

        mine = {"replications": self.replications, "seed": self.seed, "set": self.overrides}
        if {k: saved.get(k) for k in mine} != json.loads(json.dumps(mine)):
            raise ConfigError(
                f"--out {self.out}: a room with other settings (--replications, --seed, --set) "
                "is saved there; give the same settings to go on with it, or another --out"
            )
        gone = saved.get("removed", [])
        session = {p["group"]: p["session"] for p in [*saved["participants"], *gone]}
        self.groups = {session[g]: g for g in sorted(session)}
        for p in saved["participants"]:
            self.keys.append(p["session"])
            entry = {k: v for k, v in p.items() if k in Entry.model_fields}
            self.entries[p["session"]] = Entry.model_validate(entry)
        for r in saved["rounds"]:
            if r["status"] == "running":
                continue
            entries = {session[g]: Entry.model_validate(e) for g, e in r["entries"].items()}
            rnd = Round(r["round"], entries, self.out / r["folder"], r["status"],
                        seconds=r["seconds"], error=r["error"])  # fmt: skip
            rnd.tail_s = r.get("tail_seconds")
            if rnd.status == "done":
                manifest = json.loads((rnd.folder / "manifest.json").read_text(encoding="utf-8"))
                rnd.metrics = manifest["metrics"]["base"]
            self.rounds.append(rnd)

    # --- participants ------------------------------------------------------------------
    def enter(self, key: str, data: Any, seq: int | None = None) -> str:
        """Join or change one's entry; returns "" or the key of what to change. `seq`: the
        number of the form's edit this save carries; a save older than the last applied is
        dropped (it arrived late)."""
        entry, problem = check_entry(data)
        if entry is None:
            return problem
        with self.lock:
            if seq is not None:
                if seq <= self.seqs.get(key, 0):
                    return ""
                self.seqs[key] = seq
            if key not in self.entries:
                self.keys.append(key)
            if key not in self.groups:
                taken = [int(g[1:]) for g in self.groups.values()]
                self.groups[key] = f"p{max(taken, default=0) + 1:02d}"
            self.entries[key] = entry
            self._changed()
        return ""

    def remove(self, group: str) -> None:
        """The facilitator takes a participant out of the next rounds (their finished rounds
        stay in their folders); their phone can join again."""
        with self.lock:
            key = next((k for k in self.keys if self.groups[k] == group), None)
            if key is None:
                return
            self.keys.remove(key)
            del self.entries[key]
            self._changed()

    def reset(self) -> str:
        """The facilitator empties the room: no participants, no rounds. The rounds run so far
        and their room.json move to a folder of their own beside them (nothing is deleted).
        Returns "" or the key of why not (a round is running)."""
        with self.lock:
            if self.running:
                return "room_reset_running"
            if self.rounds or self.groups:
                put_aside(self.out)
            self.keys, self.entries, self.groups, self.rounds = [], {}, {}, []
            self._changed()
        return ""

    def group(self, key: str) -> str:
        return self.groups[key]

    def joined(self) -> list[tuple[str, Entry]]:
        with self.lock:
            return [(self.group(k), self.entries[k]) for k in self.keys]

    # --- rounds ------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return bool(self.rounds) and self.rounds[-1].status == "running"

    def start_round(self) -> str:
        """Start the next round in the background; returns "" or why it cannot start."""
        with self.lock:
            if self.running:
                return "a round is running"
            if not self.entries:
                return "nobody has joined yet"
            number = len(self.rounds) + 1
            entries = {k: self.entries[k] for k in self.keys}
            tails = [r.tail_s for r in self.rounds if r.tail_s is not None]
            progress = Progress(self.histories, self.base.params.scene.regions,
                                tail=tails[-1] if tails else None)  # fmt: skip
            self.rounds.append(Round(number, entries, self.out / f"round-{number}",
                                     progress=progress))  # fmt: skip
            self._changed()
        threading.Thread(target=self._run, args=(self.rounds[-1],), daemon=True).start()
        return ""

    def scenario(self, entries: dict[str, Entry]):
        """The room scene with the participants in place of its example members."""
        from sim.scenario import load_scenario

        groups = [
            participant_group(self.group(k), e, self.strategies()) for k, e in entries.items()
        ]
        rest = [
            g.model_dump(exclude_none=True) for g in self.base.params.scene.groups if not g.focal
        ]
        sectors = max(self.base.params.scene.sectors, len(groups) + 2)
        set_ = {**self.overrides, "scene.groups": groups + rest, "scene.sectors": sectors}
        scn = load_scenario("room", set_)
        scn.variants = {"base": scn.variants["base"]}  # a round is the base: the room's scene
        scn.variant_info = {"base": scn.variant_info["base"]}
        return scn

    def strategies(self) -> dict[bool, str]:
        """{pitches: strategy}: the strategies of the scene's example members."""
        examples = [g.strategy for g in self.base.params.scene.groups if g.focal]
        pitching = {STRATEGIES[s].classifier.pitches != "never": s for s in examples}
        return {True: pitching[True], False: pitching[False]}

    def _run(self, rnd: Round) -> None:
        from sim.experiments.runner import run_scenario
        from sim.report.page import build_report

        began, progress = time.perf_counter(), rnd.progress
        try:
            scn = self.scenario(rnd.entries)

            def heard(plan) -> None:  # the histories start now: the progress counts from here
                progress.start(rnd.folder, plan.workers)
                threading.Thread(target=watch, args=(self, rnd), daemon=True).start()

            run_scenario(
                scn, self.replications, self.seed, workers=self.workers, out_dir=rnd.folder,
                show_progress=False, on_plan=heard, before_publish=build_report,
            )  # fmt: skip
            progress.finished()
            with self.lock:
                self.version += 1  # every history is in: the pages say so
            manifest = json.loads((rnd.folder / "manifest.json").read_text(encoding="utf-8"))
            rnd.metrics = manifest["metrics"]["base"]
            rnd.tail_s = progress.tail_seconds()
            rnd.status = "done"
        except Exception as err:  # the room goes on: the round says what went wrong
            rnd.status, rnd.error = "failed", " ".join(str(err).split())[:300]
            print(f"round {rnd.number} failed: {rnd.error}", file=sys.stderr)
        rnd.seconds = time.perf_counter() - began
        with self.lock:
            self._changed()

    # --- results -----------------------------------------------------------------------
    def result(self, rnd: Round, key: str) -> dict[str, Any] | None:
        """A participant's result in a finished round: units and revenue with 95 % CIs, the
        share of units by degree, how many members avoid them, trust them and referred them."""
        if rnd.status != "done" or key not in rnd.entries:
            return None
        group, price = self.group(key), rnd.entries[key].sells()[1]
        m = rnd.metrics
        units = m.get(f"units.{group}") or {}
        out = {
            "group": group, "name": rnd.entries[key].name, "units": units.get("mean"),
            "low": units.get("ci_low"), "high": units.get("ci_high"), "n": units.get("n"),
        }  # fmt: skip
        if out["units"] is not None:  # one replication: no interval, the mean at both ends
            out["low"] = out["units"] if out["low"] is None else max(out["low"], 0.0)
            out["high"] = out["units"] if out["high"] is None else out["high"]
        out["revenue"] = None if out["units"] is None else out["units"] * price
        for d in (1, 2, 3):
            out[f"degree{d}"] = (m.get(f"share_degree{d}.{group}") or {}).get("mean")
        for name, metric in (("avoided", "avoided_by"), ("trusted", "trusted_by"),
                             ("referred", "referrals_received")):  # fmt: skip
            out[name] = (m.get(f"{metric}.{group}") or {}).get("mean")
        return out

    def _changed(self) -> None:
        self.version += 1
        self.out.mkdir(parents=True, exist_ok=True)
        from sim.experiments.tables import write_json

        write_json(self.out / "room.json", self.state())

    def state(self) -> dict[str, Any]:
        """Everything entered and every round, as saved in room.json; `removed`: the sessions
        of those the facilitator took out (their rounds still name their group)."""
        return {
            "participants": [
                {"group": self.group(k), "session": k, **self.entries[k].model_dump()}
                for k in self.keys
            ],
            "removed": [{"group": g, "session": k} for k, g in self.groups.items()
                        if k not in self.entries],
            "rounds": [
                {"round": r.number, "folder": r.folder.name, "status": r.status, "error": r.error,
                 "seconds": r.seconds, "tail_seconds": r.tail_s,
                 "entries": {self.group(k): e.model_dump() for k, e in r.entries.items()}}
                for r in self.rounds
            ],
            "replications": self.replications, "seed": self.seed, "set": self.overrides,
        }  # fmt: skip


def put_aside(out: Path) -> Path:
    """Move the rounds and room.json into a new folder `before-reset-<time>` in `out`."""
    stamp = time.strftime("before-reset-%Y%m%d-%H%M%S")
    kept = next(out / f"{stamp}{s}" for s in ("", *(f"-{i}" for i in range(2, 10**6)))
                if not (out / f"{stamp}{s}").exists())  # fmt: skip
    kept.mkdir(parents=True)
    for path in [*out.glob("round-*"), *out.glob(".round-*"), out / "room.json"]:
        if path.exists():
            shutil.move(str(path), str(kept / path.name))
    return kept


ROOM: Room | None = None  # the server's room, opened by `python -m sim room` before it serves


def open_room(*args, **kwargs) -> Room:
    global ROOM
    ROOM = Room(*args, **kwargs)
    return ROOM
