"""`make bench ARGS=--workshop`: the live app's frame rate in a real browser, and the server's
time per frame (a week of the model, its tables and the four charts) measured in-process.

A frame is a week of the laptop scene: the app steps the model, builds the charts and sends
each changed chart to the browser, which redraws it with Plotly.react. The app caps playing at
20 frames a second (sim/app/page.py: FRAME_SECONDS). Not a test: record the figures in notes.
"""

from __future__ import annotations

import statistics
import time


def server_frame_ms(weeks: int = 260) -> dict[str, float]:
    """Median and 90th-percentile milliseconds of a frame's server work over a laptop run."""
    from sim.app import charts
    from sim.app.live import defaults, start

    live, _ = start("laptop", defaults("laptop"), seed=1)
    spent = []
    for _ in range(weeks):
        began = time.perf_counter()
        live.step()
        tables = live.tables()
        charts.units(tables, live.weeks, live.scenario.contrast, "en")
        charts.sources(tables, "en")
        charts.memory_trust(tables, "en")
        charts.network(tables, "en")
        spent.append(1000 * (time.perf_counter() - began))
    q = statistics.quantiles(spent, n=10)
    return {"median": statistics.median(spent), "p90": q[-1], "max": max(spent)}


def browser_frames(seconds: float = 15.0) -> dict[str, float]:
    """Weeks shown per second while playing, and redraws per second of each chart."""
    from playwright.sync_api import sync_playwright

    from sim.app.server import running
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    with running("app") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.wait_for_function(
            "() => document.querySelectorAll('.netsim-chart[data-drawn]').length === 4",
            timeout=120_000,
        )

        def sample() -> tuple[float, int, list[int]]:
            week = int(page.inner_text(".netsim-week").split(" ")[1])
            drawn = page.eval_on_selector_all(".netsim-chart", "e => e.map(d => +d.dataset.drawn)")
            return time.perf_counter(), week, drawn

        page.get_by_role("button", name="Play").click()
        time.sleep(2)  # past the first frames
        samples = [sample()]
        while time.perf_counter() - samples[0][0] < seconds:
            time.sleep(0.5)
            now = sample()
            if now[1] >= 259:  # the run's end: the rate is over the weeks before it
                break
            samples.append(now)
        browser.close()
    (t0, w0, d0), (t1, w1, d1) = samples[0], samples[-1]
    rate = [(b - a) / (t1 - t0) for a, b in zip(d0, d1, strict=True)]
    return {"weeks_per_s": (w1 - w0) / (t1 - t0), "redraws_per_s": rate, "from": w0, "to": w1}


def main() -> None:
    f = server_frame_ms()
    print(
        f"app: server work per frame (a laptop week, its tables, four charts) median "
        f"{f['median']:.1f} ms, 90th percentile {f['p90']:.1f} ms, max {f['max']:.1f} ms"
    )
    b = browser_frames()
    redraws = ", ".join(f"{r:.1f}" for r in b["redraws_per_s"])
    print(
        f"app: in chromium on this machine, playing from week {b['from']} to {b['to']}: "
        f"{b['weeks_per_s']:.1f} frames (weeks) per second; redraws per second of the units, "
        f"sources, memory/trust and network charts: {redraws}"
    )


if __name__ == "__main__":
    main()
