"""Command line: `python -m sim COMMAND` (run, sweep, explore, atlas, calibrate, report, claims,
figures, list, validate, app, workshop, room; `--help` lists them).

Bad input: one line on stderr, exit status 2; a file that could not be written (the disk is full,
the file system is read-only, ...): one line naming it and why, exit status 1. Input is
validated before the simulation's heavy modules (Mesa, SciPy, polars) are imported, so a mistake
is answered at once. Text from scenario files is shown as plain text (never terminal markup).
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from sim import cli_app, cli_explore, cli_infer
from sim.cli_options import (
    ClusterOpt,
    LangOpt,
    MemoryOpt,
    OutOpt,
    OverwriteOpt,
    QuietOpt,
    RunDirArg,
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
from sim.errors import ConfigError, TasksFailed, WriteFailed
from sim.terminal import console, print_calibration, print_summary, print_verdicts, shown

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


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
    no_curves: Annotated[
        bool,
        typer.Option("--no-curves", help="skip the dose-response curves ([report.curves])"),
    ] = False,
) -> None:
    """Run a scenario's variants and replications; write Parquet tables, a manifest, report.html.
    A run killed half-way resumes when run again with the same --out."""
    scn = load(scenario, set_)
    where = where_from(cluster, scheduler)
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
            max_memory=max_memory_bytes(max_memory),
            on_plan=announce,
            where=where,
            overwrite=overwrite,
            curves=not no_curves,
            before_publish=_build_report,  # never a run folder without its report
        )
    except ConfigError as err:
        fail(str(err))
    except TasksFailed as err:
        incomplete(err, out)
    print_summary(scn, result)
    _print_verdicts(result.out_dir, scn.language)
    console.print(f"results: {result.out_dir}  ({result.wall_seconds:.1f} s)", markup=False)
    _show_report(result.out_dir / "report.html")


def _print_verdicts(out_dir: Path, lang: str) -> None:
    from sim.report.verdicts import load

    print_verdicts(load(out_dir), lang)


def _build_report(out_dir: Path, lang: str | None = None) -> Path:
    from sim.report.page import build_report

    return build_report(out_dir, lang)


def _show_report(path: Path) -> None:
    size = path.stat().st_size / 1e6
    console.print(f"report: {path}  ({size:.1f} MB, opens offline)", markup=False)


@app.command()
def report(run_dir: RunDirArg, lang: LangOpt = None) -> None:
    """(Re)build report.html in a run folder from its saved results alone."""
    check_lang(lang)
    from sim.report.data import RunFolderError

    try:
        _show_report(_build_report(run_dir, lang))
    except RunFolderError as err:
        fail(str(err))


@app.command()
def claims(
    run_dir: RunDirArg,
    lang: LangOpt = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="a JSON list: claim, direction, size, sentence, where, posterior"
        ),
    ] = False,
) -> None:
    """Each claim the run cites, judged on its direction and its size, in plain sentences (and,
    where a posterior exploration of its scene is beside it, how probable it is given the
    evidence)."""
    check_lang(lang)
    from sim.report.data import RunFolderError, load_run
    from sim.report.verdicts import verdicts

    try:
        run = load_run(run_dir)
    except RunFolderError as err:
        fail(str(err))
    from sim.report.evidence import with_posterior

    found = with_posterior(verdicts(run), run)  # a posterior exploration beside it: its odds
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    print_verdicts(found, lang or run.manifest.get("language") or "en")


@app.command()
def figures(run_dir: RunDirArg, lang: LangOpt = None) -> None:
    """Export the report's charts as PNG files (for handouts) into RUN_DIR/figures/."""
    check_lang(lang)
    from sim.report.data import RunFolderError
    from sim.report.figures import export_figures

    try:
        for path in export_figures(run_dir, lang):
            console.print(f"figure: {path}", markup=False)
    except RunFolderError as err:
        fail(str(err))


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
        fail(str(err))
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
    """Check a scenario file without running it (its [explore] section as `explore` would)."""
    scn = load(path, None)
    if scn.explore:
        try:
            cli_explore.explore_plan(scn.explore, scn.params, scn.params.run.seed, scn.path)
        except ConfigError as err:
            fail(str(err))
    names = shown(", ".join(scn.variants), 300)
    typer.echo(f"{shown(scn.path, 300)}: ok ({len(scn.variants)} variants: {names})")


for command in (
    cli_explore.sweep,
    cli_explore.explore,
    cli_explore.atlas,
    cli_infer.infer,
    cli_app.app,
    cli_app.workshop,
    cli_app.room,
):
    app.command()(command)


def main() -> None:
    """The entry point: every mistake ends in one line on stderr and exit status 2; a file the
    system would not write (the disk is full, ...) in one line and exit status 1."""
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
    except Exception as err:  # noqa: BLE001 - a file the system refused: one line, status 1
        typer.echo(f"error: {shown(_refused(err), 2000)}", err=True)
        sys.exit(1)
    sys.exit(code or 0)


def _refused(err: Exception) -> str:
    """A write the system refused (the disk is full, read-only, ...) in one line, and what to
    do; any other error is raised again (a bug: its traceback is wanted)."""
    from sim.storage import error_number, reason

    if isinstance(err, WriteFailed):
        said = str(err)
    elif error_number(err) is not None:
        where = getattr(err, "filename", None)
        said = f"{where}: {reason(err)}" if where else f"a file could not be written: {reason(err)}"
    else:
        raise err
    return f"{said}; when that is put right, run the same command again (what is done is kept)"


if __name__ == "__main__":
    main()
