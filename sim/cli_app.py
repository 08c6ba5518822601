"""Command line for workshops: `python -m sim app` (make app), `python -m sim workshop` (make
workshop: the pack).

The page is served on 127.0.0.1 unless --host says otherwise; a port in use or a host this
machine does not have is answered with one line and exit status 2 before anything starts.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated

import typer

from sim.cli_options import (
    OutOpt,
    OverwriteOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    check_lang,
    fail,
)
from sim.errors import ConfigError

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


def workshop(
    lang: Annotated[str, typer.Option(help="language of the pack: en or nl")] = "en",
    replications: Annotated[
        int | None,
        typer.Option(
            min=1, max=10_000, help="replications per scenario (default: each scenario's)"
        ),
    ] = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    overwrite: OverwriteOpt = False,
    workers: WorkersOpt = None,
    scenarios: Annotated[
        str | None,
        typer.Option(help="comma-separated scenarios to run (default: seven that cite C1-C17)"),
    ] = None,
    room: Annotated[
        Path | None,
        typer.Option(
            help="a room's folder: adds a slide with its rounds (with the --out of a "
            "finished pack: rebuilds that pack's slides and sheets, runs nothing)"
        ),
    ] = None,
) -> None:
    """The workshop pack: runs made for it, a deck, handouts (PDF) and a facilitator guide."""
    check_lang(lang)
    from sim.paths import resolve_scenario_path

    names = [n.strip() for n in scenarios.split(",") if n.strip()] if scenarios else None
    try:
        for name in names or []:
            resolve_scenario_path(name)  # a wrong name is answered before the heavy imports
    except ConfigError as err:
        fail(str(err))
    from sim.experiments.execution import default_out_dir
    from sim.scenario import parse_set_options
    from sim.workshop.pack import build_pack

    try:
        overrides = parse_set_options(set_ or [])
        target = out or default_out_dir("workshop")
        folder = build_pack(
            target, lang, overrides, replications, seed, workers, overwrite, names, room
        )
    except ConfigError as err:
        fail(str(err))
    typer.echo(f"pack: {folder / 'deck.html'} (and handouts.pdf, guide.pdf, participants.pdf)")


def lan_address() -> str:
    """This machine's address on its network (no packet is sent), else 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def room(
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8765,
    replications: Annotated[
        int | None,
        typer.Option(
            min=1, max=1000, help="replications per round (default: the room scenario's, 20)"
        ),
    ] = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    key: Annotated[
        str | None, typer.Option(help="the projector page's key (default: a random one)")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=256, help="processes a round runs on")] = 2,
) -> None:
    """The room: participants join from their phones and play themselves, round by round."""
    import secrets

    check_address(host, port)
    from sim.app import room as room_state
    from sim.experiments.execution import default_out_dir
    from sim.scenario import parse_set_options

    where = lan_address() if host == "0.0.0.0" else host
    key = key or secrets.token_urlsafe(6)
    try:
        overrides = parse_set_options(set_ or [])
        folder = out or default_out_dir("room")
        opened = room_state.open_room(
            folder, replications, seed, overrides, key, f"http://{where}:{port}/", workers
        )
    except ConfigError as err:
        fail(str(err))
    from sim.app.server import serve

    typer.echo(f"participants (phones): http://{where}:{port}/", nl=True)
    typer.echo(f"projector: http://{where}:{port}/screen?key={key}")
    if opened.keys:
        typer.echo(f"the room in {folder} goes on: {len(opened.keys)} participants, "
                   f"{len(opened.rounds)} rounds")  # fmt: skip
    typer.echo(f"rounds are saved in {folder}  (Ctrl+C stops the room)")
    serve("room", host, port)
