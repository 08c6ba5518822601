"""The deck: one offline HTML file for the projector (make workshop), the slides of
sim/workshop/story.py.

Large type, high contrast, one claim per slide; a slide's parts are revealed one by one (the
claim, the question for the room, the chart from the pack's runs with what its line and band
mean, what the model says). Every slide shows its block and minutes in a corner; N shows the
speaker notes under the slide (for a presenter's own screen). Keyboard: → / space / PageDown /
Enter forward, ← / PageUp / Backspace back, Home, End; a click goes forward. The position is
kept in the address (#slide.step), so a reload stays put. plotly.js is inlined once: no network
needed. Claims: C1-C17.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from sim.report.i18n import TEXT
from sim.report.page import esc
from sim.report.verdict_text import VERDICT
from sim.workshop.content import Item

STYLE = """
html,body{margin:0;height:100%;background:#fff;color:#111;overflow:hidden;
font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:clamp(16px,1.9vw,40px)}
.slide{position:absolute;inset:0;display:none;padding:3vh 5vw;box-sizing:border-box;
flex-direction:column}
.slide.current{display:flex}
.step{visibility:hidden}.step.shown{visibility:visible}
h1{font-size:2.3em;margin:.2em 0}h2{font-size:1.6em;margin:.1em 0 .3em}
.id{color:#0b3d91;font-weight:700;margin-right:.4em}
.claim{font-size:.95em;max-width:52em;margin:0 0 .4em}
.question{background:#ffe066;padding:.3em .6em;border-radius:.3em;font-weight:600;margin:.2em 0}
.chart{flex:1;min-height:0}.chart>div{height:100%}
.says{margin-top:.3em;font-size:.9em}
.verdict{display:inline-block;padding:.15em .5em;border-radius:.3em;color:#fff;font-weight:700}
.holds{background:#1b6e20}.fails{background:#a4161a}.open,.unmeasured{background:#555}
.source{color:#333;font-size:.6em}
table{border-collapse:collapse;font-size:.62em}td{padding:.15em .6em;border-bottom:1px solid #bbb}
#counter{position:fixed;right:1.2vw;bottom:1vh;color:#333;font-size:.55em}
.keys{color:#333;font-size:.6em;margin-top:2em}
.cue{position:absolute;left:5vw;bottom:1vh;color:#555;font-size:.5em}
.note{color:#333;font-size:.55em;margin:.2em 0 0}
.answer{font-size:2.4em;font-weight:700;color:#1b6e20;margin:.2em 0}
ul.list{font-size:1.1em;line-height:1.5}
.bigs{display:flex;gap:6vw;margin:.2em 0 .4em}.big{font-size:.9em;max-width:22em}
.big b{font-size:3em;color:#0b3d91}
.notes{display:none;position:fixed;left:0;right:0;bottom:0;max-height:32vh;overflow:auto;
background:#fffbe6;border-top:3px solid #ffe066;padding:.6em 5vw;font-size:.6em;z-index:9}
body.with-notes .slide.current .notes{display:block}
"""

SCRIPT = """
const slides = [...document.querySelectorAll('.slide')];
let cur = 0, shown = 0;
const steps = i => slides[i].querySelectorAll('.step');
function render() {
  slides.forEach((s, i) => s.classList.toggle('current', i === cur));
  steps(cur).forEach((e, k) => e.classList.toggle('shown', k < shown));
  document.getElementById('counter').textContent = `${cur + 1} / ${slides.length}`;
  history.replaceState(null, '', `#${cur + 1}.${shown}`);
  slides[cur].querySelectorAll('.plotly-graph-div').forEach(d => Plotly.Plots.resize(d));
}
function next() {
  if (shown < steps(cur).length) shown++;
  else if (cur < slides.length - 1) { cur++; shown = 0; }
  render();
}
function back() {
  if (shown > 0) shown--;
  else if (cur > 0) { cur--; shown = steps(cur).length; }
  render();
}
document.addEventListener('keydown', e => {
  if (['ArrowRight', ' ', 'PageDown', 'Enter'].includes(e.key)) { e.preventDefault(); next(); }
  else if (['ArrowLeft', 'PageUp', 'Backspace'].includes(e.key)) { e.preventDefault(); back(); }
  else if (e.key === 'Home') { cur = 0; shown = 0; render(); }
  else if (e.key === 'End') { cur = slides.length - 1; shown = steps(cur).length; render(); }
  else if (e.key === 'n' || e.key === 'N') document.body.classList.toggle('with-notes');
});
document.addEventListener('click', next);
const at = /^#(\\d+)\\.(\\d+)$/.exec(location.hash);
if (at) {
  cur = Math.min(Math.max(+at[1] - 1, 0), slides.length - 1);
  shown = Math.min(+at[2], steps(cur).length);
}
render();
"""


def verdict_badges(item: Item, lang: str) -> str:
    """The verdict's two parts as coloured words: 'direction holds', 'size does not hold' (the
    size only where the essay names a figure)."""
    words = VERDICT[lang]
    parts = [("direction", item.direction)]
    parts += [("size", item.size)] if item.size != "n/a" else []
    return " ".join(
        f'<span class="verdict {status}">{esc(words["part_" + part])}: '
        f"{esc(words['status_' + status])}</span>"
        for part, status in parts
    )


def projected(fig: go.Figure, size: int) -> go.Figure:
    """The base's traces only (the report hides the variants' behind the legend) and the
    legend in one row above the chart, for a slide or a page (a copy: the deck and the
    handouts each style their own)."""
    fig = go.Figure(fig)
    fig.data = [tr for tr in fig.data if tr.visible != "legendonly"]
    return fig.update_layout(
        font={"size": size}, autosize=True, height=None,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        margin={"t": 20, "b": 50, "l": 70, "r": 20},
    )  # fmt: skip


def figure_div(item: Item, height: str = "100%") -> str:
    fig = projected(item.figure, 18)
    return fig.to_html(
        full_html=False, include_plotlyjs=False, div_id=f"fig-{item.claim}",
        default_height=height, config={"displaylogo": False, "responsive": True},
    )  # fmt: skip


def claim_slide(item: Item, lang: str) -> str:
    t = TEXT[lang]
    says = f"<b>{esc(t['ws_model_says'])}:</b> {item.verdict}"
    chart = ""
    if item.figure:
        note = esc(t["ws_chart_note"].format(reps=item.reps))
        chart = f'<div class="chart step">{figure_div(item)}</div><p class="note step">{note}</p>'
    return (
        f'<h2><span class="id">{item.claim}</span>{esc(item.title)}</h2>'
        f'<p class="claim">{esc(item.statement)}</p>'
        f'<p class="question step">{esc(t["ws_question"])}: {esc(item.question)}</p>{chart}'
        f'<div class="says step">{verdict_badges(item, lang)} {says}'
        f'<div class="source">{item.source}</div></div>'
    )


def title_slide(lang: str, made: str) -> str:
    t = TEXT[lang]
    return (
        f"<h1>{esc(t['ws_title'])}</h1><h2>{esc(t['ws_subtitle'])}</h2><p>{esc(made)}</p>"
        f'<p class="keys">{esc(t["ws_keys"])} · {esc(t["ws_notes_key"])}</p>'
    )


def text_slide(title: str, paragraphs: list[str], kind: str = "claim") -> str:
    """A title and plain paragraphs (kind "question": highlighted, "list": bullets)."""
    if kind == "list":
        body = '<ul class="list">' + "".join(f"<li>{esc(p)}</li>" for p in paragraphs) + "</ul>"
    else:
        body = "".join(f'<p class="{kind}">{esc(p)}</p>' for p in paragraphs)
    return f"<h2>{esc(title)}</h2>{body}"


def room_slide_html(fig: go.Figure, sentence: str, caption: str, lang: str) -> str:
    """The room's rounds: the chart, what it shows, and who changed what."""
    fig = projected(fig, 18).update_layout(
        legend={"x": 1, "xanchor": "right", "y": 1.12}, margin={"t": 70}
    )
    div = fig.to_html(
        full_html=False, include_plotlyjs=False, div_id="fig-room", default_height="100%",
        config={"displaylogo": False, "responsive": True},
    )  # fmt: skip
    return (
        f"<h2>{esc(TEXT[lang]['ws_room_title'])}</h2>"
        f'<div class="chart">{div}</div><p class="note">{esc(caption)}</p>'
        f'<p class="says step">{esc(sentence)}</p>'
    )


def render_deck(slides, lang: str) -> str:
    """The whole deck as one HTML page: each slide with its timing cue and speaker notes."""
    t = TEXT[lang]
    sections = [
        f'<section class="slide" id="{esc(s.key)}">{s.html}'
        f'<div class="cue">{esc(s.cue)}</div><aside class="notes">{esc(s.notes)}</aside></section>'
        for s in slides
    ]
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(t['ws_title'])}</title><style>{STYLE}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
        f'{"".join(sections)}<div id="counter"></div><script>{SCRIPT}</script></body></html>'
    )
