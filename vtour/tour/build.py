"""``build_tour``: tour.yaml -> a complete tour folder, redoing only the stages whose inputs changed.

The build, as a table of contents (:func:`build_tour` reads the same)::

    load     read + validate tour.yaml (every problem listed, before any work)
    plan     one stage per scene panorama, per model and per deep-zoom image, each keyed by a
             content hash (.stages)
    run      the missing ones side by side: in this process, a process pool or a Dask cluster
    assemble the tour in a temporary folder from the cached stage outputs (hard links), the
             models' notes (notes/<id>.json beside tour.yaml -> models/<id>/notes.json, vtour.notes),
             then tour.json (schema-checked), iiif/, marzipano/data.js, pannellum.json, images/, the
             viewer (.assemble), swapped in whole (vtour.output)

Cache: ``<tour.yaml's folder>/.vtour-cache/<tour-id>/{scenes,models,images}/<key>/`` by default. It sits
beside the sources, never beside the output: an output folder is published, often inside a web
root, and the cache (``hashes.json`` names the source files) must not be. Dask workers read the
sources, so they see the cache too (a ``~/.cache`` is per machine); an output on the same file
system gets hard links instead of copies. Where the sources' folder is read-only the cache moves
to ``$XDG_CACHE_HOME/vtour/`` (``~/.cache/vtour/``). Entries the latest build did not use are
pruned; an entry whose files no longer match its record is built again (.stages).

The output folder is checked before any work (an existing folder must be an earlier tour) and
records what the build wrote (vtour.output's manifest): a rebuild keeps the files a user added
there, with a warning. Stages in worker processes die with the build (a SIGTERM or Ctrl+C to the
build ends them, removing their temporary folders); what a killed run left is deleted by the next.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import time
import warnings
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from vtour.errors import VtourError, VtourWarning
from vtour.model.report import publish_report
from vtour.notes import copy_notes, notes_problems
from vtour.output import atomic_dir, check_output_dir, clean_stale, is_within, link_tree
from vtour.tour.assemble import copy_media, tour_document, write_tour_folder
from vtour.tour.deepzoom import url_problem
from vtour.tour.document import Tour, read_tour
from vtour.tour.layout import CACHE_ONLY, STAGE_FOLDERS, STAGE_RECORD, TOP_LEVEL, TOUR_JSON
from vtour.tour.stages import FileHasher, Stage, plan_stages, record_stage
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


class StagesDone:
    """``built`` and ``cached`` (``kind:id`` of each stage) of a build result with ``stages``."""

    stages: tuple[StageRun, ...]

    @property
    def built(self) -> list[str]:
        return [f"{s.kind}:{s.id}" for s in self.stages if s.status == "built"]

    @property
    def cached(self) -> list[str]:
        return [f"{s.kind}:{s.id}" for s in self.stages if s.status == "cached"]


@dataclass(frozen=True)
class BuildResult(StagesDone):
    """What :func:`build_tour` did: the folder, tour.json, and each stage built or cached."""

    out_dir: Path
    document: dict = field(repr=False)
    stages: tuple[StageRun, ...]
    seconds: float


def check_base_url(base_url: str | None) -> None:
    """A VtourError for a ``--base-url`` that is not a plain absolute http(s) URL (None: none given)."""
    if base_url is not None and (why := url_problem(base_url, query=False)):
        raise VtourError(
            "build",
            f"base URL {base_url!r} {why}",
            field="base_url",
            value=base_url,
            fix="give the URL the built folder will be published at, e.g. https://museum.example/tours/NAME",
        )


def load_valid_tour(path: str | Path, base_url: str | None = None) -> Tour:
    """Read a tour.yaml and raise one VtourError listing every problem, if there are any.
    ``base_url`` (``vtour build --base-url``) replaces the tour's own."""
    check_base_url(base_url)
    tour, problems = read_tour(path)
    if base_url is not None:
        tour = replace(tour, base_url=base_url)
    problems += validate_tour(tour) + notes_problems(tour)
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


#: prctl(2) option: the signal a process gets when its parent dies (Linux).
PR_SET_PDEATHSIG = 1
_in_stage = False


class _Terminated(BaseException):
    """Raised in a worker by SIGTERM while it runs a stage, to unwind the stage's ``with`` blocks
    (its temporary folders are deleted) before the worker exits."""


def _on_sigterm(signum, frame):
    global _in_stage
    if _in_stage:
        # once: a second SIGTERM (the parent's death signal and the pool's own) must not cut short the
        # cleanup the first one started, which would leave the stage's temporary folder behind
        _in_stage = False
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise _Terminated
    os._exit(128 + signum)


def _worker_init(parent: int) -> None:
    """A pool worker: dies with the build (PR_SET_PDEATHSIG on Linux: SIGTERM when the build process
    ends, however it ends) and leaves Ctrl+C to the build, which then terminates it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(128 + signal.SIGTERM)


def _in_worker(func, *args):
    """``timed(func, *args)`` in a pool worker; a SIGTERM meanwhile ends the worker once the stage
    has cleaned up."""
    global _in_stage
    _in_stage = True
    try:
        return timed(func, *args)
    except _Terminated:
        os._exit(128 + signal.SIGTERM)
    finally:
        _in_stage = False


def _run_pool(todo, jobs, report):
    # fork on Linux: spawn and forkserver re-run the caller's __main__, which breaks scripts
    # without an ``if __name__ == "__main__"`` guard; the build holds no threads or locks here.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_worker_init, initargs=(os.getpid(),)
    ) as pool:
        futures = {pool.submit(_in_worker, s.func, *s.args, str(s.dest)): s for s in todo}
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                for f in done:
                    report(futures[f], _result(futures[f], f)[1])
        except BaseException as exc:
            if not isinstance(exc, Exception):  # Ctrl+C or SIGTERM: stop the running stages now
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.terminate()  # each removes its temporary folder as it goes
            pool.shutdown(cancel_futures=True)  # a failed stage: the running ones finish (and are cached)
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


#: Stage kinds that never run in a forked pool worker (see :func:`run_stages`).
INLINE_KINDS = frozenset({"image"})


def _result(stage: Stage, future):
    try:
        return future.result()
    except Exception as exc:
        raise _stage_error(stage, exc) from exc


def run_stages(
    todo: list[Stage], *, jobs: int | None = None, scheduler: str | None = None, report=lambda stage, seconds: None
) -> None:
    """Run stages in this process (jobs 1), a process pool or on a Dask scheduler at ``scheduler``.

    Without a scheduler, deep-zoom image stages run in this process after the pool: libvips runs
    its own threads (one stage already uses every core), and a process forked after libvips has
    started its threads (here, or earlier in a caller that used pyvips) can deadlock in it."""
    check_jobs(jobs)
    if not todo:
        return
    if scheduler:
        _run_dask(todo, scheduler, report)
        return
    here = [s for s in todo if s.kind in INLINE_KINDS]
    pooled = [s for s in todo if s.kind not in INLINE_KINDS]
    if (jobs or os.cpu_count() or 1) == 1 or len(pooled) <= 1:
        _run_inline(pooled, report)
    else:
        _run_pool(pooled, min(jobs or os.cpu_count() or 1, len(pooled)), report)
    _run_inline(here, report)


# ---------------------------------------------------------------------------------------------
# the build


def check_jobs(jobs) -> None:
    """``jobs`` is None (one per core) or a whole number of at least 1, else a VtourError."""
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise VtourError(
            "build",
            "the number of stages run side by side must be a whole number of at least 1",
            field="jobs",
            value=jobs,
            fix="pass --jobs 1 to build in this process, or leave --jobs out for one process per core",
        )


def prune_cache(cache: Path, keep: set[str]) -> None:
    """Delete the cache entries whose key is not in ``keep`` (and what killed runs left there)."""
    for kind in STAGE_FOLDERS.values():
        folder = cache / kind
        if folder.is_dir():
            clean_stale(folder)
            for entry in folder.iterdir():
                if entry.name not in keep and not entry.name.startswith("."):
                    shutil.rmtree(entry, ignore_errors=True)


def _can_write(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def cache_folder(tour: Tour, out: Path, cache_dir: str | Path | None = None) -> Path:
    """The stage cache of ``tour`` (see the module docstring), created; never inside ``out``."""
    if cache_dir is not None:
        cache = Path(cache_dir).absolute()
    else:
        cache = (tour.root / CACHE_NAME / tour.id).absolute()
        if not _can_write(cache):
            home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
            where = hashlib.sha256(str(tour.root.absolute()).encode()).hexdigest()[:12]
            cache = home / "vtour" / f"{tour.id}-{where}"
    if is_within(cache.resolve(), out.resolve()):
        raise VtourError(
            "build",
            "the stage cache cannot lie inside the output folder: a rebuild replaces that folder, "
            "and whatever serves the tour would publish the cache",
            path=cache,
            field="cache",
            fix="give --cache a folder outside the output (or leave it out: beside tour.yaml)",
        )
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VtourError(
            "build",
            f"cannot create the stage cache ({exc.strerror or exc})",
            path=cache,
            field="cache",
            fix="give --cache a folder you can write in",
        ) from None
    return cache


def build_tour(
    tour_path: str | Path,
    out_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    cache_dir: str | Path | None = None,
    base_url: str | None = None,
) -> BuildResult:
    """Build a tour from its tour.yaml into ``out_dir`` (default ``export/<tour-id>``).

    Parameters
    ----------
    tour_path : the tour.yaml (or .json)
    out_dir : the tour folder, replaced atomically when the build is complete
    jobs : stages run side by side in this many processes (None: one per core; 1: in this process)
    scheduler : address of a running Dask scheduler (``tcp://host:8786``): run the stages there
    force : rebuild every stage even when its cached output matches
    cache_dir : where stage outputs are kept (default ``<tour.yaml's folder>/.vtour-cache/<tour-id>``)
    base_url : where the built tour will be published (replaces tour.yaml's ``base_url``); the
        absolute IIIF ids (info.json, manifests) start with it

    Raises
    ------
    VtourError
        A tour with problems (all listed), an output folder that is not an earlier tour (both before
        any work), a failing stage; the previous tour is left untouched.
    """
    t0 = time.perf_counter()
    check_jobs(jobs)
    tour = load_valid_tour(tour_path, base_url)
    out = check_output_dir(out_dir if out_dir is not None else Path("export") / tour.id, marker=TOUR_JSON, step="build")
    cache = cache_folder(tour, out, cache_dir)
    for kind in STAGE_FOLDERS.values():
        clean_stale(cache / kind)
    hasher = FileHasher(cache / "hashes.json")
    stages = plan_stages(tour, cache, hasher)
    runs = run_missing(stages, tour.id, jobs=jobs, scheduler=scheduler, force=force)
    doc = _assemble(tour, stages, out)
    prune_cache(cache, {s.key for s in stages})
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


def run_missing(
    stages: list[Stage], name: str, *, jobs: int | None, scheduler: str | None, force: bool
) -> tuple[StageRun, ...]:
    """Run the stages whose output is not in the cache (all with ``force``), once per key; ``name``
    (the tour's or collection's id) is for the log."""
    unique = {s.key: s for s in stages}
    todo = [s for s in unique.values() if force or not s.done]
    for s in todo:  # forced, damaged or unrecorded entries are built afresh
        if not force and (s.dest / s.marker).is_file() and (s.dest / STAGE_RECORD).is_file():
            warnings.warn(
                f"build: the cached {s.name} ({s.dest}) no longer matches its record "
                "(a file missing or changed): building it again",
                VtourWarning,
                stacklevel=3,
            )
        shutil.rmtree(s.dest, ignore_errors=True)
    total, times = len(todo), {}
    log.info(
        "build: %s: %d stage(s), %d to build, %d cached",
        name,
        len(stages),
        total,
        len(stages) - len(todo) if not force else 0,
    )

    def report(stage: Stage, seconds: float) -> None:
        record_stage(stage.dest)
        times[stage.key] = seconds
        log.info("build: [%d/%d] %s built (%.1f s)", len(times), total, stage.name, seconds)

    run_stages(todo, jobs=jobs, scheduler=scheduler, report=report)
    return tuple(
        StageRun(s.kind, s.id, s.key, "built" if s.key in times else "cached", times.get(s.key, 0.0)) for s in stages
    )


def _assemble(tour: Tour, stages: list[Stage], out: Path) -> dict:
    """The tour folder from the cached stage outputs, swapped in whole at ``out``; returns tour.json."""
    with atomic_dir(out, marker=TOUR_JSON, step="build", manifest=True, legacy=TOP_LEVEL) as tmp:
        for s in stages:
            link_tree(s.dest, tmp / STAGE_FOLDERS[s.kind] / s.id, skip=CACHE_ONLY)
        for m in tour.models:  # its scan named as tour.yaml names it, without the build's own time
            publish_report(tmp / STAGE_FOLDERS["model"] / m.id / "report.json", m.source)
        media = copy_media(tour, tmp)  # each narration file read once: hashed as it is copied
        doc = tour_document(
            tour,
            {s.id: s.dest for s in stages if s.kind == "scene"},
            {s.id: s.dest for s in stages if s.kind == "model"},
            {s.id: s.dest for s in stages if s.kind == "image"},
            media=media,
        )
        copy_notes(tour, doc, tmp)  # read anew at every build: notes are not a stage's input
        write_tour_folder(tour, doc, tmp, media=media)
    return doc
