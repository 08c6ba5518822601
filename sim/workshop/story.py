"""The workshop's story: one list of slides, in the order a 90-minute session tells it, shared by
the deck (what is projected) and the guide (the timetable, slide numbers and speaker notes).

Title → a guess from the room → how to read the charts → the claims in an order that builds
(meeting → being remembered → trust → referrals → the laptop) → the room's own rounds (when the
pack is given a room folder) → the answer to the title with the model's numbers → what to do on
Monday → the summary → thanks. A claim gets a slide only where a run of the pack measures it;
the others are named once, on the summary. Every slide carries its block's timing cue and its
speaker notes. Claims: C1-C17.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.report.i18n import TEXT, number
from sim.report.page import esc
from sim.workshop import deck, room_slide
from sim.workshop.content import Item

# (block, first minute, last minute, its claims in the order they build)
BLOCKS = (
    ("open", 0, 10, ()),
    ("room1", 10, 20, ()),
    ("meeting", 20, 30, ("C3", "C8", "C17")),
    ("memory", 30, 40, ("C5", "C13", "C14", "C15", "C16")),
    ("trust", 40, 50, ("C4", "C6", "C10")),
    ("break", 50, 55, ()),
    ("referrals", 55, 65, ("C7", "C9", "C2", "C12")),
    ("laptop", 65, 72, ("C11", "C1")),
    ("room2", 72, 82, ()),
    ("close", 82, 90, ()),
)
STORY = tuple(c for *_, claims in BLOCKS for c in claims)
MONDAY = ("ws_monday_1", "ws_monday_2", "ws_monday_3", "ws_monday_4", "ws_monday_5")


@dataclass
class Slide:
    key: str  # its id in the deck
    block: str
    title: str  # plain text
    html: str  # the slide's content (safe HTML)
    notes: str  # plain text: the speaker notes
    lang: str = "en"

    @property
    def cue(self) -> str:
        """Its block and minutes, for a corner of the slide."""
        parts = (block_title(self.block, self.lang), minutes(self.block, self.lang))
        return " · ".join(p for p in parts if p)


def minutes(block: str, lang: str) -> str:
    start, end = next((s, e) for b, s, e, _ in BLOCKS if b == block)
    return TEXT[lang]["ws_minutes"].format(start=start, end=end)


def block_title(block: str, lang: str) -> str:
    return TEXT[lang].get(f"ws_block_{block}", "")


def slides(items: list[Item], lang: str, made: str, room=None) -> list[Slide]:
    """The deck's slides in order; `room` is a room_slide.RoomRounds or None."""
    t, by_id = TEXT[lang], {i.claim: i for i in items}
    out = [
        Slide("title", "open", t["ws_title"], deck.title_slide(lang, made), t["ws_note_title"]),
        Slide("guess", "open", t["ws_guess_title"], deck.text_slide(t["ws_guess_title"],
              [t["ws_guess_body"]], "question"), t["ws_note_guess"]),  # fmt: skip
        Slide("read", "open", t["ws_read_title"],
              deck.text_slide(t["ws_read_title"], [t["ws_read_body"]]), t["ws_note_read"]),
    ]  # fmt: skip
    for block, *_, claims in BLOCKS:
        for item in (by_id[c] for c in claims if c in by_id and by_id[c].measured):
            html, notes = deck.claim_slide(item, lang), claim_notes(item, lang)
            out.append(Slide(item.claim, block, f"{item.claim} {item.title}", html, notes))
    if room is not None:
        body = deck.room_slide_html(room_slide.figure(room, lang), room_slide.sentence(room, lang),
                                    t["ws_room_caption"].format(reps=room.reps), lang)  # fmt: skip
        out.append(Slide("room", "room2", t["ws_room_title"], body, t["ws_note_room"]))
    out += [
        Slide("takeaway", "close", t["ws_takeaway_title"], takeaway(by_id.get("C1"), lang),
              t["ws_note_takeaway"]),
        Slide("monday", "close", t["ws_monday_title"],
              deck.text_slide(t["ws_monday_title"], [t[k] for k in MONDAY], "list"),
              t["ws_note_monday"]),
        Slide("summary", "close", t["ws_summary"], summary(items, lang), t["ws_note_summary"]),
        Slide("close", "close", t["ws_close_title"],
              deck.text_slide(t["ws_close_title"], [t["ws_close_body"]]), t["ws_note_close"]),
    ]  # fmt: skip
    for slide in out:
        slide.lang = lang
    return out


def claim_notes(item: Item, lang: str) -> str:
    """What to say: how the model carries the claim, and what to do with its verdict."""
    t = TEXT[lang]
    status = item.direction if item.direction in ("holds", "fails", "open") else "open"
    notes = [t[f"ws_tp_{item.claim}"], t[f"ws_note_{status}"]]
    if item.direction == "holds" and item.size == "fails":
        notes.append(t["ws_note_size"])
    return " ".join(notes)


def takeaway(c1: Item | None, lang: str) -> str:
    """The title's question answered with the laptop scene's numbers (C1's verdict)."""
    t = TEXT[lang]
    if c1 is None or not c1.measured:
        return deck.text_slide(t["ws_takeaway_title"], [t["ws_takeaway_none"]])
    answer = t[f"ws_takeaway_{c1.direction}"]
    big = "".join(
        f'<div class="big"><b>{number(x, lang, 0 if x >= 10 else 1)}</b><br>{name}</div>'
        for name, x in c1.contrast
    )  # the names: the report's escaped display names
    return (
        f'<h2>{esc(t["ws_takeaway_title"])}</h2><p class="answer">{esc(answer)}</p>'
        f'<div class="bigs">{big}</div><p class="claim">{c1.verdict}</p>'
        f'<p class="claim step">{esc(t["ws_takeaway_guess"])}</p>'
    )


def summary(items: list[Item], lang: str) -> str:
    """The measured claims in the story's order with their verdicts; the rest named once."""
    t, by_id = TEXT[lang], {i.claim: i for i in items}
    shown = [by_id[c] for c in STORY if c in by_id and by_id[c].measured]
    rows = "".join(
        f"<tr><td><b>{i.claim}</b></td><td>{esc(i.title)}</td>"
        f"<td>{deck.verdict_badges(i, lang)}</td></tr>"
        for i in shown
    )
    rest = sorted({*STORY} - {i.claim for i in shown}, key=lambda c: int(c[1:]))
    missing = f'<p class="source">{esc(t["ws_not_in_pack"].format(claims=", ".join(rest)))}</p>'
    return f"<h2>{esc(t['ws_summary'])}</h2><table>{rows}</table>{missing if rest else ''}"
