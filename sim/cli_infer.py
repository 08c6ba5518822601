"""The `infer` command: ABC-SMC over the mechanisms no source pins down, against the published
BNI figures (sim/experiments/infer.py; docs/evidence.md). Claims: C12, C5."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from sim.cli_options import OutOpt, QuietOpt, SeedOpt, SetOpt, WorkersOpt, fail, load
from sim.errors import ConfigError
from sim.terminal import console


def infer(
    scenario: Annotated[
        str | None, typer.Argument(help="a chapter scenario, e.g. bni (not with --resume)")
    ] = None,
    particles: Annotated[
        int, typer.Option(min=4, max=100_000, help="particles a generation")
    ] = 200,
    generations: Annotated[int, typer.Option(min=1, max=100, help="generations in all")] = 8,
    replications: Annotated[
        int, typer.Option(min=1, max=1000, help="replications a simulation averages")
    ] = 1,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    resume: Annotated[
        Path | None, typer.Option(help="go on with the inference in this folder (its settings)")
    ] = None,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Which values of the unmeasured mechanisms fit the published figures (a posterior)."""
    from sim.experiments import infer as inference
    from sim.experiments.execution import default_out_dir

    if (scenario is None) == (resume is None):
        fail("infer: give a scenario, or --resume FOLDER (not both)")
    logging.getLogger("ABC").setLevel(logging.WARNING if quiet else logging.INFO)
    try:
        if resume is not None:
            scenario, set_, settings = inference.resumed(resume)
        else:
            settings = inference.Settings(
                particles, generations, replications, 1 if seed is None else seed, workers or 1
            )
        scn = load(scenario, set_)
        out_dir = resume or out or default_out_dir(scn.name, "infer-")
        inference.infer(scn, settings, out_dir, list(set_ or []), resume=resume is not None)
    except ConfigError as err:
        fail(str(err))
    print_summary(json.loads((out_dir / "manifest.json").read_text(encoding="utf-8")))
    console.print(f"posterior: {out_dir / 'posterior.parquet'}", markup=False)


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
    console.print(table)
