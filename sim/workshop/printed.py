"""The printed parts of the pack: handouts (A4, the key charts with a paragraph each) and the
participants' sheets (a guess sheet, a habits card with the phone's questions on paper, the
one-sentence exercise), as HTML and as PDF printed by Debian's chromium; the facilitator guide
(sim/workshop/guide.py) is printed the same way. All text comes from the translation table
(TEXT). Claims: C1-C17 (the handouts' charts), C1 (the guess), C7 (the one-sentence exercise).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from plotly.offline import get_plotlyjs

from sim.errors import ConfigError
from sim.report.i18n import TEXT
from sim.report.page import esc
from sim.workshop.content import Item
from sim.workshop.deck import projected, verdict_badges

HANDOUT = ("C1", "C2", "C4", "C5", "C10", "C11", "C12", "C13", "C14")  # the key charts

PRINT_STYLE = """
@page{size:A4;margin:15mm}
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#111;font-size:11pt}
h1{font-size:18pt;margin:0 0 4mm}h2{font-size:13pt;margin:0 0 2mm}
.card{page-break-inside:avoid;break-inside:avoid;margin-bottom:6mm}
.card p{margin:1mm 0}.source{color:#444;font-size:9pt}
table{border-collapse:collapse;width:100%;font-size:9.5pt}
th,td{border-bottom:1px solid #bbb;padding:1.5mm;text-align:left;vertical-align:top}
th{background:#eee}.verdict{padding:0 2mm;border-radius:1mm;color:#fff;font-weight:700}
.holds{background:#1b6e20}.fails{background:#a4161a}.open,.unmeasured{background:#555}
h3{font-size:11.5pt;margin:0 0 1mm}.new-page,.sheet+.sheet{break-before:page}
.sheet h2{font-size:16pt;margin-bottom:6mm}
.line{border-bottom:1px solid #888;height:11mm;margin:0 0 3mm}
.field{margin:5mm 0 1mm}
"""


def page(title: str, body: str, lang: str, charts: bool, heading: bool = True) -> str:
    script = f'<script type="text/javascript">{get_plotlyjs()}</script>' if charts else ""
    h1 = f"<h1>{esc(title)}</h1>" if heading else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{esc(title)}'
        f"</title><style>{PRINT_STYLE}</style>{script}</head><body>{h1}{body}</body></html>"
    )


def handouts_html(items: list[Item], lang: str) -> str:
    t, cards = TEXT[lang], []
    for item in (i for i in items if i.claim in HANDOUT and i.figure is not None):
        fig = projected(item.figure, 12).update_layout(height=330, width=680, autosize=False)
        chart = fig.to_html(full_html=False, include_plotlyjs=False, config={"staticPlot": True})
        cards.append(
            f'<div class="card"><h2>{item.claim} · {esc(item.title)}</h2>{chart}'
            f"<p>{esc(item.statement)} <b>{esc(t['ws_model_says'])}:</b> "
            f"{verdict_badges(item, lang)} {item.verdict}</p>"
            f'<p class="source">{item.source}</p></div>'
        )
    body = f"<p>{esc(t['ws_handout_intro'])}</p>{''.join(cards)}"
    return page(t["ws_handout_title"], body, lang, charts=True)


def participants_html(lang: str) -> str:
    """Three sheets per participant: the guess, the habits card, the one-sentence exercise."""
    t = TEXT[lang]

    def sheet(title: str, fields: list[str], intro: str = "") -> str:
        asked = "".join(f'<p class="field">{esc(t[f])}</p><div class="line"></div>' for f in fields)
        lead = f"<p>{esc(intro)}</p>" if intro else ""
        return f'<div class="sheet"><h2>{esc(title)}</h2>{lead}{asked}</div>'

    card = ["ws_sheet_name", "ws_card_sell", "ws_card_events", "ws_card_one_to_ones",
            "ws_card_pitch", "ws_card_listen", "ws_card_give", "ws_card_change"]  # fmt: skip
    body = (
        sheet(t["ws_sheet_guess"], ["ws_sheet_name", "ws_sheet_guess_1", "ws_sheet_guess_2"],
              t["ws_guess_body"])
        + sheet(t["ws_card_title"], card)
        + sheet(t["ws_exercise_title"], ["ws_exercise_line", "ws_exercise_named",
                                         "ws_exercise_contact"], t["ws_exercise_body"])
    )  # fmt: skip
    return page(t["ws_part_title"], body, lang, charts=False, heading=False)


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print an HTML file to an A4 PDF with Debian's chromium, once its charts are drawn."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise ConfigError("the PDFs need Debian's chromium: run `make workshop`, which installs it")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(html_path.resolve().as_uri())
            page.wait_for_function(
                "() => [...document.querySelectorAll('.plotly-graph-div')]"
                ".every(d => d.querySelector('.main-svg'))",
                timeout=120_000,
            )
            page.pdf(path=str(pdf_path), format="A4", print_background=True)
        finally:
            browser.close()
