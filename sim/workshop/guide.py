"""The facilitator guide: a 90-minute plan with the room in it (HTML, printed to PDF).

Preparation (what to bring, the network, the room's address, the slides), a timetable that
follows the slides the pack actually has (sim/workshop/story.py), the room's two rounds and what
to ask between them, talking points per claim in plain words (how the model carries it and
what it says), what to say when the model goes against the essay, and the speaker notes of every
slide. All text comes from the translation table (TEXT). Claims: C1-C17.
"""

from __future__ import annotations

from sim.report.i18n import TEXT
from sim.report.page import esc, table_html
from sim.workshop.content import Item
from sim.workshop.deck import verdict_badges
from sim.workshop.printed import page
from sim.workshop.story import BLOCKS, STORY, Slide, block_title, minutes

# what happens in the blocks without claims, and what to ask there
PLAIN = {
    "open": ("ws_g_open", "ws_g_open_ask"),
    "room1": ("ws_g_room1", "ws_g_room1_ask"),
    "break": ("ws_g_break", None),
    "room2": ("ws_g_room2", "ws_g_room2_ask"),
    "close": ("ws_g_close", "ws_g_close_ask"),
}


def guide_html(slides: list[Slide], items: list[Item], lang: str, made: str) -> str:
    t = TEXT[lang]
    body = (
        f"<p>{esc(t['ws_guide_intro'])}</p><p>{esc(made)}</p>"
        + preparation(lang)
        + f"<h2>{esc(t['ws_timetable'])}</h2>"
        + table_html(
            [esc(t[k]) for k in ("ws_time", "ws_block", "ws_show", "ws_ask")],
            timetable(slides, items, lang),
        )  # fmt: skip
        + talking_points(items, lang)
        + f"<h2>{esc(t['ws_against_title'])}</h2><p>{esc(t['ws_against_body'])}</p>"
        + notes(slides, lang)
    )
    return page(t["ws_guide_title"], body, lang, charts=False)


def preparation(lang: str) -> str:
    t = TEXT[lang]
    items = "".join(
        f"<li>{esc(t[k])}</li>"
        for k in ("ws_prep_bring", "ws_prep_network", "ws_prep_address", "ws_prep_slides")
    )
    return f"<h2>{esc(t['ws_prep_title'])}</h2><ul>{items}</ul>"


def timetable(slides: list[Slide], items: list[Item], lang: str) -> list[list[str]]:
    """One row per block: its minutes, what happens, the slides it shows, the question."""
    t, by_id = TEXT[lang], {i.claim: i for i in items}
    rows = []
    for block, start, end, claims in BLOCKS:
        numbers = [str(n) for n, s in enumerate(slides, 1) if s.block == block]
        key = "ws_slides" if len(numbers) > 1 else "ws_slide"
        shown = t[key].format(n=", ".join(numbers)).lower() if numbers else "-"
        if block in PLAIN:
            what, ask = PLAIN[block]
            happens, question = t[what], t[ask] if ask else "-"
            if block == "close":
                happens = f"{t['ws_g_takeaway']} {happens}"
        else:
            measured = [c for c in claims if c in by_id and by_id[c].measured]
            key = "ws_g_block" if measured else "ws_g_block_empty"
            happens = t[key].format(title=block_title(block, lang))
            question = by_id[(measured or claims)[0]].question if by_id else "-"
        rows.append([esc(f"{start}-{end}"), esc(happens), esc(shown), esc(question)])
    return rows


def talking_points(items: list[Item], lang: str) -> str:
    """Per measured claim, in the story's order: how the model carries it, what it says."""
    t, by_id = TEXT[lang], {i.claim: i for i in items}
    cards = []
    for claim in STORY:
        item = by_id.get(claim)
        if item is None or not item.measured:
            continue
        cards.append(
            f'<div class="card"><h3>{item.claim} · {esc(item.title)}</h3>'
            f"<p><b>{esc(t['ws_talking_mechanism'])}:</b> {esc(t[f'ws_tp_{claim}'])}</p>"
            f"<p><b>{esc(t['ws_model_says'])}:</b> {verdict_badges(item, lang)} {item.verdict}</p>"
            f'<p class="source">{item.source}</p></div>'
        )
    rest = sorted(
        (c for c in STORY if c not in by_id or not by_id[c].measured), key=lambda c: int(c[1:])
    )
    missing = f"<p>{esc(t['ws_not_in_pack'].format(claims=', '.join(rest)))}</p>" if rest else ""
    return f"<h2>{esc(t['ws_talking_title'])}</h2>{''.join(cards)}{missing}"


def notes(slides: list[Slide], lang: str) -> str:
    """Every slide's number, title, block and minutes, and what to say."""
    t = TEXT[lang]
    rows = [
        [esc(t["ws_slide"].format(n=n)),
         f"<b>{esc(s.title)}</b><br><small>{esc(block_title(s.block, lang))} "
         f"{esc(minutes(s.block, lang))}</small>", esc(s.notes)]
        for n, s in enumerate(slides, 1)
    ]  # fmt: skip
    head = [esc(t["ws_slide"].format(n="")).strip(), esc(t["ws_block"]), esc(t["ws_notes_title"])]
    return f'<h2 class="new-page">{esc(t["ws_notes_title"])}</h2>{table_html(head, rows)}'
