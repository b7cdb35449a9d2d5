"""``build_tour``: tour.yaml -> a complete tour folder, redoing only the stages whose inputs changed.

The build, as a table of contents (:func:`build_tour` reads the same)::

    load     read + validate tour.yaml (every problem listed, before any work)
    plan     one stage per scene panorama and per model, each keyed by a content hash (.stages)
    run      the missing ones side by side: in this process, a process pool or a Dask cluster
    assemble the tour in a temporary folder from the cached stage outputs (hard links), then
             tour.json (schema-checked), marzipano/data.js, pannellum.json, images/, the viewer
             (.assemble), swapped in whole (vtour.output)

Cache: ``<out>/../.vtour-cache/<tour-id>/{scenes,models}/<key>/`` by default. It sits next to the
output so that it is on the same file system (hard links instead of copies, atomic renames), so
that Dask workers that see the output folder see the cache too (a ``~/.cache`` is per machine),
and so that deleting ``export/`` clears it; entries the latest build did not use are pruned.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from vtour.errors import VtourError
from vtour.output import atomic_dir, link_tree
from vtour.tour.assemble import tour_document, write_tour_folder
from vtour.tour.document import Tour, read_tour
from vtour.tour.layout import CACHE_ONLY, STAGE_FOLDERS, TOUR_JSON
from vtour.tour.stages import FileHasher, Stage, plan_stages
from vtour.tour.validate import validate_tour

log = logging.getLogger(__name__)
CACHE_NAME = ".vtour-cache"


@dataclass(frozen=True)
class StageRun:
    """One stage of a build: built now or taken from the cache, and its own time in seconds."""

    kind: str
    id: str
    key: str
    status: str  # "built" | "cached"
    seconds: float


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build_tour` did: the folder, tour.json, and each stage built or cached."""

    out_dir: Path
    document: dict = field(repr=False)
    stages: tuple[StageRun, ...]
    seconds: float

    @property
    def built(self) -> list[str]:
        return [f"{s.kind}:{s.id}" for s in self.stages if s.status == "built"]

    @property
    def cached(self) -> list[str]:
        return [f"{s.kind}:{s.id}" for s in self.stages if s.status == "cached"]


def load_valid_tour(path: str | Path) -> Tour:
    """Read a tour.yaml and raise one VtourError listing every problem, if there are any."""
    tour, problems = read_tour(path)
    problems += validate_tour(tour)
    if problems:
        raise VtourError(
            "build",
            f"{len(problems)} problem(s) in the tour:\n  " + "\n  ".join(map(str, problems)) + "\n",
            path=path,
            fix="fix them (vtour validate lists them again)",
        )
    return tour


# ---------------------------------------------------------------------------------------------
# running stages


def timed(func, *args):
    """``(func(*args), seconds)``: a stage's own time, wherever it ran."""
    t0 = time.perf_counter()
    return func(*args), time.perf_counter() - t0


def _stage_error(stage: Stage, exc: BaseException) -> VtourError:
    """A stage's failure as the build's error. A VtourError (it pickles back from a worker) keeps
    its message; anything else is a bug, named with its type."""
    if isinstance(exc, VtourError):
        return VtourError("build", f"{stage.name}: {exc}")
    return VtourError(
        "build", f"{stage.name} failed: {type(exc).__name__}: {exc}", fix="rerun with --debug --jobs 1 to see where"
    )


def _run_inline(todo, report):
    for stage in todo:
        try:
            _, seconds = timed(stage.func, *stage.args, str(stage.dest))
        except VtourError as exc:
            raise _stage_error(stage, exc) from exc
        report(stage, seconds)


def _run_pool(todo, jobs, report):
    # fork on Linux: spawn and forkserver re-run the caller's __main__, which breaks scripts
    # without an ``if __name__ == "__main__"`` guard; the build holds no threads or locks here.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(timed, s.func, *s.args, str(s.dest)): s for s in todo}
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                for f in done:
                    report(futures[f], _result(futures[f], f)[1])
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def _run_dask(todo, address, report):
    try:  # an optional back-end (vtour[dask]), imported only when a scheduler is given
        from distributed import Client, as_completed
    except ImportError:
        raise VtourError(
            "build",
            "--scheduler needs Dask's distributed scheduler, which is not installed",
            fix='pip install "vtour[dask]" (or "dask[distributed]")',
        ) from None
    with Client(address) as client:
        futures = {
            client.submit(timed, s.func, *s.args, str(s.dest), pure=False, key=f"vtour-{s.kind}-{s.id}-{s.key[:12]}"): s
            for s in todo
        }
        try:
            for f in as_completed(list(futures)):
                report(futures[f], _result(futures[f], f)[1])
        except BaseException:
            client.cancel(list(futures))
            raise


def _result(stage: Stage, future):
    try:
        return future.result()
    except Exception as exc:
        raise _stage_error(stage, exc) from exc


def run_stages(
    todo: list[Stage], *, jobs: int | None = None, scheduler: str | None = None, report=lambda stage, seconds: None
) -> None:
    """Run stages in this process (jobs 1), a process pool or on a Dask scheduler at ``scheduler``."""
    if not todo:
        return
    if scheduler:
        _run_dask(todo, scheduler, report)
    elif (jobs or os.cpu_count() or 1) == 1 or len(todo) == 1:
        _run_inline(todo, report)
    else:
        _run_pool(todo, min(jobs or os.cpu_count() or 1, len(todo)), report)


# ---------------------------------------------------------------------------------------------
# the build


def _prune(cache: Path, keep: set[str]) -> None:
    """Delete the cache entries whose key is not in ``keep``."""
    for kind in STAGE_FOLDERS.values():
        folder = cache / kind
        if folder.is_dir():
            for entry in folder.iterdir():
                if entry.name not in keep:
                    shutil.rmtree(entry, ignore_errors=True)


def build_tour(
    tour_path: str | Path,
    out_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    cache_dir: str | Path | None = None,
) -> BuildResult:
    """Build a tour from its tour.yaml into ``out_dir`` (default ``export/<tour-id>``).

    Parameters
    ----------
    tour_path : the tour.yaml (or .json)
    out_dir : the tour folder, replaced atomically when the build is complete
    jobs : stages run side by side in this many processes (None: one per core; 1: in this process)
    scheduler : address of a running Dask scheduler (``tcp://host:8786``): run the stages there
    force : rebuild every stage even when its cached output matches
    cache_dir : where stage outputs are kept (default ``<out_dir>/../.vtour-cache/<tour-id>``)

    Raises
    ------
    VtourError
        A tour with problems (all listed), a failing stage; the previous tour is left untouched.
    """
    t0 = time.perf_counter()
    tour = load_valid_tour(tour_path)
    out = Path(out_dir if out_dir is not None else Path("export") / tour.id).absolute()
    cache = Path(cache_dir).absolute() if cache_dir else out.parent / CACHE_NAME / tour.id
    cache.mkdir(parents=True, exist_ok=True)
    hasher = FileHasher(cache / "hashes.json")
    stages = plan_stages(tour, cache, hasher)
    runs = _run_missing(tour, stages, jobs=jobs, scheduler=scheduler, force=force)
    doc = _assemble(tour, stages, out)
    _prune(cache, {s.key for s in stages})
    hasher.save()
    seconds = time.perf_counter() - t0
    log.info(
        "build: %s written in %.1f s (%d built, %d cached)",
        out,
        seconds,
        sum(r.status == "built" for r in runs),
        sum(r.status == "cached" for r in runs),
    )
    return BuildResult(out, doc, runs, seconds)


def _run_missing(
    tour: Tour, stages: list[Stage], *, jobs: int | None, scheduler: str | None, force: bool
) -> tuple[StageRun, ...]:
    """Run the stages whose output is not in the cache (all with ``force``), once per key."""
    unique = {s.key: s for s in stages}
    if force:
        for s in unique.values():
            shutil.rmtree(s.dest, ignore_errors=True)
    todo = [s for s in unique.values() if not s.done]
    total, times = len(todo), {}
    log.info(
        "build: %s: %d stage(s), %d to build, %d cached",
        tour.id,
        len(stages),
        total,
        len(stages) - len(todo) if not force else 0,
    )

    def report(stage: Stage, seconds: float) -> None:
        times[stage.key] = seconds
        log.info("build: [%d/%d] %s built (%.1f s)", len(times), total, stage.name, seconds)

    run_stages(todo, jobs=jobs, scheduler=scheduler, report=report)
    return tuple(
        StageRun(s.kind, s.id, s.key, "built" if s.key in times else "cached", times.get(s.key, 0.0)) for s in stages
    )


def _assemble(tour: Tour, stages: list[Stage], out: Path) -> dict:
    """The tour folder from the cached stage outputs, swapped in whole at ``out``; returns tour.json."""
    with atomic_dir(out, marker=TOUR_JSON, step="build") as tmp:
        for s in stages:
            link_tree(s.dest, tmp / STAGE_FOLDERS[s.kind] / s.id, skip=CACHE_ONLY)
        doc = tour_document(
            tour,
            {s.id: s.dest for s in stages if s.kind == "scene"},
            {s.id: s.dest for s in stages if s.kind == "model"},
        )
        write_tour_folder(tour, doc, tmp)
    return doc
