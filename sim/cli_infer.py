"""The `infer` command: ABC-SMC over the mechanisms no source pins down, against the published
BNI figures (sim/experiments/infer.py; docs/evidence.md). Claims: C12, C5."""

from __future__ import annotations

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
    console.print(f"posterior: {out_dir / 'posterior.parquet'}", markup=False)
