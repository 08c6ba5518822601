"""What the commands share: their options, and how they turn bad input into one line.

Bad input: one line on stderr, exit status 2 (`fail`); tasks that failed: one line, exit status 1
(`incomplete`). Text from files is shown as plain text (never terminal markup).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from sim.errors import ConfigError
from sim.report.i18n import LANGUAGES
from sim.terminal import console, shown

# Options shared by `run` and `sweep`.
ScenarioArg = Annotated[str, typer.Argument(help="scenario name (see `list`) or a .toml path")]
SeedOpt = Annotated[int | None, typer.Option(min=0, max=2**63 - 1, help="master seed")]
SetOpt = Annotated[
    list[str] | None, typer.Option("--set", help="change a parameter of the base: key=value")
]
OutOpt = Annotated[Path | None, typer.Option(help="output folder")]
WorkersOpt = Annotated[int | None, typer.Option(min=1, max=256, help="worker processes")]
QuietOpt = Annotated[bool, typer.Option(help="no progress bar")]
ClusterOpt = Annotated[
    str | None,
    typer.Option(help="run the tasks on a Dask cluster: 'local' starts a LocalCluster"),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(help="run the tasks on a running Dask cluster, e.g. tcp://10.0.0.5:8786"),
]
OverwriteOpt = Annotated[
    bool, typer.Option("--overwrite", help="replace a finished run in --out (else refused)")
]
MemoryOpt = Annotated[
    str | None,
    typer.Option(help="memory the run may use, e.g. 8G (default: the memory available now)"),
]


def max_memory_bytes(text: str | None) -> float | None:
    from sim.experiments.resources import parse_size

    return None if text is None else parse_size(text)


def announce(plan) -> None:
    """Before a run: its estimate, and what the user should know (fewer workers, a long run)."""
    for note in plan.notes:
        console.print(Text(f"note: {note}"))


def where_from(cluster: str | None, scheduler: str | None):
    """Where the tasks run (None: here); exit 2 with one line on a bad option."""
    from sim.experiments.cluster import Where

    try:
        return Where(cluster, scheduler)
    except ConfigError as err:
        fail(str(err))


def incomplete(err: Exception, out: Path | None) -> None:
    """Some tasks failed: say so in one line, and how to retry (exit status 1)."""
    again = "run the same command" + ("" if out else " with --out DIR")
    typer.echo(f"error: {shown(err, 2000)}; {again} to retry the rest", err=True)
    raise typer.Exit(1)


def fail(message: str) -> None:
    typer.echo(f"error: {shown(message, 2000)}", err=True)
    raise typer.Exit(2)


def load(scenario: str, set_: list[str] | None):
    """The validated scenario with --set applied; exit 2 with one line on bad input."""
    from sim.paths import resolve_scenario_path

    try:
        resolve_scenario_path(scenario)  # a wrong name is answered before the heavy imports
        from sim.scenario import load_scenario, parse_set_options

        return load_scenario(scenario, parse_set_options(set_ or []))
    except ConfigError as err:
        fail(str(err))


LangOpt = Annotated[
    str | None,
    typer.Option(help="language of the report: en or nl (default: the scenario's, else en)"),
]
RunDirArg = Annotated[Path, typer.Argument(help="a folder written by `run`")]


def check_lang(lang: str | None) -> None:
    if lang is not None and lang not in LANGUAGES:
        fail(f"--lang '{lang}': allowed: {', '.join(LANGUAGES)}")
