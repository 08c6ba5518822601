"""Command line for the workshop pages: `python -m sim app` (make app).

The page is served on 127.0.0.1 unless --host says otherwise; a port in use or a host this
machine does not have is answered with one line and exit status 2 before anything starts.
"""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from sim.cli_options import fail

HostOpt = Annotated[
    str, typer.Option(help="address to listen on: 127.0.0.1 (this machine), 0.0.0.0 (the network)")
]
PortOpt = Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")]


def check_address(host: str, port: int) -> None:
    """One line and exit 2 when the server could not listen on host:port."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except OSError as err:
        fail(f"cannot listen on {host}:{port}: {err.strerror or err} (try another --port)")


def app(host: HostOpt = "127.0.0.1", port: PortOpt = 8765) -> None:
    """The live app: sliders, play / step / reset and four live charts, in a browser."""
    check_address(host, port)
    from sim.app.server import serve

    shown = "127.0.0.1" if host == "0.0.0.0" else host
    typer.echo(f"the app is at http://{shown}:{port}/  (Ctrl+C stops it)")
    serve("app", host, port)
