"""Command line: `python -m sim run|list|validate`. Bad input: one line on stderr, exit status 2."""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from sim.config import ConfigError, available_scenarios, load_scenario, parse_set_options

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console()


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _fmt(x: float, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{x:.{digits}f}"


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="scenario name (see `list`) or a .toml path")],
    replications: Annotated[
        int | None, typer.Option(min=1, help="replications per variant")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="master seed")] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="override a parameter: key=value")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="output folder")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="worker processes")] = None,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
) -> None:
    """Run a scenario's variants and replications; write Parquet tables and a manifest."""
    from sim.runner import run_scenario

    try:
        overrides = parse_set_options(set_ or [])
        scn = load_scenario(scenario, overrides)
    except ConfigError as err:
        _fail(str(err))
    console.print(f"[bold]{scn.name}[/bold]: {scn.description}")
    try:
        result = run_scenario(scn, replications, seed, workers, out, show_progress=not quiet)
    except ConfigError as err:
        _fail(str(err))
    _print_summary(result)
    console.print(f"results: {result.out_dir}  ({result.wall_seconds:.1f} s)")


def _print_summary(result) -> None:
    table = Table(
        title="Units per focal seller: mean ± 95 % CI half-width across replications",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        caption="deg 1/2/3 %: share of units by degree; refs g/r: referrals given/received;"
        " avoid: members who avoid the seller",
    )
    for col in ("variant", "strategy", "units", "deg 1/2/3 %", "refs g/r", "avoid"):
        right = col not in ("variant", "strategy")
        table.add_column(col, justify="right" if right else "left", no_wrap=True)
    for r in result.summary.to_dicts():
        shares = "/".join(_fmt(100 * r[f"share_degree{d}"], 0) for d in (1, 2, 3))
        half = (r["units_ci_high"] - r["units_ci_low"]) / 2
        table.add_row(
            r["variant"],
            r["strategy"],
            f"{_fmt(r['units_mean'])} ± {_fmt(half)}",
            shares,
            f"{_fmt(r['referrals_given'], 0)}/{_fmt(r['referrals_received'], 0)}",
            _fmt(r["avoided_by"], 0),
        )
    console.print(table)
    if result.checks:
        checks = Table(title="Expected directions (variant against base)", box=box.SIMPLE_HEAD)
        for col in ("variant", "metric", "expected", "base", "variant value", "held"):
            checks.add_column(col)
        for c in result.checks:
            checks.add_row(
                c["variant"],
                c["metric"],
                c["expected"],
                _fmt(c["base"], 2),
                _fmt(c["value"], 2),
                {True: "yes", False: "NO", None: "n/a"}[c["held"]],
            )
        console.print(checks)


@app.command("list")
def list_scenarios() -> None:
    """List the scenarios in scenarios/ with a one-line description."""
    for name in available_scenarios():
        try:
            description = load_scenario(name).description
        except ConfigError as err:
            description = f"(invalid: {err})"
        typer.echo(f"{name:16s} {description}")


@app.command()
def validate(path: Annotated[str, typer.Argument(help="scenario name or .toml file")]) -> None:
    """Check a scenario file without running it."""
    try:
        scn = load_scenario(path)
    except ConfigError as err:
        _fail(str(err))
    typer.echo(f"{scn.path}: ok ({len(scn.variants)} variants: {', '.join(scn.variants)})")


def main() -> None:
    try:
        app()
    except (ConfigError, tomllib.TOMLDecodeError) as err:  # defensive: never a traceback
        typer.echo(f"error: {err}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
