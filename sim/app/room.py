"""The room (make room): participants join from their phones and become focal members of the
room scene (scenarios/room.toml), with what they sell and their habits; each round runs five
years as a normal run and tells each participant their result (claims C1, C2, C5, C10, C11).

One Room per server, shared by every page (a lock guards it; `version` tells pages to redraw).
A participant is keyed by their browser session, so a phone that reloads or drops out keeps its
entry. What a participant types is validated here (one plain message per problem, never an
exception to the page) and is only ever shown as text. A participant becomes a group `pNN`
(their name stays in room.json, never in a file name or a parameter): a count of 1, a sector of
their own with their product's lifetime, the strategy of the scenario's example member who
pitches or of the one who does not, and their habits as traits. Every round is a run folder
(tables, manifest, report) in the room's folder, all rounds with the same seed: the difference
between two rounds is the habits, not luck.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.model.strategies import STRATEGIES

# What a participant may sell: (lifetime in weeks, price in euro, capacity in units a year) of
# the presets; "other": their own. No source gives these: each is an assumption, written down so
# it can be argued with. Lifetime: how long one lasts before the buyer needs the next (a laptop
# about five years, Intel 2016; a consultancy project or an insurance policy a year; a catered
# event each month). Capacity: what one person can deliver in a working year of about 1,600
# hours (a year's 220 days less time for selling and administration) at an assumed time per
# unit: a laptop 2 hours (advice, set-up), a consultancy project 80 hours, a catered event 8
# hours, an insurance policy 4 hours, a piece of made-to-measure furniture 40 hours, a website
# 50 hours.
PRODUCTS: dict[str, tuple[float, float, int] | None] = {
    "laptop": (260, 1_000, 800),
    "consultancy": (52, 8_000, 20),
    "catering": (4, 400, 200),
    "insurance": (52, 800, 400),
    "furniture": (520, 3_000, 40),
    "website": (156, 4_000, 32),
    "other": None,
}
EVENTS = (0.0, 0.25, 0.5, 0.75, 1.0)  # how often they come to the monthly event


class Entry(BaseModel):
    """What a participant enters on their phone."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=30)
    product: Literal[tuple(PRODUCTS)] = "laptop"  # type: ignore[valid-type]
    lifetime_weeks: float = Field(260, ge=1, le=1040)
    price: float = Field(1_000, ge=0, le=10_000_000)
    capacity: int = Field(0, ge=0, le=1_000_000)  # "other": units a year they can deliver, 0: any
    events: float = Field(0.5, ge=0, le=1)
    one_to_ones: int = Field(2, ge=0, le=8)
    pitches: bool = False
    listening: float = Field(0.9, ge=0, le=1)
    giving: float = Field(0.0, ge=0, le=1)

    @field_validator("name")
    @classmethod
    def _printable(cls, name: str) -> str:
        name = " ".join(name.split())
        if not name:
            raise ValueError("a first name, please")
        return name

    def sells(self) -> tuple[float, float, int]:
        """(lifetime in weeks, price, capacity a year): the preset's, or their own for
        "other"."""
        return PRODUCTS[self.product] or (self.lifetime_weeks, self.price, self.capacity)


def check_entry(data: dict[str, Any]) -> tuple[Entry | None, str]:
    """The entry, or None and one plain line saying what to change."""
    try:
        return Entry.model_validate(data), ""
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "entry"
        return None, f"{where}: {first['msg'].removeprefix('Value error, ')}"


@dataclass
class Round:
    number: int
    entries: dict[str, Entry]  # session key -> what they had entered when it started
    folder: Path
    status: Literal["running", "done", "failed"] = "running"
    estimate_s: float | None = None
    seconds: float | None = None
    error: str = ""
    metrics: dict[str, dict] = field(default_factory=dict)  # the base's, from the manifest


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
        self.keys: list[str] = []  # session keys in the order they joined: group pNN
        self.entries: dict[str, Entry] = {}
        self.rounds: list[Round] = []
        self._restore()

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
        session = {p["group"]: p.pop("session") for p in saved["participants"]}
        for p in saved["participants"]:
            group = p.pop("group")
            self.keys.append(session[group])
            self.entries[session[group]] = Entry.model_validate(p)
        for r in saved["rounds"]:
            if r["status"] == "running":
                continue
            entries = {session[g]: Entry.model_validate(e) for g, e in r["entries"].items()}
            rnd = Round(r["round"], entries, self.out / r["folder"], r["status"],
                        seconds=r["seconds"], error=r["error"])  # fmt: skip
            if rnd.status == "done":
                manifest = json.loads((rnd.folder / "manifest.json").read_text(encoding="utf-8"))
                rnd.metrics = manifest["metrics"]["base"]
            self.rounds.append(rnd)

    # --- participants ------------------------------------------------------------------
    def enter(self, key: str, data: dict[str, Any]) -> str:
        """Join or change one's entry; returns "" or what to change."""
        entry, problem = check_entry(data)
        if entry is None:
            return problem
        with self.lock:
            if key not in self.entries:
                self.keys.append(key)
            self.entries[key] = entry
            self._changed()
        return ""

    def group(self, key: str) -> str:
        return f"p{self.keys.index(key) + 1:02d}"

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
            self.rounds.append(Round(number, entries, self.out / f"round-{number}"))
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
        pitching = {STRATEGIES[s].classifier["pitches"] != "never": s for s in examples}
        return {True: pitching[True], False: pitching[False]}

    def _run(self, rnd: Round) -> None:
        from sim.experiments.runner import run_scenario
        from sim.report.page import build_report

        began = time.perf_counter()
        try:
            scn = self.scenario(rnd.entries)

            def heard(plan) -> None:
                rnd.estimate_s = plan.seconds

            run_scenario(
                scn, self.replications, self.seed, workers=self.workers, out_dir=rnd.folder,
                show_progress=False, on_plan=heard,
            )  # fmt: skip
            build_report(rnd.folder)
            manifest = json.loads((rnd.folder / "manifest.json").read_text(encoding="utf-8"))
            rnd.metrics, rnd.status = manifest["metrics"]["base"], "done"
        except Exception as err:  # the room goes on: the round says what went wrong
            rnd.status, rnd.error = "failed", " ".join(str(err).split())[:300]
        rnd.seconds = time.perf_counter() - began
        with self.lock:
            self._changed()

    # --- results -----------------------------------------------------------------------
    def result(self, rnd: Round, key: str) -> dict[str, Any] | None:
        """A participant's result in a finished round: units and revenue with 95 % CIs, the
        share of units by degree, how many members avoid them."""
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
        out["avoided"] = (m.get(f"avoided_by.{group}") or {}).get("mean")
        return out

    def _changed(self) -> None:
        self.version += 1
        self.out.mkdir(parents=True, exist_ok=True)
        from sim.experiments.tables import write_json

        write_json(self.out / "room.json", self.state())

    def state(self) -> dict[str, Any]:
        """Everything entered and every round, as saved in room.json."""
        return {
            "participants": [
                {"group": self.group(k), "session": k, **self.entries[k].model_dump()}
                for k in self.keys
            ],
            "rounds": [
                {"round": r.number, "folder": r.folder.name, "status": r.status, "error": r.error,
                 "seconds": r.seconds,
                 "entries": {self.group(k): e.model_dump() for k, e in r.entries.items()}}
                for r in self.rounds
            ],
            "replications": self.replications, "seed": self.seed, "set": self.overrides,
        }  # fmt: skip


def participant_group(name: str, entry: Entry, strategies: dict[bool, str]) -> dict[str, Any]:
    """A participant as a group of the roster (sim/model/roster.py)."""
    lifetime, _, capacity = entry.sells()
    return {
        "name": name, "strategy": strategies[entry.pitches], "count": 1, "focal": True,
        "sector": "own", "lifetime_weeks": float(lifetime), "one_to_ones": entry.one_to_ones,
        "capacity": capacity, "listening": entry.listening, "giving": entry.giving,
        "attendance": entry.events,
    }  # fmt: skip


ROOM: Room | None = None  # the server's room, opened by `python -m sim room` before it serves


def open_room(*args, **kwargs) -> Room:
    global ROOM
    ROOM = Room(*args, **kwargs)
    return ROOM
