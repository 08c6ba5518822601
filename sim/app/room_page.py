"""`make room`: the room's pages (Solara). `/` is a participant's page (a phone): their own
result on top in words (sim/app/room_words.py), then a first name, what they sell and their
habits. `/screen?key=...` is the projector's (sim/app/room_screen.py). Claims: C1, C2, C5, C10,
C11.

Every page reads the one Room of the server (sim/app/room.py) and redraws when its version
changes. Whatever a participant typed is shown as text (solara.Text) or escaped in a chart.
Solara's "This website runs on Solara" banner is switched off (it covered the Join button on a
phone). A phone's form is its own: it starts from the saved entry once and is never overwritten by a
redraw (solara.use_reactive of the saved entry copied it over the participant's next edit: see
sim/app/room.py), the form does not redraw when the room changes (a redraw put a text field's
last committed text back over what was being typed), text fields send every keystroke, and each
edit takes the next number of room.EDITS, which its save carries. The browser still sends a
field's changes one at a time per field while a click goes at once, so on a busy server a save
can overtake the last keystrokes: the page then says "not saved yet" (Saved).
"""

from __future__ import annotations

import solara
import solara.server.settings

from sim.app import room, room_words
from sim.app.notes import Note
from sim.app.room_live import lang, seen, use_version
from sim.app.room_screen import Screen
from sim.report.i18n import LANGUAGES, TEXT, number, percent

solara.server.settings.theme.show_banner = False  # read when a page is served, after this import

NUMBERS = ("lifetime_weeks", "price", "capacity")  # typed as text ("other"), read in save()

STYLE = """
.room-phone{font-size:1.1rem;max-width:min(640px,100vw);box-sizing:border-box;margin:auto;
  padding:12px;color:#111;overflow-x:hidden}
.room-phone .v-select__selection-text{white-space:normal;overflow-wrap:anywhere}
.room-phone .v-field__input{min-width:0}
.room-phone .room-title{display:block;font-size:1.6rem;font-weight:700;margin:4px 0}
.room-phone .room-me{display:block;font-size:1.2rem;font-weight:600;margin:6px 0}
.room-phone .room-result .netsim-note{font-size:1.3rem;font-weight:600}
.room-phone .room-small{display:block;font-size:.95rem;color:#444;margin:4px 0}
.room-phone .room-line{display:block;margin:4px 0}
.room-phone .room-save{margin:10px 0 !important;height:auto !important;min-height:44px;
  padding:8px 12px !important}
.room-phone .v-btn__content{white-space:normal;overflow-wrap:anywhere}
"""


@solara.component
def Languages():
    with solara.ToggleButtonsSingle(value=lang):
        for code in LANGUAGES:
            solara.Button(TEXT[code]["app_language_name"], value=code)


@solara.component
def Bare(children=[]):  # noqa: B006 (Solara's layout signature)
    with solara.Column(style={"padding": "0", "margin": "0"}):
        solara.Column(children=children)


def parsed(text, code: str):
    """A number typed on a phone, as pydantic reads it: 1.000,5 (nl) or 1,000.5 (en)."""
    if not isinstance(text, str):
        return text
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    thousands, decimal = (".", ",") if code == "nl" else (",", ".")
    return text.replace(thousands, "").replace(decimal, ".")


# --- a participant's page --------------------------------------------------------------------
@solara.component
def Join():
    """The phone's page. It does not read the room's version: a redraw of the form while the
    participant types would put the field's last committed text back over what they typed (the
    room changes whenever anyone saves); only the parts that show the room (Mine, SaveButton,
    Earlier) redraw with it."""
    t, key = TEXT[lang.value], solara.get_session_id()
    first = solara.use_memo(lambda: start_form(room.ROOM.entries.get(key)), dependencies=[])
    form = solara.use_reactive(first)  # (edit number, values): this page's own
    problem = solara.use_reactive("")
    applied = solara.use_reactive((0, False))  # the last save applied: (edit, a change of habits)

    def put(name):
        return lambda value: form.set((next(room.EDITS), {**form.value[1], name: value}))

    def save():
        edit, values = form.value
        was_in = key in room.ROOM.entries
        problem.set(room.ROOM.enter(key, typed(values), edit))
        if not problem.value:
            applied.set((edit, was_in))

    solara.Style(STYLE)
    with solara.Div(classes=["room-phone"]):
        Watch()
        Languages()
        solara.Text(t["room_title"], classes=["room-title"])
        Mine(key, t)
        Form(form.value[1], put, t)
        SaveButton(key, save, t)
        Saved(key, form.value, applied.value, problem.value, t)
        Earlier(key, t)


def typed(values: dict) -> dict:
    """The form as the room reads it (numbers typed as text parsed in the page's language)."""
    return {k: parsed(v, lang.value) if k in NUMBERS else v for k, v in values.items()}


@solara.component
def Saved(key: str, form: tuple[int, dict], applied: tuple[int, bool], problem: str, t: dict):
    """A problem with the form; else "Saved" while the form is what was last saved; else, once
    in the room, "Not saved yet" when the form differs from the saved entry. (A browser sends a
    field's changes one at a time per field and a click at once: on a busy server a save can
    overtake the last keystrokes, which then show here as not saved.)"""
    _ = seen.value
    mine = room.ROOM.entries.get(key)
    if problem:
        Note(room_words.problem(problem, lang.value), "error")
    elif form[0] == applied[0] and applied[1]:
        Note(t["room_saved"], "success")
    elif mine is not None and room.check_entry(typed(form[1]))[0] != mine:
        Note(t["room_unsaved"])


@solara.component
def Watch():
    """Polls the room's version (sim/app/room_live.py); draws nothing."""
    use_version()
    solara.Div(style={"display": "none"})


@solara.component
def SaveButton(key: str, save, t: dict):
    _ = seen.value  # joined or not (the facilitator may have removed them)
    label = t["room_save"] if key in room.ROOM.entries else t["room_join"]
    solara.Button(label, color="primary", block=True, on_click=save, classes=["room-save"])


def start_form(mine: room.Entry | None) -> tuple[int, dict]:
    values = (mine or room.Entry(name="-")).model_dump() | ({} if mine else {"name": ""})
    for name in NUMBERS:
        values[name] = f"{values[name]:g}"
    return next(room.EDITS), values


@solara.component
def Form(values: dict, put, t: dict):
    names = {t[f"room_product_{k}"]: k for k in room.PRODUCTS}
    # continuous: each keystroke reaches the form in order with the other messages; on blur
    # (Solara's default) the text was read from the field on the server, where it could lag
    solara.InputText(
        t["room_name"], value=values["name"], on_value=put("name"), continuous_update=True
    )
    shown = next(n for n, k in names.items() if k == values["product"])
    solara.Select(t["room_product"], values=list(names), value=shown,
                  on_value=lambda n: put("product")(names[n]))  # fmt: skip
    if values["product"] == "other":
        for name, label in zip(NUMBERS, ("room_lifetime", "room_price", "room_capacity"),
                               strict=True):  # fmt: skip
            solara.InputText(
                t[label], value=str(values[name]), on_value=put(name), continuous_update=True
            )
    code = lang.value
    solara.Text(t["room_events"].format(share=percent(values["events"], code)),
                classes=["room-line"])  # fmt: skip
    solara.SliderFloat("", value=values["events"], min=0, max=1, step=0.25, on_value=put("events"))
    solara.Text(t["room_one_to_ones"].format(n=values["one_to_ones"]), classes=["room-line"])
    solara.SliderInt("", value=values["one_to_ones"], min=0, max=8, on_value=put("one_to_ones"))
    with solara.ToggleButtonsSingle(value=values["pitches"], on_value=put("pitches")):
        solara.Button(t["room_builder_me"], value=False)
        solara.Button(t["room_pitcher_me"], value=True)
    for field in ("listening", "giving"):
        solara.Text(t[f"room_{field}"].format(x=number(values[field], code, 2)),
                    classes=["room-line"])  # fmt: skip
        solara.SliderFloat("", value=values[field], min=0, max=1, step=0.1, on_value=put(field))


@solara.component
def Mine(key: str, t: dict):
    """On top: who they are in as, a round's progress, their latest result in words."""
    _ = seen.value  # redraw when the room changes
    r, code, me = room.ROOM, lang.value, room.ROOM.entries.get(key)
    if me is None:
        return
    solara.Text(t["room_in"].format(name=me.name), classes=["room-me"])
    if not r.rounds:
        solara.Text(t["room_wait_first"], classes=["room-line"])
    if r.running:
        Note(room_words.progress(r.rounds[-1], code))
    done = [rnd for rnd in r.rounds if rnd.status == "done" and key in rnd.entries]
    if done:
        Result(done[-1], key, t)


@solara.component
def Result(rnd: room.Round, key: str, t: dict):
    """A round's result in words: units in the product's word with the interval, why it is low,
    revenue, where the sales came from, who avoids them, what the number is."""
    r, code, entry = room.ROOM, lang.value, rnd.entries[key]
    res = r.result(rnd, key)
    if res is None or res["units"] is None:
        return
    with solara.Div(classes=["room-result"]):
        Note(room_words.sold(rnd.number, entry, res, code), "success")
    why = room_words.reason(entry, res, r.weeks, best_of(rnd, entry), code)
    if why:
        Note(why)
    revenue = f"€\u00a0{number(res['revenue'], code, 0)}"
    said = [t["room_revenue"].format(revenue=revenue, years=room_words.years(r.weeks, code)),
            room_words.sources(res, code)]  # fmt: skip
    if (res["avoided"] or 0) >= 0.5 and not entry.pitches:
        said.append(t["room_avoided"].format(n=number(res["avoided"], code, 0)))
    for line in filter(None, said):
        solara.Text(line, classes=["room-line"])
    histories = t["room_histories"].format(years=room_words.years(r.weeks, code),
                                           total=res["n"] or r.histories)  # fmt: skip
    solara.Text(histories, classes=["room-small"])


def best_of(rnd: room.Round, entry: room.Entry) -> float:
    """The most anyone selling the same product sold in the round."""
    from sim.app.room_results import kind

    same = [k for k, e in rnd.entries.items() if kind(e) == kind(entry)]
    units = [(room.ROOM.result(rnd, k) or {}).get("units") or 0.0 for k in same]
    return max(units, default=0.0)


@solara.component
def Earlier(key: str, t: dict):
    """The earlier rounds, one line each."""
    _ = seen.value
    done = [rnd for rnd in room.ROOM.rounds if rnd.status == "done" and key in rnd.entries]
    for rnd in reversed(done[:-1]):
        res = room.ROOM.result(rnd, key)
        if res is not None and res["units"] is not None:
            solara.Text(room_words.sold(rnd.number, rnd.entries[key], res, lang.value),
                        classes=["room-line"])  # fmt: skip


# --- the projector's page -------------------------------------------------------------------
@solara.component
def Projector():
    use_version()
    if solara.use_router().search != f"key={room.ROOM.key}":
        Note(TEXT[lang.value]["room_facilitator_only"], "error")
        return
    Screen(lang)


routes = [
    solara.Route(path="/", component=Join, layout=Bare),
    solara.Route(path="screen", component=Projector, layout=Bare),
]
