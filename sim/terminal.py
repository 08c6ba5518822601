"""What the command line prints: tables of a run, a sweep and a calibration (rich, plain text).

Text from scenario files is shown as plain text, never terminal markup, and cut to a length.
"""

from __future__ import annotations

import json
import math

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

console = Console()


def shown(text: object, limit: int = 80) -> str:
    """Text from a scenario file as the terminal shows it: control characters replaced, cut to
    `limit` characters (a very long unbroken line would stall the terminal's wrapping)."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text)[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fmt(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{x:.{digits}f}"


def _fmt_ci(row: dict | None, digits: int = 1) -> str:
    """`mean ± half-width` of a summary row, the mean alone (marked n=1 after one replication),
    or `-`."""
    if not row or row.get("mean") is None:
        return "-"
    low, high = row.get("ci_low"), row.get("ci_high")
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return _fmt(row["mean"], digits)
    if row.get("n", 2) < 2:  # one replication: no interval (not one of zero width)
        return f"{_fmt(row['mean'], digits)} (n=1)"
    return f"{_fmt(row['mean'], digits)} ± {_fmt((high - low) / 2, digits)}"


def print_summary(scenario, result) -> None:
    """Per variant and focal group, then per variant over all members, then the checks."""
    rows = {(r["variant"], r["metric"]): r for r in result.summary.to_dicts()}
    table = Table(
        title="Focal groups: units per member, mean ± 95 % CI half-width across replications",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        caption="deg 1/2/3 %: share of units by degree; refs g/r: referrals given/received per"
        " member; avoid: members who avoid a member of the group",
    )
    for col in ("variant", "group", "units", "deg 1/2/3 %", "refs g/r", "avoid"):
        right = col not in ("variant", "group")
        table.add_column(col, justify="right" if right else "left", no_wrap=right)
    for variant in scenario.variants:
        for group in scenario.focal_groups:

            def value(metric: str, v=variant, g=group) -> float | None:
                return (rows.get((v, f"{metric}.{g}")) or {}).get("mean")

            if value("units") is None:
                continue
            shares = "/".join(
                _fmt(share * 100 if (share := value(f"share_degree{d}")) is not None else None, 0)
                for d in (1, 2, 3)
            )
            table.add_row(
                Text(shown(variant, 30)),
                Text(shown(group, 30)),
                _fmt_ci(rows.get((variant, f"units.{group}"))),
                shares,
                f"{_fmt(value('referrals_given'), 0)}/{_fmt(value('referrals_received'), 0)}",
                _fmt(value("avoided_by"), 0),
            )
    console.print(table)
    scene = Table(
        title="All members: mean ± 95 % CI half-width across replications",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for col in ("variant", "units per member", "referrals given per member-year"):
        scene.add_column(col, justify="left" if col == "variant" else "right")
    for variant in scenario.variants:
        cells = [
            _fmt_ci(rows.get((variant, m)))
            for m in ("units_per_member", "referrals_per_member_year")
        ]
        scene.add_row(Text(shown(variant, 30)), *cells)
    console.print(scene)
    if result.checks:
        print_checks(result.checks)


def print_verdicts(verdicts: list[dict], lang: str) -> None:
    """Each claim's two-part verdict and its sentence (sim/report/verdicts.py), in `lang`."""
    from sim.report.verdict_text import VERDICT
    from sim.report.verdicts import measured

    t = VERDICT[lang]
    if verdicts:
        console.print(Text(t["heading"], style="bold"))
    for v in verdicts:
        parts = (
            f"{t['part_direction']}: {t['status_' + v['direction']]}, "
            f"{t['part_size']}: {t['status_' + v['size']]}"
        )
        if not measured(v):
            parts = t["status_unmeasured"]
        console.print(Text.assemble((v["claim"], "bold"), f"  {parts}"))
        for said in (v["sentence"][lang], v.get("where", {}).get(lang)):
            if said:  # indented as a block, wrapped lines too
                console.print(Padding(Text(said), (0, 0, 0, 4)))


def print_checks(checks: list[dict]) -> None:
    table = Table(title="Expected directions (variant against base)", box=box.SIMPLE_HEAD)
    table.caption = "clear: the 95 % CI of the paired difference excludes zero"
    for col in ("variant", "metric", "expected", "base", "value", "held", "clear"):
        table.add_column(col, overflow="fold" if col == "metric" else "ellipsis")
    for c in checks:
        table.add_row(
            Text(shown(c["variant"], 30)),
            Text(shown(c["metric"], 40)),
            c["expected"],
            _fmt(c["base"], 2),
            _fmt(c["value"], 2),
            {True: "yes", False: "NO", None: "n/a"}[c["held"]],
            {True: "yes", False: "no", None: "n/a"}[c["clear"]],
        )
    console.print(table)


def print_sweep(scn, table) -> None:
    metrics = table["metric"].unique(maintain_order=True).drop_nulls().to_list()
    view = Table(
        title=Text(f"{shown(scn.name, 64)}: the base, one parameter at a time (mean ± 95 % CI)"),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        caption="<group>: units per member of a focal group; units/mbr: of all members; "
        "refs/mbr-yr: referrals given per member-year",
    )
    view.add_column("parameter / value", overflow="fold")
    for metric in metrics:  # units.<group> headed by the group's name
        label = {"units_per_member": "units/mbr", "referrals_per_member_year": "refs/mbr-yr"}
        view.add_column(
            Text(shown(label.get(metric, metric.removeprefix("units.")), 14)),
            justify="right",
            no_wrap=True,
        )
    heading = None
    for (key, value), group in table.group_by("parameter", "value", maintain_order=True):
        if key != heading:  # the key on a row of its own, its values below it
            view.add_row(Text(shown(key, 60), style="bold"), *([""] * len(metrics)))
            heading = key
        cells = {r["metric"]: _fmt_ci(r) for r in group.to_dicts()}
        view.add_row(Text(f"  = {shown(value, 40)}"), *(cells.get(m, "-") for m in metrics))
    console.print(view)


def print_sweep_checks(checks) -> None:
    """Per point of the sweep, whether each variant moved as its scenario expects."""
    view = Table(
        title="Expectations at each point: held (clear) / held (noise) / NOT",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    view.add_column("parameter / value", overflow="fold")
    cases = checks.select("variant", "metric", "expected").unique(maintain_order=True).rows()
    for variant, metric, expected in cases:
        view.add_column(Text(shown(f"{variant}: {metric} {expected}", 40)), overflow="fold")
    for (key, value), group in checks.group_by("parameter", "value", maintain_order=True):
        verdicts = {(r["variant"], r["metric"]): _verdict(r) for r in group.to_dicts()}
        cells = [verdicts.get((v, m), "-") for v, m, _ in cases]
        view.add_row(Text(f"{shown(key, 40)} = {shown(value, 20)}"), *cells)
    console.print(view)


def _verdict(check: dict) -> str:
    if check["held"] is None:
        return "undefined"
    if not check["held"]:
        return "NOT (clear)" if check["clear"] else "NOT (noise)"
    return "held (clear)" if check["clear"] else "held (noise)"


def _calibration_value(row: dict) -> str:
    """The model's figure with its CI half-width; shares as percentages."""
    if row["mean"] is None:
        return "not modelled"
    if row["unit"] == "%":
        half = (row["ci_high"] - row["ci_low"]) / 2
        return f"{100 * row['mean']:.0f} % ± {100 * half:.0f}"
    return _fmt_ci(row, 2)


def print_calibration(table) -> None:
    """The calibration table: figure, published, model, within, fitted."""
    view = Table(
        title="Calibration: published figures and the model (mean ± 95 % CI)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for column in ("figure", "published", "model", "within", "fitted"):
        view.add_column(column, overflow="fold")
    for row in table.to_dicts():
        model = _calibration_value(row)
        within = {True: "yes", False: "NO", None: "-"}[row["within"]]
        view.add_row(row["figure"], row["published"], model, within, row["fitted"] or "-")
    console.print(view)


def print_exploration(out_dir) -> None:
    """Per claim: the share of the explored points where it holds, and PRIM's box."""
    import polars as pl

    bounds = pl.read_parquet(out_dir / "boundaries.parquet")
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    posterior = (manifest.get("design") or {}).get("design") == "posterior"
    share_of = (
        "of the posterior's draws: the probability given the evidence"
        if posterior
        else ("of the explored points")
    )
    table = Table(
        title=f"Where each claim holds: share {share_of} (Wilson 95 % CI), PRIM box",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        caption="box: the parameters PRIM restricts (coverage: share of the points where the "
        "claim holds that fall in the box; density: share of the box's points where it holds)",
    )
    for col in ("claim", "holds at", "box", "coverage", "density"):
        right = col in ("coverage", "density")
        table.add_column(col, justify="right" if right else "left", overflow="fold")
    if bounds.is_empty():
        console.print("no claim is measured by this scenario's metrics", markup=False)
        return
    for (claim,), rows in bounds.group_by("claim", maintain_order=True):
        first = rows.row(0, named=True)
        share = (
            f"{_fmt(first['share'] * 100, 0)} % ({_fmt(first['share_ci_low'] * 100, 0)}-"
            f"{_fmt(first['share_ci_high'] * 100, 0)} %) of {first['points']}"
        )
        limits = [
            f"{shown(r['parameter'], 60)} {r['low']:.4g}-{r['high']:.4g}"
            for r in rows.filter(pl.col("restricted")).iter_rows(named=True)
        ]
        where = "; ".join(limits) or ("nowhere" if first["held_points"] == 0 else "everywhere")
        table.add_row(
            Text(claim), share, Text(where), _fmt(first["coverage"], 2), _fmt(first["density"], 2)
        )
    console.print(table)
