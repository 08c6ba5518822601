"""The printed parts of the pack: handouts (A4, the key charts with a paragraph each) and the
facilitator guide for a 90-minute session, as HTML and as PDF printed by Debian's chromium.

The guide's blocks name the slides to show, the question to ask and what the model says (the
verdicts of the pack's own runs). All text comes from the translation table (TEXT).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from plotly.offline import get_plotlyjs

from sim.errors import ConfigError
from sim.report.i18n import TEXT
from sim.report.page import esc, table_html
from sim.workshop.content import CLAIMS, Item
from sim.workshop.deck import projected, verdict_badges

HANDOUT = ("C1", "C2", "C4", "C5", "C10", "C11", "C12", "C13", "C14")  # the key charts
FIRST_CLAIM_SLIDE = 3  # the deck: title, how to read, then C1-C17, the summary, the close

# (minutes, what happens, claims shown, the question: a TEXT key or a claim's)
BLOCKS = (
    ("0-10", "ws_g_open", (), "ws_g_open_ask"),
    ("10-25", "ws_g_c1", ("C1", "C2"), "ws_q_C1"),
    ("25-40", "ws_g_memory", ("C3", "C4", "C5", "C10", "C11"), "ws_q_C4"),
    ("40-55", "ws_g_app", ("C5", "C11"), "ws_g_app_ask"),
    ("55-70", "ws_g_quality", ("C6", "C7", "C8", "C9", "C17"), "ws_q_C7"),
    ("70-85", "ws_g_formats", ("C12", "C13", "C14", "C15", "C16"), "ws_q_C13"),
    ("85-90", "ws_g_close", (), "ws_g_close_ask"),
)

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
"""


def page(title: str, body: str, lang: str, charts: bool) -> str:
    script = f'<script type="text/javascript">{get_plotlyjs()}</script>' if charts else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{esc(title)}'
        f"</title><style>{PRINT_STYLE}</style>{script}</head><body><h1>{esc(title)}</h1>{body}"
        "</body></html>"
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


def guide_html(items: list[Item], lang: str, made: str) -> str:
    t, by_id = TEXT[lang], {i.claim: i for i in items}
    rows = []
    for minutes, what, shown, ask in BLOCKS:
        slides = [str(FIRST_CLAIM_SLIDE + CLAIMS.index(c)) for c in shown]
        show = t["ws_slides"].format(n=", ".join(slides)) if slides else ""
        if what == "ws_g_app":
            show = t["ws_g_app_show"]
        elif what == "ws_g_close":
            show = t["ws_slides"].format(n=FIRST_CLAIM_SLIDE + len(CLAIMS))
        answers = "<br>".join(
            f"<b>{c}</b> {verdict_badges(by_id[c], lang)} {by_id[c].verdict}" for c in shown
        )
        rows.append([esc(minutes), esc(t[what]), esc(show), esc(t[ask]), answers or "-"])
    head = [t["ws_time"], t["ws_block"], t["ws_show"], t["ws_ask"], t["ws_answer"]]
    appendix = [
        [f"<b>{i.claim}</b> {esc(i.title)}", esc(i.question),
         f"{verdict_badges(i, lang)} {i.verdict}<br><small>{i.source}</small>"]
        for i in items
    ]  # fmt: skip
    body = (
        f"<p>{esc(t['ws_guide_intro'])}</p><p>{esc(made)}</p>"
        f"<p>{esc(t['ws_g_preparation'])}</p>{table_html([esc(h) for h in head], rows)}"
        f'<h2 style="margin-top:8mm">{esc(t["ws_summary"])}</h2>'
        f"{table_html([esc(t['claim']), esc(t['ws_question']), esc(t['ws_answer'])], appendix)}"
    )
    return page(t["ws_guide_title"], body, lang, charts=False)


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
