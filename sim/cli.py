"""Command line: `python -m sim run|sweep|explore|atlas|calibrate|report|figures|list|validate`.

Bad input: one line on stderr, exit status 2. Input is validated before the simulation's heavy
modules (Mesa, SciPy, polars) are imported, so a mistake is answered at once. Text from scenario
files is shown as plain text (never terminal markup).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from sim.errors import ConfigError, TasksFailed
from sim.report.i18n import LANGUAGES
from sim.terminal import (
    console,
    print_calibration,
    print_exploration,
    print_summary,
    print_sweep,
    print_sweep_checks,
    shown,
)

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


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


def _max_memory(text: str | None) -> float | None:
    from sim.experiments.resources import parse_size

    return None if text is None else parse_size(text)


def _announce(plan) -> None:
    """Before a run: its estimate, and what the user should know (fewer workers, a long run)."""
    for note in plan.notes:
        console.print(Text(f"note: {note}"))


def _where(cluster: str | None, scheduler: str | None):
    """Where the tasks run (None: here); exit 2 with one line on a bad option."""
    from sim.experiments.cluster import Where

    try:
        return Where(cluster, scheduler)
    except ConfigError as err:
        _fail(str(err))


def _incomplete(err: Exception, out: Path | None) -> None:
    """Some tasks failed: say so in one line, and how to retry (exit status 1)."""
    again = "run the same command" + ("" if out else " with --out DIR")
    typer.echo(f"error: {shown(err, 2000)}; {again} to retry the rest", err=True)
    raise typer.Exit(1)


def _fail(message: str) -> None:
    typer.echo(f"error: {shown(message, 2000)}", err=True)
    raise typer.Exit(2)


def _load(scenario: str, set_: list[str] | None):
    """The validated scenario with --set applied; exit 2 with one line on bad input."""
    from sim.paths import resolve_scenario_path

    try:
        resolve_scenario_path(scenario)  # a wrong name is answered before the heavy imports
        from sim.scenario import load_scenario, parse_set_options

        return load_scenario(scenario, parse_set_options(set_ or []))
    except ConfigError as err:
        _fail(str(err))


@app.command()
def run(
    scenario: ScenarioArg,
    replications: Annotated[
        int | None, typer.Option(min=1, max=10_000, help="replications per variant")
    ] = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
    max_memory: MemoryOpt = None,
    cluster: ClusterOpt = None,
    scheduler: SchedulerOpt = None,
    overwrite: OverwriteOpt = False,
) -> None:
    """Run a scenario's variants and replications; write Parquet tables, a manifest, report.html.
    A run killed half-way resumes when run again with the same --out."""
    scn = _load(scenario, set_)
    where = _where(cluster, scheduler)
    from sim.experiments.runner import run_scenario

    console.print(Text.assemble((shown(scn.name, 64), "bold"), ": ", shown(scn.description, 300)))
    try:
        result = run_scenario(
            scn,
            replications,
            seed,
            workers,
            out,
            show_progress=not quiet,
            max_memory=_max_memory(max_memory),
            on_plan=_announce,
            where=where,
            overwrite=overwrite,
        )
    except ConfigError as err:
        _fail(str(err))
    except TasksFailed as err:
        _incomplete(err, out)
    print_summary(scn, result)
    console.print(f"results: {result.out_dir}  ({result.wall_seconds:.1f} s)", markup=False)
    _write_report(result.out_dir, None)


def _write_report(out_dir: Path, lang: str | None) -> None:
    from sim.report.page import build_report

    path = build_report(out_dir, lang)
    size = path.stat().st_size / 1e6
    console.print(f"report: {path}  ({size:.1f} MB, opens offline)", markup=False)


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
    _check_lang(lang)
    from sim.report.data import RunFolderError

    try:
        _write_report(run_dir, lang)
    except RunFolderError as err:
        _fail(str(err))


@app.command()
def figures(run_dir: RunDirArg, lang: LangOpt = None) -> None:
    """Export the report's charts as PNG files (for handouts) into RUN_DIR/figures/."""
    _check_lang(lang)
    from sim.report.data import RunFolderError
    from sim.report.figures import export_figures

    try:
        for path in export_figures(run_dir, lang):
            console.print(f"figure: {path}", markup=False)
    except RunFolderError as err:
        _fail(str(err))


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


@app.command()
def sweep(
    scenario: ScenarioArg,
    param: Annotated[
        list[str], typer.Option(help="a parameter and its values: key=v1,v2,... (repeatable)")
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
    scn = _load(scenario, set_)
    try:
        grid = _sweep_grid(param)
        from sim.experiments.sweep import run_sweep

        limit = _max_memory(max_memory)
        out_dir, table, checks = run_sweep(
            scn, grid, replications, seed, workers, out, not quiet, limit, variants, overwrite
        )
    except ConfigError as err:
        _fail(str(err))
    except TasksFailed as err:
        _incomplete(err, out)
    print_sweep(scn, table.filter(table["variant"] == "base"))
    if checks is not None:
        print_sweep_checks(checks)
    from sim.report.sweep_page import build_sweep_report

    console.print(f"results: {out_dir / 'sweep.parquet'}", markup=False)
    console.print(f"report:  {build_sweep_report(out_dir)}", markup=False)


def _explore_inputs(scenario, ranges, design, samples, replications, seed, set_, resume):
    """The scenario and the validated design: from the options, or from a folder to resume."""
    from sim.experiments.design import load_plan
    from sim.scenario import read_toml

    if resume is not None:
        if ranges or set_ or design or samples or replications or seed is not None:
            raise ConfigError("--resume DIR: the settings are DIR's; give no --ranges, --set, ...")
        from sim.experiments.explore import read_manifest
        from sim.paths import resolve_scenario_path

        found = read_manifest(resume)
        wanted = found["scenario_file"]
        if (
            scenario is not None
            and resolve_scenario_path(scenario).resolve() != Path(wanted).resolve()
        ):
            raise ConfigError(f"--resume {resume}: the folder explores {wanted}, not {scenario}")
        scenario, set_ = wanted, found.get("set") or []
        section, seed = found["design"], found["seed"]
    elif scenario is None:
        raise ConfigError("give a scenario (see `list`), or --resume DIR")
    scn = _load(scenario, set_)
    if resume is None:
        section, source = scn.explore, scn.path
        if ranges is not None:
            doc, _ = read_toml(ranges)
            section, source = doc.get("explore"), str(ranges)
        section = dict(section or {})
        for key, value in (
            ("design", design),
            ("samples", samples),
            ("replications", replications),
        ):
            if value is not None and section:
                section[key] = value
        seed = scn.params.run.seed if seed is None else seed
    else:
        source = str(resume / "manifest.json")
    return scn, load_plan(section, scn.params, seed, source), set_


@app.command()
def explore(
    scenario: Annotated[
        str | None, typer.Argument(help="scenario name or .toml path (not with --resume)")
    ] = None,
    ranges: Annotated[
        Path | None, typer.Option(help="a TOML file whose [explore] replaces the scenario's")
    ] = None,
    design: Annotated[str | None, typer.Option(help="morris, sobol or lhs")] = None,
    samples: Annotated[
        int | None, typer.Option(help="Morris trajectories, Sobol base samples, lhs points")
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
) -> None:
    """Explore the parameter space: what drives each claim, and where it holds (an atlas)."""
    _check_lang(lang)
    where = _where(cluster, scheduler)
    try:
        scn, plan, overrides = _explore_inputs(
            scenario, ranges, design, samples, replications, seed, set_, resume
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
            max_memory=_max_memory(max_memory),
            on_plan=_announce,
            overrides=overrides,
        )
    except ConfigError as err:
        _fail(str(err))
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


@app.command()
def atlas(
    explore_dir: Annotated[Path, typer.Argument(help="a folder written by `explore`")],
    lang: LangOpt = None,
) -> None:
    """(Re)build atlas.html in an exploration folder from its saved results alone."""
    _check_lang(lang)
    from sim.report.atlas import build_atlas
    from sim.report.data import RunFolderError

    try:
        console.print(f"atlas: {build_atlas(explore_dir, lang)}", markup=False)
    except RunFolderError as err:
        _fail(str(err))


@app.command()
def calibrate(
    replications: Annotated[
        int, typer.Option(min=2, max=10_000, help="replications per variant")
    ] = 20,
    out: OutOpt = None,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Compare the model with published figures (BNI, Ingram & Morris): figure, model, within?"""
    from sim.experiments.calibration import calibrate as run_calibration

    try:
        out_dir, table = run_calibration(replications, out, workers, not quiet)
    except ConfigError as err:
        _fail(str(err))
    print_calibration(table)
    console.print(f"results: {out_dir / 'calibration.parquet'}", markup=False)


@app.command("list")
def list_scenarios() -> None:
    """List the scenarios in scenarios/ with a one-line description."""
    from sim.paths import available_scenarios
    from sim.scenario import load_scenario

    for name in available_scenarios():
        try:
            description = load_scenario(name).description
        except ConfigError as err:
            description = f"(invalid: {err})"
        typer.echo(f"{shown(name, 30):16s} {shown(description, 200)}")


@app.command()
def validate(path: Annotated[str, typer.Argument(help="scenario name or .toml file")]) -> None:
    """Check a scenario file without running it."""
    scn = _load(path, None)
    names = shown(", ".join(scn.variants), 300)
    typer.echo(f"{shown(scn.path, 300)}: ok ({len(scn.variants)} variants: {names})")


def main() -> None:
    """The entry point: every mistake ends in one line on stderr and exit status 2."""
    if len(sys.argv) <= 1:
        app()  # no arguments: the help
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        sys.exit(130)
    except typer.TyperException as err:  # a bad option or value, an unknown command
        message = err.format_message() if hasattr(err, "format_message") else str(err)
        typer.echo(f"error: {shown(message, 2000)} (see --help)", err=True)
        sys.exit(2)
    except (ConfigError, tomllib.TOMLDecodeError) as err:  # defensive: never a traceback
        typer.echo(f"error: {shown(err, 2000)}", err=True)
        sys.exit(2)
    sys.exit(code or 0)


if __name__ == "__main__":
    main()
