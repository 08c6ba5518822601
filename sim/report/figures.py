"""`make figures RUN=DIR`: the report's headline charts as PNG files for handouts (C1-C4).

Rendered by kaleido in Debian's chromium (no browser download): kaleido finds it through the
BROWSER_PATH environment variable, which `make figures` sets. Built from saved results only.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sim.report import charts, data
from sim.report.page import Report
from sim.storage import write_atomic


def export_figures(out_dir: Path, lang: str | None = None) -> list[Path]:
    """Write headline.png, sources.png and memory_trust.png into out_dir/figures/."""
    import plotly.io as pio

    run = data.load_run(out_dir)
    report = Report(run, lang or run.manifest.get("language") or "en")
    if not os.environ.get("BROWSER_PATH"):
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if browser:
            os.environ["BROWSER_PATH"] = browser
    target = Path(out_dir) / "figures"
    target.mkdir(exist_ok=True)
    made = {
        "headline": charts.headline(report),
        "sources": charts.sources(report),
        "memory_trust": charts.memory_trust(report),
    }
    paths = []
    for name, figure in made.items():
        if figure is None:
            continue
        fig, _ = figure
        png = pio.to_image(report.styled(fig), format="png", width=1200, height=700, scale=2)
        path = target / f"{name}.png"
        write_atomic(path, lambda p, png=png: p.write_bytes(png))
        paths.append(path)
    return paths
