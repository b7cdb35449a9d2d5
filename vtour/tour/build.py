"""``build_tour``: tour.yaml -> a complete tour folder, redoing only the stages whose inputs changed.

The build, as a table of contents::

    read + validate tour.yaml  ->  plan stages (one per scene panorama, one per model, each keyed
    by a content hash)  ->  run the missing ones side by side (processes, or a Dask cluster)
    ->  assemble the tour in a temporary folder from the cached stage outputs (hard links)
    ->  tour.json (schema-checked), marzipano/data.js, pannellum.json, images/  ->  swap it in

Cache: ``<out>/../.vtour-cache/<tour-id>/{scenes,models}/<key>/`` by default. It sits next to the
output so that it is on the same file system (hard links instead of copies, atomic renames), so
that Dask workers that see the output folder see the cache too (a ``~/.cache`` is per machine),
and so that deleting ``export/`` clears it; entries the latest build did not use are pruned.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from vtour.errors import VtourError
from vtour.output import atomic_dir
from vtour.tour.document import Tour, read_tour
from vtour.tour.options import model_options, pano_options
from vtour.tour.stages import FileHasher, model_dependencies, model_stage, pano_stage, stage_key
from vtour.tour.validate import validate_tour

log = logging.getLogger(__name__)
CACHE_NAME = ".vtour-cache"
#: Files of a stage's folder that are not copied into the tour (the stitched equirect).
_SKIP = {"stitched.jpg"}


@dataclass(frozen=True)
class Stage:
    """One unit of work: ``func(*args, dest)`` writes ``dest`` = ``<cache>/<kind>s/<key>``."""

    kind: str  # "scene" | "model"
    id: str
    key: str
    func: object = field(repr=False)
    args: tuple = field(repr=False)
    dest: Path = field(repr=False)
    marker: str = ""

    @property
    def name(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def done(self) -> bool:
        return (self.dest / self.marker).is_file()


@dataclass(frozen=True)
class StageRun:
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


def plan_stages(tour: Tour, cache: Path, hasher: FileHasher) -> list[Stage]:
    """One stage per scene and per model, keyed by content; identical stages share one key."""
    stages = []
    for scene in tour.scenes:
        options = pano_options(tour, scene)
        files = [tour.root / p for p in scene.panorama]
        names = list("frblud") if scene.faces else [p.name for p in files]
        key = stage_key("pano", options, [[n, hasher(p)] for n, p in zip(names, files)] + [["faces", scene.faces]])
        stages.append(
            Stage(
                "scene",
                scene.id,
                key,
                pano_stage,
                ([str(p) for p in files], scene.faces, options),
                cache / "scenes" / key,
                "pano.json",
            )
        )
    for model in tour.models:
        options = model_options(tour, model)
        source = tour.root / model.source
        deps = model_dependencies(source)
        key = stage_key("model", options, [[os.path.relpath(p, source.parent), hasher(p)] for p in deps])
        stages.append(
            Stage("model", model.id, key, model_stage, (str(source), options), cache / "models" / key, "report.json")
        )
    return stages


# ---------------------------------------------------------------------------------------------
# running stages


class StageFailed(Exception):
    """A stage's VtourError as plain text: VtourError's keyword-only fields do not survive pickling
    back from a worker process or a Dask worker."""


def timed(func, *args):
    """``(func(*args), seconds)``: a stage's own time, wherever it ran."""
    t0 = time.perf_counter()
    try:
        return func(*args), time.perf_counter() - t0
    except VtourError as exc:
        raise StageFailed(str(exc)) from None


def _run_inline(todo, report):
    for stage in todo:
        try:
            _, seconds = timed(stage.func, *stage.args, str(stage.dest))
        except StageFailed as exc:
            raise VtourError("build", f"{stage.name}: {exc}") from exc
        report(stage, seconds)


def _run_pool(todo, jobs, report):
    import multiprocessing
    import sys

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
    try:
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
    except StageFailed as exc:
        raise VtourError("build", f"{stage.name}: {exc}") from exc
    except Exception as exc:
        raise VtourError(
            "build", f"{stage.name} failed: {type(exc).__name__}: {exc}", fix="rerun with --debug --jobs 1 to see where"
        ) from exc


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
# assembling the tour folder


def link_tree(src: Path, dest: Path, skip=frozenset()) -> None:
    """Hard-link every file of ``src`` under ``dest`` (copy where links are impossible)."""
    for root, _, files in os.walk(src):
        rel = Path(root).relative_to(src)
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            if name not in skip:
                link_file(Path(root) / name, dest / rel / name)


def link_file(src: Path, dest: Path, *, copy: bool = False) -> None:
    """Hard-link (or with ``copy``, copy) ``src`` to ``dest``, replacing any file there.

    The new file is made under a temporary name and renamed over ``dest``, so an existing ``dest``
    is replaced, never written through: if it were a hard link to a source, a copy into it would
    change the source. Authored sources (images) are copied, so that editing the built tour can
    never change a capture; only the stage cache, vtour's own output, is hard-linked.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        if copy:
            shutil.copy2(src, tmp)
        else:
            try:
                os.link(src, tmp)
            except OSError:
                shutil.copy2(src, tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def image_destination(rel: str) -> str:
    """Where an authored image goes in the tour: under images/, keeping its sub-folders."""
    parts = PurePosixPath(os.path.normpath(rel).replace("\\", "/")).parts
    if parts and parts[0] == "images":
        parts = parts[1:]
    return str(PurePosixPath("images", *parts))


def _prune(cache: Path, keep: set[str]) -> None:
    for kind in ("scenes", "models"):
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
    from vtour.tour.assemble import tour_document, write_tour_folder

    t0 = time.perf_counter()
    tour = load_valid_tour(tour_path)
    out = Path(out_dir if out_dir is not None else Path("export") / tour.id).absolute()
    cache = Path(cache_dir).absolute() if cache_dir else out.parent / CACHE_NAME / tour.id
    cache.mkdir(parents=True, exist_ok=True)
    hasher = FileHasher(cache / "hashes.json")
    stages = plan_stages(tour, cache, hasher)
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
    runs = tuple(
        StageRun(s.kind, s.id, s.key, "built" if s.key in times else "cached", times.get(s.key, 0.0)) for s in stages
    )
    with atomic_dir(out, marker="tour.json", step="build") as tmp:
        for s in stages:
            link_tree(s.dest, tmp / f"{s.kind}s" / s.id, skip=_SKIP)
        doc = tour_document(
            tour,
            {s.id: s.dest for s in stages if s.kind == "scene"},
            {s.id: s.dest for s in stages if s.kind == "model"},
        )
        write_tour_folder(tour, doc, tmp)
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
