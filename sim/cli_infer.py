"""The `infer` command: ABC-SMC over the mechanisms no source pins down, against the published
BNI figures (sim/experiments/infer.py; docs/evidence.md). Claims: C12, C5."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from sim.cli_options import (
    ClusterOpt,
    OutOpt,
    QuietOpt,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    fail,
    load,
    where_from,
)
from sim.errors import ConfigError
from sim.terminal import console


def infer(
    scenario: Annotated[
        str | None, typer.Argument(help="a chapter scenario, e.g. bni (not with --resume)")
    ] = None,
    particles: Annotated[
        int, typer.Option(min=4, max=100_000, help="particles a generation")
    ] = 150,
    generations: Annotated[int, typer.Option(min=1, max=100, help="generations in all")] = 6,
    replications: Annotated[
        int, typer.Option(min=1, max=1000, help="replications a simulation averages")
    ] = 1,
    predictive: Annotated[
        int, typer.Option(min=1, max=10_000, help="posterior draws for the predictive checks")
    ] = 50,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    resume: Annotated[
        Path | None, typer.Option(help="go on with the inference in this folder (its settings)")
    ] = None,
    check: Annotated[
        int,
        typer.Option(
            min=0, max=1000, help="instead: infer back N parameter sets drawn from the prior"
        ),
    ] = 0,
    workers: WorkersOpt = None,
    cluster: ClusterOpt = None,
    scheduler: SchedulerOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Which values of the unmeasured mechanisms fit the published figures (a posterior)."""
    from sim.experiments import infer as inference
    from sim.experiments.execution import default_out_dir

    if scenario is None and resume is None:
        fail("infer: give a scenario, or --resume FOLDER")
    logging.getLogger("ABC").setLevel(logging.WARNING)  # the progress bar says how it goes
    where = where_from(cluster, scheduler)
    try:
        if resume is not None:
            wanted, set_, settings = inference.resumed(resume)
            if scenario is not None and not same_file(scenario, wanted):
                fail(f"--resume {resume}: the folder infers {wanted}, not {scenario}")
            scenario = wanted
            settings = replace(settings, workers=workers or settings.workers)
        else:
            seed = 1 if seed is None else seed
            settings = inference.Settings(
                particles, generations, replications, seed, workers or cpus(), predictive
            )
        scn = load(scenario, set_)
        if check:
            out_dir = out or default_out_dir(scn.name, "infer-check-")
            _check(inference.calibration_check(scn, settings, check, out_dir, where, not quiet))
            console.print(f"check: {out_dir / 'check.parquet'}", markup=False)
            return
        out_dir = resume or out or default_out_dir(scn.name, "infer-")
        inference.infer(
            scn, settings, out_dir, list(set_ or []), resume is not None, where, not quiet
        )
    except ConfigError as err:
        fail(str(err))
    print_summary(json.loads((out_dir / "manifest.json").read_text(encoding="utf-8")))
    console.print(f"posterior: {out_dir / 'posterior.html'}", markup=False)


def _check(rows) -> None:
    """Per parameter: how often the known value fell inside the 90 % interval."""
    import polars as pl
    from rich.table import Table

    table = Table(title="Known values inside the posterior's 90 % interval (expected: about 90 %)")
    for column in ("parameter", "inside", "of cases"):
        table.add_column(column, justify="left" if column == "parameter" else "right")
    by = rows.group_by("parameter", maintain_order=True).agg(pl.col("inside").sum(), pl.len())
    for name, inside, cases in by.iter_rows():
        table.add_row(name, f"{inside / cases:.0%}", str(cases))
    table.add_row("all", f"{rows['inside'].mean():.0%}", str(rows.height))
    console.print(table)


def same_file(scenario: str, wanted: str) -> bool:
    from sim.paths import resolve_scenario_path

    try:
        return resolve_scenario_path(scenario).resolve() == Path(wanted).resolve()
    except ConfigError:
        return False


def cpus() -> int:
    """All the machine's cores unless --workers says otherwise (as run and explore do)."""
    import os

    return os.cpu_count() or 1


def print_summary(manifest: dict) -> None:
    """Each parameter: the posterior's median and 90 % interval against its prior."""
    from rich.table import Table

    table = Table(title="Posterior: median and 90 % interval (weighted), against the prior")
    for column in ("parameter", "median", "90 % interval", "prior", "of the prior's width"):
        table.add_column(column, justify="left" if column == "parameter" else "right")
    for row in manifest.get("summary", []):
        table.add_row(
            row["parameter"], f"{row['median']:.3g}", f"{row['low']:.3g}-{row['high']:.3g}",
            f"{row['prior_low']:g}-{row['prior_high']:g}", f"{row['share_of_prior']:.0%}",
        )  # fmt: skip
    generations = manifest.get("generations") or [{}]
    last, spent = generations[-1], sum(g.get("simulations", 0) for g in generations)
    if "effective_particles" in last:
        table.caption = (
            f"{len(generations)} generations, {spent} simulations; the last generation's "
            f"weighted particles are worth {last['effective_particles']:.0f} equal ones"
        )
    console.print(table)
