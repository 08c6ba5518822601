"""Serve a Solara page of the app on this machine: `python -m sim app` (make app).

Solara's own server (Starlette under uvicorn) in production mode, with telemetry off, plus one
route of ours: plotly.js from the installed plotly package (sim/app/plotly_view.py), so that the
app works on a workshop network without internet. It listens on 127.0.0.1 unless told otherwise
(`--host 0.0.0.0` / `make app HOST=0.0.0.0` shares it with the room).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from contextlib import contextmanager
from pathlib import Path

PAGES = {"app": "sim.app.page", "room": "sim.app.room_page"}


def plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def asgi_app(page: str):
    """Solara's ASGI app for the page module, with plotly.js served beside it."""
    os.environ["SOLARA_APP"] = page
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    import solara.server.settings as settings

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    # Solara warns on every page over plain http (its cookie falls back to samesite=lax,
    # which is what a page on this machine or a workshop network needs)
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    from solara.server.starlette import app as solara_app
    from starlette.responses import FileResponse

    from sim.app.plotly_view import PLOTLY_PATH

    plotly_file = plotly_js()

    async def app(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == PLOTLY_PATH:
            await FileResponse(plotly_file, media_type="text/javascript")(scope, receive, send)
        else:
            await solara_app(scope, receive, send)

    return app


def serve(name: str, host: str, port: int) -> None:
    """Run the page until interrupted (Ctrl+C)."""
    import uvicorn

    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(port)
    uvicorn.run(asgi_app(PAGES[name]), host=host, port=port, log_level="warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(command: str, *args: str, timeout: float = 180.0):
    """`python -m sim COMMAND ARGS --port P` on 127.0.0.1 in a child process, for tests and
    benchmarks: yields its URL once it answers, stops it afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "sim", command, *args, "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{command} stopped: {proc.stdout.read()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "readyz", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{command} did not answer within {timeout:.0f} s") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
