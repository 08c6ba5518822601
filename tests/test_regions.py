"""Regions: a scene split into independent regions, each a task with its own keyed seed, run in
this process, in a process pool or on a Dask cluster with the same tables (the scale goal of
a world beyond one machine, docs/measurements.md; sim/experiments/execution.py,
sim/experiments/cluster.py)."""

import numpy as np
import polars as pl
import pytest

from sim.errors import ConfigError
from sim.experiments.cluster import Where
from sim.experiments.execution import make_tasks, region_seed, replication_seeds, run_tasks
from sim.experiments.tables import TABLES
from sim.model import NetworkingModel
from sim.scenario import apply_overrides, load_scenario

pytestmark = pytest.mark.xdist_group("regions")

WORLD = {
    "scene.members": 241,  # regions of 121 and 120 members
    "scene.regions": 2,
    "run.weeks": 30,
    "run.detail_regions": 1,
}


def world(**overrides):
    return load_scenario("bni_world", {**WORLD, **overrides})


def test_region_sizes_split_the_members():
    params = world().params
    assert params.region_sizes() == [121, 120]
    assert [params.for_region(r).scene.members for r in (0, 1)] == [121, 120]
    assert params.for_region(1).scene.regions == 1


def test_a_region_too_small_for_a_chapter_is_refused_naming_the_key():
    with pytest.raises(ConfigError, match=r"chapter.size \(30\) must be at most the smallest"):
        world(**{"scene.regions": 20})


def test_counts_are_per_region():
    """The bni roster's two counted members (one pitcher, one builder) are in every region."""
    bni = load_scenario("bni").params
    params = apply_overrides(bni, {"scene.members": 90, "scene.regions": 3}, "test")
    region = NetworkingModel(params.for_region(2), rng=np.random.SeedSequence(1))
    assert np.bincount(region.group_of).tolist()[:2] == [1, 1] and region.n_members == 30
    with pytest.raises(ConfigError, match=r"leaves 2 members per region; a region needs at least"):
        apply_overrides(bni, {"scene.members": 90, "scene.regions": 45, "chapter.size": 4}, "test")


def test_a_model_is_one_region():
    with pytest.raises(ValueError, match="a model is one region"):
        NetworkingModel(world().params, rng=np.random.SeedSequence(1))


def test_region_seeds_are_keyed_by_replication_and_region():
    seeds = replication_seeds(11, 3)
    tasks = make_tasks(world().variants, 3, 11)
    assert [(t.replication, t.region) for t in tasks] == [(i, r) for i in range(3) for r in (0, 1)]
    for task in tasks:
        spawned = np.random.SeedSequence(11).spawn(3)[task.replication].spawn(2)[task.region]
        assert np.array_equal(task.seed.generate_state(4), spawned.generate_state(4))
    # one region: the replication's own seed, as before regions existed
    assert region_seed(seeds[1], 0, 1) is seeds[1]


def read(folder) -> dict[str, pl.DataFrame]:
    return {name: pl.read_parquet(folder / f"{name}.parquet") for name in TABLES}


@pytest.fixture(scope="module")
def in_process(tmp_path_factory):
    out = tmp_path_factory.mktemp("one-process")
    metrics = run_tasks(make_tasks(world().variants, 2, 5), 1, out, show_progress=False)
    return metrics, read(out)


def test_regions_add_up_to_the_scene(in_process):
    metrics, tables = in_process
    agents, steps = tables["agents"], tables["steps"]
    assert sorted(agents["region"].unique()) == [0, 1] and agents.height == 2 * 241
    last = steps.filter(pl.col("step") == steps["step"].max())
    sold = agents.group_by("replication", "group").agg(pl.col("units").sum(), pl.len())
    joined = last.join(sold, on=["replication", "group"])
    assert joined.height == 4
    assert (joined["units_cum"] == joined["units_right"]).all()
    assert (joined["sellers"] == joined["len"]).all()
    # the weekly scene table: one row per week of each replication, the regions' sum
    assert tables["scene"].height == 2 * 30
    # rows of sales and referrals for the first region only (run.detail_regions = 1)
    assert tables["sales"]["region"].unique().to_list() == [0]
    assert tables["network"]["region"].unique().to_list() == [0]
    # one row of metrics per replication, measured over both regions' members
    assert sorted(metrics["replication"].unique()) == [0, 1]


def test_builders_outsell_pitchers_in_a_small_world(in_process):
    """bni_world's contrast (C12) at small size: in every replication the relationship builders
    sell more per member than the pitchers."""
    metrics, _ = in_process
    units = metrics.filter(pl.col("metric").is_in(["units.builders", "units.pitchers"]))
    wide = units.pivot(on="metric", index="replication", values="value")
    assert wide.height == 2
    assert (wide["units.builders"] > wide["units.pitchers"]).all(), wide


def test_a_dask_cluster_and_a_process_pool_give_the_same_tables(in_process, tmp_path):
    """Two regions on a two-worker Dask LocalCluster, and on a local pool of two processes, write
    exactly the tables of one process."""
    metrics, tables = in_process
    tasks = make_tasks(world().variants, 2, 5)
    for name, where in [("pool", None), ("dask", Where(cluster="local"))]:
        got = run_tasks(tasks, 2, tmp_path / name, show_progress=False, where=where)
        assert got.equals(metrics), name
        for table, frame in read(tmp_path / name).items():
            assert frame.equals(tables[table]), (name, table)


def test_where_refuses_bad_options_with_one_line():
    with pytest.raises(ConfigError, match="allowed: local"):
        Where(cluster="slurm")
    with pytest.raises(ConfigError, match="not both"):
        Where(cluster="local", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ConfigError, match="scheduler's address"):
        Where(scheduler="127.0.0.1:8786")


def test_a_run_of_regions_has_a_manifest_metrics_and_a_report(tmp_path):
    """`sim run` on a scene of regions: metrics over every region's members, and the report
    builds from the saved tables (sources from the detailed region, network from region 0)."""
    from sim.experiments.runner import run_scenario
    from sim.report.data import load_run, sales_sources
    from sim.report.page import build_report

    result = run_scenario(world(), 1, 3, workers=1, out_dir=tmp_path, show_progress=False)
    units = result.summary.filter(metric="units.builders")["mean"].item()
    agents = pl.read_parquet(tmp_path / "agents.parquet")
    assert units == pytest.approx(agents.filter(group="builders")["units"].mean())
    run = load_run(tmp_path)
    sources = sales_sources(run)  # units per seller of region 0 only (run.detail_regions = 1)
    region0 = agents.filter(pl.col("region") == 0, group="builders")
    by_degree = sources.filter(group="builders").group_by("degree").agg(pl.col("mean").sum())
    assert by_degree["mean"].sum() == pytest.approx(region0["units"].mean())
    page = build_report(tmp_path, "en").read_text(encoding="utf-8")
    assert "Every BNI chapter in the world" in page  # the scenario as an audience reads it


def test_a_region_is_freed_at_once_and_a_live_model_is_never_frozen(monkeypatch):
    """region_tables collects its model when done (Mesa's cycles), freezing what lived before so
    that the collection is cheap - but not while another thread's model is alive: frozen, its
    cycles would never be collected."""
    import gc
    import weakref

    from sim.experiments import execution

    class Cycle:
        def __init__(self):
            self.me = self

    made = []

    class Recorded(execution.NetworkingModel):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(weakref.ref(self))

    monkeypatch.setattr(execution, "NetworkingModel", Recorded)
    params = load_scenario("laptop", {"run.weeks": 3}).params
    execution.region_tables(params, np.random.SeedSequence(1), 0, "base", 0)
    assert made[0]() is None  # collected, not left for some later collection
    other = Cycle()  # stands for another thread's live model
    gone = weakref.ref(other)
    monkeypatch.setattr(execution._Models, "alive", 1)
    execution.region_tables(params, np.random.SeedSequence(1), 0, "base", 0)
    assert made[1]() is None
    del other
    gc.collect()
    assert gone() is None  # not frozen: collected once the other model is done
