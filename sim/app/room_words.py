"""What the room says in words, in the phone's or the projector's language (claims C1, C2, C5,
C10, C11): a participant's result with the product's own word and its interval, one reason why
it is zero or low, derived from their entry and the round's metrics (C10: members avoid a
pitcher; C5: nobody to see one-to-one without meeting at an event; C11: a product that lasts
years; capacity: one person delivers only so much), a round's progress, and a problem with the
form. Every sentence is a room_* text of sim/report/app_text.py.
"""

from __future__ import annotations

from sim.app import room
from sim.app.room_progress import rounded_seconds
from sim.report.i18n import TEXT, number, percent

LOW_UNITS = 2.0  # fewer than this on average: a reason is given
LOW_SHARE = 0.2  # or less than this share of the best seller of the same product in the round
FULL = 0.95  # at this share of their capacity over the run they were fully booked
LONG_WEEKS = 156  # a product lasting this long (three years) or longer: buyers are rare


def amount(x: float | None, lang: str) -> str:
    """Units as said: whole above ten, one decimal below."""
    if x is None:
        return "-"
    if x == 0:
        return "0"
    return number(x, lang, 0 if abs(x) >= 10 else 1)


def years(weeks: float, lang: str) -> str:
    """A time in years as said: "5 years", "1 year", "0.5 years"."""
    y = weeks / 52
    said = number(y, lang, 0 if abs(y - round(y)) < 0.05 else 1)
    return TEXT[lang]["room_year"] if said == "1" else TEXT[lang]["room_years"].format(n=said)


def word(entry: room.Entry, units: float | None, lang: str) -> str:
    """The product's own word: laptop or laptops."""
    one = units is not None and amount(units, lang) in ("1", "1.0", "1,0")
    return TEXT[lang][f"room_word_{entry.product}_{'one' if one else 'many'}"]


def problem(key: str, lang: str) -> str:
    """A problem with the form (room.check_entry's key) as the phone's sentence."""
    return TEXT[lang].get(key, TEXT[lang]["room_error_form"])


def progress(rnd: room.Round, lang: str) -> str:
    """A running round: how many histories are done and, once measured, the time left."""
    t, p = TEXT[lang], rnd.progress
    if p is None or not p.started:
        return t["room_starting"].format(n=rnd.number)
    if p.done >= p.total:
        return t["room_gathering"].format(n=rnd.number, total=p.total)
    left = p.seconds_left()
    if left is None:
        return t["room_measuring"].format(n=rnd.number, done=p.done, total=p.total)
    return t["room_running"].format(
        n=rnd.number, done=p.done, total=p.total, s=rounded_seconds(left)
    )


def sold(number_: int, entry: room.Entry, res: dict, lang: str) -> str:
    """ "Round 1: you sold 12 laptops (between 8 and 16)." """
    t = TEXT[lang]
    said = {"n": number_, "units": amount(res["units"], lang),
            "word": word(entry, res["units"], lang)}  # fmt: skip
    if (res["high"] or 0.0) <= 0:  # none in any history
        return t["room_sold_none"].format(**said)
    if res["n"] is None or res["n"] < 2:
        return t["room_sold_once"].format(**said)
    low, high = amount(res["low"], lang), amount(res["high"], lang)
    return t["room_sold"].format(**said, low=low, high=high)


def low(res: dict, best: float, full: bool) -> bool:
    """Zero or low: fewer than LOW_UNITS, or a small share of the best of the same product."""
    units = res["units"] or 0.0
    return full or units < LOW_UNITS or units < LOW_SHARE * best


def reason(entry: room.Entry, res: dict, weeks: int, best: float, lang: str) -> str:
    """One sentence why a result is zero or low ("" when it is not), from the entry and the
    round's metrics: fully booked, avoided as a pitcher, never at an event, a product that
    lasts years, hardly anybody trusts them, or, failing those, how often they were referred."""
    t, units = TEXT[lang], res["units"] or 0.0
    lifetime, _, capacity = entry.sells()
    full = capacity > 0 and units >= FULL * capacity * weeks / 52
    if not low(res, best, full):
        return ""
    n = lambda x: number(x or 0.0, lang, 0)  # noqa: E731
    if full:
        return t["room_why_full"].format(capacity=n(capacity), word=word(entry, 2, lang))
    if entry.pitches and (res["avoided"] or 0) >= 0.5:
        return t["room_why_pitch"].format(avoided=n(res["avoided"]), referred=n(res["referred"]))
    if entry.events == 0:
        return t["room_why_absent"]
    if lifetime >= LONG_WEEKS:
        return t["room_why_lasts"].format(word=word(entry, 1, lang), years=years(lifetime, lang))
    if (res["trusted"] or 0) < 1:
        return t["room_why_unknown"].format(share=percent(entry.events, lang), n=entry.one_to_ones)
    return t["room_why_referred"].format(referred=n(res["referred"]), years=years(weeks, lang))


def sources(res: dict, lang: str) -> str:
    """Where the units came from (C2), or "" when there were none."""
    if not res["units"] or res["degree1"] is None:
        return ""
    shares = {f"d{d}": percent(res[f"degree{d}"] or 0.0, lang) for d in (1, 2, 3)}
    return TEXT[lang]["room_sources"].format(**shares)
