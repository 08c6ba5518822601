"""The room's own rounds on a slide of the deck (`python -m sim workshop --room ROOM_DIR`).

Reads a room folder as the room wrote it (sim/app/room.py: room.json and a run folder per round)
and draws what each participant sold in five years, round by round, with the 95 % intervals:
one panel per product, since a catered lunch and a laptop are not sold in the same numbers.
A sentence says how many participants changed their habits between the last two rounds and how
many of those sold more. Names are what participants typed: shown as text, escaped.
Claims: C1, C2, C5, C10, C11 (the room's scene).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.errors import ConfigError
from sim.report.i18n import TEXT
from sim.report.page import PALETTE, esc


@dataclass
class RoomRounds:
    """The finished rounds of a room: per round, {group: (name, product, units, low, high)}."""

    rounds: list[dict[str, tuple[str, str, float, float, float]]]
    entries: list[dict[str, dict]]  # per round, {group: what the participant had entered}
    reps: int


def read_room(folder: Path) -> RoomRounds:
    """The room's finished rounds, or ConfigError (one line) when the folder is not a room."""
    path = Path(folder) / "room.json"
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        done = [r for r in state["rounds"] if r["status"] == "done"]
        rounds, entries, reps = [], [], 0
        for r in done:
            manifest = json.loads((path.parent / r["folder"] / "manifest.json").read_text("utf-8"))
            metrics, reps = manifest["metrics"]["base"], manifest["replications"]
            rounds.append(
                {g: _result(e, metrics.get(f"units.{g}") or {}) for g, e in r["entries"].items()}
            )
            entries.append(r["entries"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ConfigError(
            f"--room {folder}: not a room folder this version can read ({err})"
        ) from None
    if not rounds:
        raise ConfigError(f"--room {folder}: the room has no finished round yet")
    return RoomRounds(rounds, entries, reps)


def _result(entry: dict, units: dict) -> tuple[str, str, float, float, float]:
    mean = units.get("mean") or 0.0
    low, high = units.get("ci_low"), units.get("ci_high")
    low = mean if low is None else max(low, 0.0)
    return entry["name"], entry["product"], mean, low, mean if high is None else high


def figure(room: RoomRounds, lang: str) -> go.Figure:
    """Per product a panel; per participant a bar per round with its 95 % interval."""
    t = TEXT[lang]
    products = list(dict.fromkeys(p for r in room.rounds for _, p, *_ in r.values()))
    people = {p: list(dict.fromkeys(n for r in room.rounds for n, q, *_ in r.values() if q == p))
              for p in products}  # fmt: skip
    fig = make_subplots(
        rows=1, cols=len(products), subplot_titles=[esc(t[f"room_product_{p}"]) for p in products],
        horizontal_spacing=0.12,
    )  # fmt: skip
    for i, rnd in enumerate(room.rounds):
        for k, product in enumerate(products, 1):
            rows = {n: (m, lo, hi) for n, q, m, lo, hi in rnd.values() if q == product}
            names = [n for n in people[product] if n in rows]
            fig.add_trace(
                go.Bar(
                    y=[esc(n) for n in names], x=[rows[n][0] for n in names], orientation="h",
                    name=esc(t["room_round"].format(n=i + 1)), legendgroup=str(i),
                    showlegend=k == 1, marker_color=PALETTE[i % len(PALETTE)],
                    error_x={"type": "data", "symmetric": False,
                             "array": [rows[n][2] - rows[n][0] for n in names],
                             "arrayminus": [rows[n][0] - rows[n][1] for n in names]},
                ),
                row=1, col=k,
            )  # fmt: skip
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero")
    return fig.update_layout(barmode="group", bargap=0.25, template="plotly_white")


def sentence(room: RoomRounds, lang: str) -> str:
    """How many changed their habits between the last two rounds, and how many of them sold
    more in the last."""
    t = TEXT[lang]
    if len(room.rounds) < 2:
        return t["ws_room_one"]
    (before, after), (was, now) = room.rounds[-2:], room.entries[-2:]
    habits = lambda e: {k: v for k, v in e.items() if k != "name"}  # noqa: E731
    changed = [g for g in now if g in was and habits(now[g]) != habits(was[g])]
    if not changed:
        return t["ws_room_unchanged"]
    more = sum(after[g][2] > before[g][2] for g in changed)
    return t["ws_room_changed"].format(changed=len(changed), people=len(now), more=more)
