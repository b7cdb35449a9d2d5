"""The build's stages: pure functions of (inputs, options) -> one folder, the keys that cache them,
and the plan (:func:`plan_stages`: one stage per scene panorama, per model and per deep-zoom image).

A stage's key is the sha256 of its kind, its :data:`STAGE_VERSIONS` entry, vtour's version, its
options and the sha256 of every input file's bytes (with the name the output records). Hashing a
file is the truth; a (size, mtime_ns) match against the hash recorded for that path is the fast pre-check that
skips re-reading unchanged files. The same holds for a stage's output: each cache entry records its
files (:func:`record_stage`), and an entry is reused only when every file is still there unchanged
(:func:`stage_intact`): a tile deleted or edited through a hard link of the built tour makes the
stage run again. Stage functions run in this process, in a process pool or on a
Dask worker: they take and return only plain picklable values.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

from vtour import __version__
from vtour.conventions import PANNELLUM_CUBE_ORDER
from vtour.errors import VtourError
from vtour.image import IMAGE_JSON, build_image
from vtour.model import PreviousScan, build_model, mtl
from vtour.output import write_bytes_atomic
from vtour.pano import build_pano
from vtour.tour.document import Tour
from vtour.tour.layout import STAGE_FOLDERS, STAGE_RECORD
from vtour.tour.options import image_options, model_options, pano_options

#: Per kind of stage ("pano", "model", "image"; a collection object's "views"): bump when its output
#: changes for the same inputs and options, so that only that kind's cached outputs are built
#: again. model 2: report.json's deviation histograms and ``change``; views 2: small views and thumbnail.
STAGE_VERSIONS = {"pano": 1, "model": 3, "image": 2, "views": 2}
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


class FileHasher:
    """sha256 of files, remembered by (path, size, mtime_ns) in ``<cache>/hashes.json``."""

    def __init__(self, store: Path | None = None):
        self.store = store
        self.known: dict = {}
        if store is not None and store.is_file():
            try:
                self.known = json.loads(store.read_text())
            except (OSError, ValueError):
                self.known = {}
        self.used: dict = {}

    def __call__(self, path: Path) -> str:
        path = Path(path).absolute()
        st = path.stat()
        rec = self.known.get(str(path))
        if rec and rec[0] == st.st_size and rec[1] == st.st_mtime_ns:
            digest = rec[2]
        else:
            digest = file_sha256(path)
        self.used[str(path)] = [st.st_size, st.st_mtime_ns, digest]
        return digest

    def save(self, keep_known: bool = False) -> None:
        """Write the hashes used by this run (the others pruned); with ``keep_known`` those read
        from the store too (this run's winning), for a run that hashed only part of the sources
        (an exhibition preparing a few of a collection's objects)."""
        if self.store is not None:
            entries = {**self.known, **self.used} if keep_known else self.used
            write_bytes_atomic(self.store, json.dumps(entries, indent=0, sort_keys=True).encode())


def options_json(options) -> dict:
    """Options as plain JSON for the key; ``jobs`` (threads) does not change the output."""
    d = asdict(options) if is_dataclass(options) and not isinstance(options, type) else dict(options)
    d.pop("jobs", None)
    return json.loads(json.dumps(d, default=str))


def stage_key(kind: str, options, inputs: list[list[Any]]) -> str:
    """sha256 of everything the stage's output depends on. ``inputs``: [name, sha256] pairs (and
    any other JSON-able [name, value] the output depends on, such as ``["faces", True]``)."""
    blob = json.dumps(
        {
            "stage": kind,
            "stage_version": STAGE_VERSIONS[kind],
            "vtour": __version__,
            "options": options_json(options),
            "inputs": inputs,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def model_dependencies(source: Path) -> list[Path]:
    """The scan and the files its reader reads: an OBJ's .mtl and its maps, a glTF's buffers and
    images, found as :mod:`vtour.model.mtl` finds them (its parser and :func:`~vtour.model.mtl.locate`:
    inside the scan's folder, as written or by base name; nothing outside it)."""
    out = [source]
    try:
        if source.suffix.lower() == ".obj":
            named = mtl.material_files(source)
        elif source.suffix.lower() == ".gltf":
            named = mtl.gltf_files(source)
        else:
            named = []
        out += [n.path for n in named if n.path is not None]
    except (OSError, ValueError, VtourError):
        pass  # the model stage reports unreadable or malformed sources with its own message
    seen, unique = set(), []
    for p in out:
        if p.is_file() and p not in seen:
            seen.add(p)
            unique.append(p)
    return unique


def _stage_files(dest: Path) -> list[Path]:
    return sorted(p for p in dest.rglob("*") if p.is_file() and p.name != STAGE_RECORD)


def record_stage(dest: Path) -> None:
    """Write the record of a complete cache entry: each file's size, mtime_ns and sha256."""
    files = {}
    for p in _stage_files(dest):
        st = p.stat()
        files[p.relative_to(dest).as_posix()] = [st.st_size, st.st_mtime_ns, file_sha256(p)]
    write_bytes_atomic(dest / STAGE_RECORD, json.dumps({"files": files}, indent=0, sort_keys=True).encode())


def stage_intact(dest: Path) -> bool:
    """True when the entry's record lists exactly its files, each unchanged (a size and mtime that
    differ from the record's are settled by the sha256). False without a record."""
    try:
        files = json.loads((dest / STAGE_RECORD).read_text())["files"]
        if {p.relative_to(dest).as_posix() for p in _stage_files(dest)} != set(files):
            return False
        for rel, (size, mtime_ns, digest) in files.items():
            st = (dest / rel).stat()
            if st.st_size != size or (st.st_mtime_ns != mtime_ns and file_sha256(dest / rel) != digest):
                return False
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return True


# ---------------------------------------------------------------------------------------------
# the stage functions: (inputs, options, dest) -> summary; dest is written atomically


def pano_stage(inputs: list[str], faces: bool, options, dest: str) -> dict:
    """Build one scene's panorama into ``dest``; returns its pano.json. With ``faces`` the six
    inputs are f r b l u d (``PANNELLUM_CUBE_ORDER``, the order tour.yaml's face map is read in)
    and are linked under those names, so no file name can reorder them."""
    if not faces:
        return build_pano(inputs, dest, options).manifest
    with tempfile.TemporaryDirectory(prefix="vtour-faces-") as tmp:
        links = []
        for letter, src in zip(PANNELLUM_CUBE_ORDER, inputs):
            link = Path(tmp) / f"{letter}{Path(src).suffix.lower()}"
            os.symlink(os.path.abspath(src), link)
            links.append(link)
        return build_pano(links, dest, options).manifest


def model_stage(
    source: str, options, previous: tuple[PreviousScan, ...], downloads: list[str] | None, dest: str
) -> dict:
    """Build one model's LOD chain, its change against each ``previous`` scan, the ``downloads``
    (the scan's files to zip, or None) and its report into ``dest``; returns report.json's content."""
    return build_model(source, dest, options, previous=previous, downloads=downloads).report


def image_stage(inputs: list[str], options, name: str, dest: str) -> dict:
    """Build one deep-zoom image's IIIF pyramid into ``dest`` (info.json's id
    ``STAGE_BASE_URL/name``: assembly writes the tour's own info.json with the real id; no manifest:
    the tour writes its own); returns info.json's content."""
    return build_image(inputs, dest, options, name=name, manifest=False).info


# ---------------------------------------------------------------------------------------------
# the plan


@dataclass(frozen=True)
class Stage:
    """One unit of work: ``func(*args, dest)`` writes ``dest`` = ``<cache>/<scenes|models>/<key>``,
    complete when ``dest/marker`` exists; reusable (:attr:`done`) when its record checks out too."""

    kind: str  # "scene" | "model" | "image"
    id: str
    key: str
    func: Callable[..., Any] = field(repr=False)
    args: tuple = field(repr=False)
    dest: Path = field(repr=False)
    marker: str = ""

    @property
    def name(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def done(self) -> bool:
        return (self.dest / self.marker).is_file() and stage_intact(self.dest)


def plan_stages(tour: Tour, cache: Path, hasher: FileHasher) -> list[Stage]:
    """One stage per scene, per model and per deep-zoom image, keyed by content; identical stages
    share one key. An image's key covers its id (info.json's id ends with it) but not its texts."""
    stages = []
    for scene in tour.scenes:
        pano = pano_options(tour, scene)
        files = [tour.root / p for p in scene.panorama]
        names = list(PANNELLUM_CUBE_ORDER) if scene.faces else [p.name for p in files]
        key = stage_key("pano", pano, [[n, hasher(p)] for n, p in zip(names, files)] + [["faces", scene.faces]])
        pano_args = ([str(p) for p in files], scene.faces, pano)
        stages.append(
            Stage("scene", scene.id, key, pano_stage, pano_args, stage_dest(cache, "scene", key), "pano.json")
        )
    for model in tour.models:
        lod = model_options(tour, model)
        source = tour.root / model.source
        deps = model_dependencies(source)
        inputs: list[list[Any]] = [[os.path.relpath(p, source.parent), hasher(p)] for p in deps]
        previous = tuple(
            PreviousScan(str(tour.root / p.source), p.date, p.units or model.units) for p in model.previous
        )
        for j, p in enumerate(previous):  # a previous scan's files, date and units change its change map
            files = model_dependencies(Path(p.source))
            named = [[os.path.relpath(f, Path(p.source).parent), hasher(f)] for f in files]
            inputs.append([f"previous{j}", p.date, p.units, named])
        if model.downloads:
            inputs.append(["downloads", True])
        key = stage_key("model", lod, inputs)
        model_args = (str(source), lod, previous, [str(p) for p in deps] if model.downloads else None)
        dest = stage_dest(cache, "model", key)
        stages.append(Stage("model", model.id, key, model_stage, model_args, dest, "report.json"))
    for image in tour.images:
        zoom = image_options(tour, image, stage=True)  # tiles independent of base_url
        files = [tour.root / p for p in image.source]
        key = stage_key("image", zoom, [[p.name, hasher(p)] for p in files] + [["id", image.id]])
        image_args = ([str(p) for p in files], zoom, image.id)
        dest = stage_dest(cache, "image", key)
        stages.append(Stage("image", image.id, key, image_stage, image_args, dest, IMAGE_JSON))
    return stages


def stage_dest(cache: Path, kind: str, key: str) -> Path:
    """Where a stage of ``kind`` keyed ``key`` writes in the cache."""
    return cache / STAGE_FOLDERS[kind] / key
