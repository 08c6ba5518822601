"""The room's results on the projector: what each participant sold, relative to what their
product allows (claims C1, C11: a laptop lasts five years, a catered event a month; C2, C5 and
C10 are on the phones and in the network).

Products differ hugely (a caterer sells hundreds, a laptop seller tens), so they never share an
axis: one panel per product, each with its own scale from zero to the highest interval bound in
it, so a participant is read against the others who sell the same thing. ("Something else" is
one panel per lifetime and capacity: two of them are two products.) In a panel each participant
is a row, their name in full (it wraps), one bar per round for the last two finished rounds (the
earlier grey, the latest in colour: one colour per round, so twenty participants need no twenty
colours), the 95 % interval as a dark line over the bar, and the numbers beside it. A round in
which they sold another product than now has no bar in this panel. Sizes are computed from the
number of rows so that all of it fits the screen under the header (a CSS size container); with
many rows the panels flow into columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import solara

from sim.app import room
from sim.app.plotly_view import PlotlyView
from sim.app.room_live import seen
from sim.app.room_words import amount, years
from sim.report.i18n import TEXT

EARLIER, LATEST = "#9aa5b1", "#e08a00"  # the earlier round's bars, the latest round's
MAX_LINE = 6.5  # a bar's line at most, in hundredths of the results' height (a small room)
PER_WIDTH = 0.052  # a line at most this share of a column's width (the numbers fit beside)
ASPECT = 0.5  # the results' height over their width on a 16:9 screen (to choose the columns)
BESIDE = 8  # up to this many participants the network stands beside the results

# The results element takes the screen's height left under the header (flex) and is a size
# container: every size inside is a multiple of one unit, --u, a bar's line: the smaller of a
# share of its height (cqh: all the lines fit) and of a column's width (cqw: the names and the
# numbers fit), so it all fits by design.
STYLE = """
.room-results{display:grid;gap:1.2vw;flex:1 1 0;min-height:0;container-type:size;
  align-items:start}
.room-left{min-width:0;height:100cqh;overflow:hidden}
.room-top{display:flex;flex-wrap:nowrap;align-items:center;gap:1.5em;color:#222}
.room-results-title{font-weight:600;white-space:nowrap}
.room-swatch{display:inline-block;width:1.6em;height:.8em;margin:0 .4em 0 0;vertical-align:middle}
.room-ci-swatch{display:inline-block;width:1.6em;height:2px;background:#222;margin:0 .4em 0 0;
  vertical-align:middle}
.room-panels{column-gap:1.6vw}
.room-panel{border-top:2px solid #ddd}
.room-panel-title{display:block;font-weight:700;color:#333;break-after:avoid}
.room-row{display:grid;grid-template-columns:minmax(0,38fr) minmax(0,36fr) minmax(0,26fr);
  align-items:center;column-gap:.6vw;break-inside:avoid}
.room-name{display:block;font-weight:600;color:#111;overflow-wrap:anywhere;line-height:1.05}
.room-track{position:relative;background:#f1f1f1}
.room-fill{position:absolute;left:0;top:0;bottom:0}
.room-ci{position:absolute;top:50%;height:2px;background:#222;transform:translateY(-50%)}
.room-value{display:block;white-space:nowrap;color:#222}
.room-network{min-width:0;height:100cqh}
.room-network .netsim-chart{width:100%;height:100cqh}
"""


def u(k: float) -> str:
    """k units (--u: a bar's line)."""
    return f"calc(var(--u) * {k:.3f})"


@dataclass
class Bar:
    round: int
    units: float
    low: float
    high: float
    colour: str


@dataclass
class Row:
    name: str
    bars: list[Bar | None]


@dataclass
class Panel:
    title: str
    rows: list[Row] = field(default_factory=list)

    @property
    def scale(self) -> float:
        tops = [max(b.high, b.units) for r in self.rows for b in r.bars if b is not None]
        return max(tops, default=0.0) or 1.0


def kind(entry: room.Entry) -> tuple:
    """What makes two entries one product (one panel)."""
    if entry.product != "other":
        return (entry.product,)
    lifetime, _, capacity = entry.sells()
    return ("other", lifetime, capacity)


def display_names(entries: dict[str, room.Entry]) -> dict[str, str]:
    """{session key: name}; a name given twice is numbered in the order they joined: Ann (2)."""
    out, count = {}, {}
    for key, entry in entries.items():
        count[entry.name] = count.get(entry.name, 0) + 1
        twice = sum(e.name == entry.name for e in entries.values()) > 1
        out[key] = f"{entry.name} ({count[entry.name]})" if twice else entry.name
    return out


def panels(r: room.Room, shown: list[room.Round], lang: str) -> list[Panel]:
    """One panel per product of those in the room now, in the order of who joined first."""
    t, out = TEXT[lang], {}
    with r.lock:
        names = display_names({k: r.entries[k] for k in r.keys})
    colours = [EARLIER, LATEST][-len(shown) :]
    for key in names:
        entry = next((rnd.entries[key] for rnd in reversed(shown) if key in rnd.entries), None)
        if entry is None:
            continue
        title = t[f"room_panel_{entry.product}"].format(weeks=amount(entry.sells()[0], lang))
        panel = out.setdefault(kind(entry), Panel(title))
        bars = []
        for rnd, colour in zip(shown, colours, strict=True):
            res = r.result(rnd, key)
            same = key in rnd.entries and kind(rnd.entries[key]) == kind(entry)
            if res is None or res["units"] is None or not same:
                bars.append(None)
            else:
                bars.append(Bar(rnd.number, res["units"], res["low"], res["high"], colour))
        panel.rows.append(Row(names[key], bars))
    return list(out.values())


def layout(found: list[Panel], per_row: int, area: float, most: int) -> tuple[int, str]:
    """(columns, the unit --u): the lines (the title 1.4, a panel's title 1.5, a row per_row +
    0.4) fitted into the height, each column `area` / columns hundredths of the width wide; as
    many columns (up to `most`) as make the unit largest. A column may end in the middle of a
    panel, never of a row."""
    lines = sum(1.5 + len(p.rows) * (per_row + 0.4) for p in found)
    best = None
    for columns in range(1, most + 1):
        slack = 1.5 + per_row + 0.4 if columns > 1 else 0.0  # uneven by a title and a row
        high = min(MAX_LINE, 98 / (1.4 + lines / columns + slack))  # cqh
        wide = PER_WIDTH * (area / columns - 1.6)  # cqw
        size = min(high * ASPECT, wide)
        if best is None or size > best[0] * 1.05:
            best = (size, columns, f"min({high:.2f}cqh, {wide:.2f}cqw)")
    return best[1], best[2]


@solara.component
def Results(shown: list[room.Round], network: dict, lang: str, view: str):
    """The results element: the panels and the network (a Plotly figure) side by side (view
    "both", a small room), or either alone over the whole width ("results", "network")."""
    _, t, r = seen.value, TEXT[lang], room.ROOM
    found = panels(r, shown, lang)
    area = 64 if view == "both" else 100
    columns, unit = layout(found, len(shown), area, 2 if view == "both" else 3)
    split = {"both": f"{area}fr {100 - area}fr", "results": "1fr", "network": "1fr"}[view]
    with solara.Div(classes=["room-results"], style={"grid-template-columns": split}):
        solara.Style(STYLE)
        if view != "network":
            with solara.Div(classes=["room-left"], style={"--u": unit}):
                Top(shown, t, years(r.weeks, lang))
                with solara.Div(classes=["room-panels"], style={"column-count": str(columns)}):
                    for panel in found:
                        PanelView(panel, lang)
        if view != "results":
            with solara.Div(classes=["room-network"]):
                PlotlyView.element(figure=network)


@solara.component
def Top(shown: list[room.Round], t: dict, said_years: str):
    """The title and the legend: a colour per round, the interval's line."""
    colours = [EARLIER, LATEST][-len(shown) :]
    size = {"font-size": u(0.6), "height": u(1.4)}
    with solara.Div(classes=["room-top"], style=size):
        solara.Text(t["room_results"].format(years=said_years), classes=["room-results-title"])
        for rnd, colour in zip(shown, colours, strict=True):
            with solara.Div():
                solara.Div(classes=["room-swatch"], style={"background": colour})
                solara.Text(t["room_round"].format(n=rnd.number))
        with solara.Div():
            solara.Div(classes=["room-ci-swatch"])
            solara.Text(t["room_interval"])


@solara.component
def PanelView(panel: Panel, lang: str):
    per_row = len(panel.rows[0].bars) if panel.rows else 1
    row_h = per_row + 0.4
    with solara.Div(classes=["room-panel"]):
        size = {"font-size": u(0.95), "line-height": u(1.5)}
        solara.Text(panel.title, classes=["room-panel-title"], style=size)
        for row in panel.rows:
            with solara.Div(classes=["room-row"], style={"height": u(row_h)}):
                long = 0.7 if len(row.name) > 24 else 0.8 if len(row.name) > 16 else 1.0
                size = min(1.05, 0.6 * row_h) * long
                name = {"font-size": u(size)}
                solara.Text(row.name, classes=["room-name"], style=name)
                with solara.Div():
                    for bar in row.bars:
                        Track(bar, panel.scale)
                with solara.Div():
                    for bar in row.bars:
                        Value(bar, lang)


@solara.component
def Track(bar: Bar | None, scale: float):
    with solara.Div(classes=["room-track"], style={"height": u(0.8), "margin": f"{u(0.1)} 0"}):
        if bar is not None:
            fill = {"width": f"{100 * bar.units / scale:.2f}%", "background": bar.colour}
            solara.Div(classes=["room-fill"], style=fill)
            if bar.high > bar.low:
                left, width = 100 * bar.low / scale, 100 * (bar.high - bar.low) / scale
                ci = {"left": f"{left:.2f}%", "width": f"{width:.2f}%"}
                solara.Div(classes=["room-ci"], style=ci)


@solara.component
def Value(bar: Bar | None, lang: str):
    style = {"font-size": u(0.82), "height": u(1), "line-height": u(1)}
    if bar is None:
        solara.Text("", classes=["room-value"], style=style)
        return
    with solara.Div(classes=["room-value"], style=style):
        solara.Text(amount(bar.units, lang))
        if bar.high > bar.low:
            low, high = amount(bar.low, lang), amount(bar.high, lang)
            solara.Text(f" ({low}\u2013{high})", style={"font-size": u(0.6)})
