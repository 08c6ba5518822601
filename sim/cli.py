"""Command line: `python -m sim run|sweep|report|figures|list|validate`.

Bad input: one line on stderr, exit status 2.
"""

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

from sim.config import (
    LANGUAGES,
    ConfigError,
    available_scenarios,
    load_scenario,
    parse_set_options,
)

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console()


# Options shared by `run` and `sweep`.
ScenarioArg = Annotated[str, typer.Argument(help="scenario name (see `list`) or a .toml path")]
SeedOpt = Annotated[int | None, typer.Option(min=0, help="master seed")]
SetOpt = Annotated[
    list[str] | None, typer.Option("--set", help="change a parameter of the base: key=value")
]
OutOpt = Annotated[Path | None, typer.Option(help="output folder")]
WorkersOpt = Annotated[int | None, typer.Option(min=1, help="worker processes")]
QuietOpt = Annotated[bool, typer.Option(help="no progress bar")]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _fmt(x: float, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{x:.{digits}f}"


def _fmt_ci(mean: float, low: float, high: float) -> str:
    """`mean ± half-width`, or just the mean when the interval is undefined, or `-`."""
    if mean is None or math.isnan(mean):
        return "-"
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return _fmt(mean)
    return f"{_fmt(mean)} ± {_fmt((high - low) / 2)}"


@app.command()
def run(
    scenario: ScenarioArg,
    replications: Annotated[
        int | None, typer.Option(min=1, help="replications per variant")
    ] = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Run a scenario's variants and replications; write Parquet tables, a manifest, report.html."""
    from sim.experiments.runner import run_scenario

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
    _write_report(result.out_dir, None)


def _write_report(out_dir: Path, lang: str | None) -> None:
    from sim.report.page import build_report

    path = build_report(out_dir, lang)
    console.print(f"report: {path}  ({path.stat().st_size / 1e6:.1f} MB, opens offline)")


LangOpt = Annotated[
    str | None,
    typer.Option(help="language of the report: en or nl (default: the scenario's, else en)"),
]
RunDirArg = Annotated[Path, typer.Argument(help="a folder written by `run`")]


def _check_lang(lang: str | None) -> None:
    if lang is not None and lang not in LANGUAGES:
        _fail(f"--lang '{lang}': allowed: {', '.join(LANGUAGES)}")


@app.command()
def report(run_dir: RunDirArg, lang: LangOpt = None) -> None:
    """(Re)build report.html in a run folder from its saved results alone."""
    from sim.report.data import RunFolderError

    _check_lang(lang)
    try:
        _write_report(run_dir, lang)
    except RunFolderError as err:
        _fail(str(err))


@app.command()
def figures(run_dir: RunDirArg, lang: LangOpt = None) -> None:
    """Export the report's charts as PNG files (for handouts) into RUN_DIR/figures/."""
    from sim.report.data import RunFolderError
    from sim.report.figures import export_figures

    _check_lang(lang)
    try:
        for path in export_figures(run_dir, lang):
            console.print(f"figure: {path}")
    except RunFolderError as err:
        _fail(str(err))


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
        table.add_row(
            r["variant"],
            r["strategy"],
            _fmt_ci(r["units_mean"], r["units_ci_low"], r["units_ci_high"]),
            shares,
            f"{_fmt(r['referrals_given'], 0)}/{_fmt(r['referrals_received'], 0)}",
            _fmt(r["avoided_by"], 0),
        )
    console.print(table)
    scene = Table(
        title="All members: mean ± 95 % CI half-width across replications",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for col in ("variant", "units per member", "referrals given per member-year"):
        scene.add_column(col, justify="left" if col == "variant" else "right", no_wrap=True)
    for r in result.scene_summary.to_dicts():
        scene.add_row(
            r["variant"],
            *(
                _fmt_ci(r[m], r[f"{m}_ci_low"], r[f"{m}_ci_high"])
                for m in ("units_per_member", "referrals_per_member_year")
            ),
        )
    console.print(scene)
    if result.checks:
        checks = Table(title="Expected directions (variant against base)", box=box.SIMPLE_HEAD)
        checks.caption = "clear: the 95 % CI of the paired difference excludes zero"
        for col in ("variant", "metric", "expected", "base", "value", "held", "clear"):
            checks.add_column(col)
        for c in result.checks:
            checks.add_row(
                c["variant"],
                c["metric"],
                c["expected"],
                _fmt(c["base"], 2),
                _fmt(c["value"], 2),
                {True: "yes", False: "NO", None: "n/a"}[c["held"]],
                {True: "yes", False: "no", None: "n/a"}[c["clear"]],
            )
        console.print(checks)


@app.command()
def sweep(
    scenario: ScenarioArg,
    param: Annotated[
        list[str], typer.Option(help="a parameter and its values: key=v1,v2,... (repeatable)")
    ],
    replications: Annotated[int | None, typer.Option(min=1, help="replications per point")] = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """One-at-a-time sweep of the scenario's base: where does each claim hold and break?"""
    from sim.experiments.runner import SWEEP_METRICS, run_sweep

    try:
        scn = load_scenario(scenario, parse_set_options(set_ or []))
        grid: dict[str, list] = {}
        for item in param:
            key, _, values = item.partition("=")
            if not key or not values:
                raise ConfigError(
                    f"--param '{item}': give key=v1,v2,... (e.g. events.attendance=0.4,0.8)"
                )
            if key in grid:
                raise ConfigError(f"--param '{key}' is given twice; list all its values once")
            # each value is read as TOML (0.4, 2, true), else taken as text (tour)
            grid[key] = [
                parse_set_options([f"{key}={v}"], f"--param {key}")[key] for v in values.split(",")
            ]
        out_dir, table = run_sweep(scn, grid, replications, seed, workers, out, not quiet)
    except ConfigError as err:
        _fail(str(err))
    view = Table(
        title=f"{scn.name}: the base, one parameter at a time\n(mean ± 95 % CI half-width)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    labels = {
        "relationship_units": "builder",
        "direct_units": "direct",
        "units_per_member": "units/mbr",
        "referrals_per_member_year": "refs/mbr-yr",
    }
    view.add_column("parameter / value", overflow="fold")
    for metric in SWEEP_METRICS:
        view.add_column(labels[metric], justify="right", no_wrap=True)
    shown = None
    for (key, value), group in table.group_by("parameter", "value", maintain_order=True):
        if key != shown:  # the key on a row of its own, its values below it
            view.add_row(f"[bold]{key}[/bold]", *([""] * len(SWEEP_METRICS)))
            shown = key
        cells = {
            r["metric"]: _fmt_ci(r["mean"], r["ci_low"], r["ci_high"]) for r in group.to_dicts()
        }
        view.add_row(f"  = {value}", *(cells[m] for m in SWEEP_METRICS))
    console.print(view)
    console.print(f"results: {out_dir / 'sweep.parquet'}")


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
