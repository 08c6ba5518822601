"""A Plotly chart as a light widget: the server sends the figure as plain JSON, the browser
redraws it with Plotly.react.

plotly's own FigureWidget validates every trace in Python and re-sends it trace by trace, ~35 ms
per chart per frame on this machine; a frame of the live app has ~100 ms for a week of the
model and four charts. Here a chart is a dict ({"data": [...], "layout": {...}}) built by
sim/app/charts.py, and the browser loads plotly.js once from the app's own server
(sim/app/server.py: PLOTLY_PATH), so the app needs no internet.
"""

from __future__ import annotations

import anywidget
import traitlets

PLOTLY_PATH = "/netsim/plotly.min.js"

_ESM = """
function plotly() {
  if (!globalThis.__netsimPlotly) {
    globalThis.__netsimPlotly = new Promise((resolve, reject) => {
      if (globalThis.Plotly) return resolve(globalThis.Plotly);
      const s = document.createElement("script");
      s.src = new URL("PLOTLY_PATH".slice(1), document.baseURI).href;
      s.onload = () => resolve(globalThis.Plotly);
      s.onerror = () => reject(new Error("plotly.js did not load"));
      document.head.appendChild(s);
    });
  }
  return globalThis.__netsimPlotly;
}

export default {
  async render({ model, el }) {
    const Plotly = await plotly();
    const div = document.createElement("div");
    div.className = "netsim-chart";
    el.appendChild(div);
    const config = { displaylogo: false, responsive: true };
    let drawn = 0;
    const draw = () => {
      const fig = model.get("figure");
      Plotly.react(div, fig.data || [], fig.layout || {}, config).then(() => {
        drawn += 1;
        div.dataset.drawn = String(drawn);
      });
    };
    draw();
    model.on("change:figure", draw);
    return () => { model.off("change:figure", draw); Plotly.purge(div); };
  },
};
""".replace("PLOTLY_PATH", PLOTLY_PATH)


class PlotlyView(anywidget.AnyWidget):
    """One chart; setting `figure` redraws it in the browser (the count is in data-drawn)."""

    _esm = _ESM
    figure = traitlets.Dict().tag(sync=True)
