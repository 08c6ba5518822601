"""Commands that explore the parameter space: `sweep` (one parameter at a time) and `explore`
(all at once: sensitivity and where each claim holds), and `atlas` (rebuild an exploration's
page). Registered on the command line by sim/cli.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from sim.cli_options import (
    ClusterOpt,
    LangOpt,
    MemoryOpt,
    OutOpt,
    OverwriteOpt,
    QuietOpt,
    ScenarioArg,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    announce,
    check_lang,
    fail,
    incomplete,
    load,
    max_memory_bytes,
    where_from,
)
from sim.errors import ConfigError, TasksFailed
from sim.terminal import console, print_exploration, print_sweep, print_sweep_checks, shown


def _sweep_grid(param: list[str]) -> dict[str, list]:
    """`key=v1,v2,...` options to {key: [values]}; each value read as TOML, else as text."""
    from sim.scenario import parse_set_options

    grid: dict[str, list] = {}
    for item in param:
        key, _, values = item.partition("=")
        if not key or not values:
            raise ConfigError(
                f"--param '{item}': give key=v1,v2,... (e.g. events.attendance=0.4,0.8)"
            )
        if key in grid:
            raise ConfigError(f"--param '{key}' is given twice; list all its values once")
        grid[key] = [
            parse_set_options([f"{key}={v}"], f"--param {key}")[key] for v in values.split(",")
        ]
    return grid


def sweep(
    scenario: ScenarioArg,
    param: Annotated[
        list[str],
        typer.Option(
            help="a parameter (dotted key) or a trait of every focal group, and its values: "
            "key=v1,v2,... (repeatable)"
        ),
    ],
    replications: Annotated[
        int | None, typer.Option(min=1, max=10_000, help="replications per point")
    ] = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
    max_memory: MemoryOpt = None,
    variants: Annotated[
        bool,
        typer.Option(
            "--variants",
            help="also run the scenario's variants at every point and check their expectations",
        ),
    ] = False,
    overwrite: OverwriteOpt = False,
) -> None:
    """One-at-a-time sweep of the scenario's base: where does each claim hold and break?"""
    scn = load(scenario, set_)
    if out is not None and not overwrite and _page_missing(out):
        return
    try:
        grid = _sweep_grid(param)
        from sim.experiments.sweep import run_sweep

        limit = max_memory_bytes(max_memory)
        out_dir, table, checks = run_sweep(
            scn, grid, replications, seed, workers, out, not quiet, limit, variants, overwrite
        )
    except ConfigError as err:
        fail(str(err))
    except TasksFailed as err:
        incomplete(err, out)
    print_sweep(scn, table.filter(table["variant"] == "base"))
    if checks is not None:
        print_sweep_checks(checks)
    from sim.report.sweep_page import build_sweep_report

    console.print(f"results: {out_dir / 'sweep.parquet'}", markup=False)
    console.print(f"report:  {build_sweep_report(out_dir)}", markup=False)


def _page_missing(out: Path) -> bool:
    """A finished sweep in `out` whose page could not be written (the disk was full): the page
    is written now from its saved results, and nothing runs again."""
    if not (out / "sweep.json").is_file() or (out / "sweep.html").is_file():
        return False
    from sim.report.sweep_page import build_sweep_report

    console.print(
        f"{out} holds a finished sweep without its page; writing the page from its results "
        "(--overwrite runs the sweep again)",
        markup=False,
    )
    console.print(f"results: {out / 'sweep.parquet'}", markup=False)
    console.print(f"report:  {build_sweep_report(out)}", markup=False)
    return True


def _explore_inputs(scenario, ranges, design, samples, replications, seed, set_, resume, post):
    """The scenario and the validated design: from the options, or from a folder to resume."""
    if resume is not None:
        if ranges or set_ or design or samples or replications or post or seed is not None:
            raise ConfigError(
                "--resume DIR: the settings are DIR's; give no --ranges, --set, --posterior, ..."
            )
        return _resumed(scenario, resume)
    if scenario is None:
        raise ConfigError("give a scenario (see `list`), or --resume DIR")
    scn = load(scenario, set_)
    seed = scn.params.run.seed if seed is None else seed
    if post is not None:
        if ranges is not None or design is not None:
            raise ConfigError(
                f"--posterior {post}: the posterior's draws are the design; give no --ranges "
                "or --design (allowed with it: --samples, --replications, --seed, --set)"
            )
        from sim.experiments.design import load_posterior, posterior_plan

        reps = replications or (scn.explore or {}).get("replications")
        found = load_posterior(post, scn.params)
        return scn, posterior_plan(found, samples, reps, seed, str(post)), set_
    section, source = scn.explore, scn.path
    if ranges is not None:
        from sim.scenario import read_toml

        doc, _ = read_toml(ranges)
        section, source = doc.get("explore"), str(ranges)
    section = dict(section or {})
    for key, value in (("design", design), ("samples", samples), ("replications", replications)):
        if value is not None and section:
            section[key] = value
    return scn, explore_plan(section, scn.params, seed, source), set_


def _resumed(scenario, resume: Path):
    """The scenario and design of the exploration in `resume` (its posterior unchanged)."""
    from sim.experiments.explore import read_manifest
    from sim.paths import resolve_scenario_path

    found = read_manifest(resume)
    wanted = found["scenario_file"]
    if scenario is not None and resolve_scenario_path(scenario).resolve() != Path(wanted).resolve():
        raise ConfigError(f"--resume {resume}: the folder explores {wanted}, not {scenario}")
    sets = found.get("set") or []
    scn = load(wanted, sets)
    section, seed = found["design"], found["seed"]
    if section.get("design") != "posterior":
        return scn, explore_plan(section, scn.params, seed, str(resume / "manifest.json")), sets
    from sim.experiments.design import load_posterior, posterior_plan

    recorded = found.get("posterior") or {}
    try:
        post = load_posterior(Path(recorded.get("folder", "")), scn.params)
    except ConfigError as err:
        raise ConfigError(f"--resume {resume}: {err}") from None
    if post.sha256 != recorded.get("sha256"):
        raise ConfigError(
            f"--resume {resume}: the posterior in {post.folder} has changed since this "
            "exploration began; explore the new one into another folder (--out)"
        )
    plan = posterior_plan(post, section["samples"], section["replications"], seed, post.folder)
    return scn, plan, sets


def explore_plan(section, params, seed: int, source: str):
    """An `[explore]` section validated into a design (sim/experiments/design.py), as `explore`
    and `validate` check it; ConfigError (one line: file, key, what is allowed) otherwise."""
    from sim.experiments.design import load_plan
    from sim.scenario import flatten

    ranges = (section or {}).get("ranges")
    if isinstance(ranges, dict) and len(flatten(ranges)) < 2:
        named = "only one parameter" if flatten(ranges) else "no parameter"
        raise ConfigError(
            f"{source}: key 'explore.ranges' names {named}; an exploration varies at least two "
            "(each as dotted key = [low, high])"
        )
    return load_plan(section, params, seed, source)


def explore(
    scenario: Annotated[
        str | None, typer.Argument(help="scenario name or .toml path (not with --resume)")
    ] = None,
    ranges: Annotated[
        Path | None, typer.Option(help="a TOML file whose [explore] replaces the scenario's")
    ] = None,
    design: Annotated[str | None, typer.Option(help="morris, sobol or lhs")] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            help="Morris trajectories, Sobol base samples, lhs points, or draws from the "
            "posterior (default 100)"
        ),
    ] = None,
    replications: Annotated[
        int | None, typer.Option(min=1, max=10_000, help="replications per point")
    ] = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    resume: Annotated[
        Path | None, typer.Option(help="finish the exploration in this folder (its settings)")
    ] = None,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
    max_memory: MemoryOpt = None,
    cluster: ClusterOpt = None,
    scheduler: SchedulerOpt = None,
    lang: LangOpt = None,
    posterior: Annotated[
        Path | None,
        typer.Option(
            help="an inference folder (`sim infer`): draw the points from its posterior and say "
            "how probable each claim is given the evidence"
        ),
    ] = None,
) -> None:
    """Explore the parameter space: what drives each claim, and where it holds (an atlas); or,
    with --posterior, how probable each claim is given the published figures."""
    check_lang(lang)
    where = where_from(cluster, scheduler)
    try:
        scn, plan, overrides = _explore_inputs(
            scenario, ranges, design, samples, replications, seed, set_, resume, posterior
        )
        from sim.experiments.explore import explore as run_exploration

        console.print(
            f"{plan.spec.design}: {len(plan.points)} points x {plan.spec.replications} "
            f"replications over {len(plan.names)} parameters",
            markup=False,
        )
        found = run_exploration(
            scn,
            plan,
            workers=workers,
            out_dir=resume or out,
            where=where,
            show_progress=not quiet,
            max_memory=max_memory_bytes(max_memory),
            on_plan=announce,
            overrides=overrides,
        )
    except ConfigError as err:
        fail(str(err))
    _finish_exploration(found, lang)


def _finish_exploration(found, lang: str | None) -> None:
    for task, error in list(found.failed.items())[:5]:
        console.print(Text(f"failed: {task}: {shown(error, 300)}"))
    if found.analysis.get("missing_points"):
        console.print(
            f"{len(found.failed)} tasks failed; no analysis yet. Re-run the same command "
            f"(or --resume {found.out_dir}) to retry them.",
            markup=False,
        )
        raise typer.Exit(1)
    print_exploration(found.out_dir)
    from sim.report.atlas import build_atlas

    console.print(f"results: {found.out_dir}  ({found.wall_seconds:.1f} s)", markup=False)
    console.print(f"atlas:   {build_atlas(found.out_dir, lang)}", markup=False)
    if found.failed:
        raise typer.Exit(1)


def atlas(
    explore_dir: Annotated[Path, typer.Argument(help="a folder written by `explore`")],
    lang: LangOpt = None,
) -> None:
    """(Re)build atlas.html in an exploration folder from its saved results alone."""
    check_lang(lang)
    from sim.report.atlas import build_atlas
    from sim.report.data import RunFolderError

    try:
        console.print(f"atlas: {build_atlas(explore_dir, lang)}", markup=False)
    except RunFolderError as err:
        fail(str(err))
