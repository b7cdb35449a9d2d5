"""``build_model``: one scan file -> ``lod<k>.glb`` (coarse to fine) and ``report.json``.

The build reads like its table of contents: read -> clean -> chain of levels -> the levels worth a
file (:func:`vtour.model.lod.written_levels`) -> each previous scan read, aligned, written as
``previous<j>.glb`` and measured against on the scan's vertices (:mod:`vtour.model.change`) -> per
level: textures, deviation, the scan's change carried to its vertices, quantized .glb -> the
downloads (``scan/<name>.zip`` and the finest level uncompressed) -> report. The output folder is
written atomically.
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from vtour.errors import VtourWarning
from vtour.model.archive import archive_name, write_zip
from vtour.model.carry import carried_to_level
from vtour.model.change import (
    NOT_MEASURED,
    PreviousScan,
    PreviousSurface,
    align_scans,
    default_limits,
    estimate_noise,
    in_units,
    level_change,
    rewound,
    scan_change,
    transformed,
    with_sentinel,
)
from vtour.model.clean import CleanOptions, clean_mesh
from vtour.model.deviation import Surface, measure_deviation
from vtour.model.glb import Texture, encode_glb, quantize_positions
from vtour.model.io import read_mesh
from vtour.model.lod import Level, build_chain, written_levels
from vtour.model.mesh import DATA_ROLES, Mesh
from vtour.model.options import DEFAULT_MODEL_OPTIONS, ModelOptions
from vtour.model.report import dumps, level_entry, level_file, model_report, uncompressed_entry
from vtour.model.simplify import SimplifyResult, simplify_mesh
from vtour.model.texture import encode_map, resize_normal_map, resize_texture
from vtour.output import atomic_dir

log = logging.getLogger(__name__)
#: Below this fitness (the fraction of the current scan near the aligned previous one,
#: :mod:`vtour.model.change`) an alignment is warned about: the two scans hardly overlap.
MIN_FITNESS = 0.5
#: The most triangles and texture pixels of a previous scan's .glb (at most the finest level's).
PREVIOUS_BUDGET = Level(1_500_000, 2048)


@dataclass(frozen=True)
class ModelResult:
    """What :func:`build_model` wrote: the folder, the level files coarse to fine, the report."""

    out_dir: Path
    files: tuple[Path, ...]
    report: dict = field(repr=False)


def level_textures(mesh: Mesh, level: Level, fmt: str, quality: int, cache: dict) -> list[dict[str, Texture] | None]:
    """Each material's maps ({role: Texture}) shrunk to the level's size and encoded.

    Cached by (image object, role, size): a map shared by roles or materials (an occlusion map
    packed into the metallic-roughness image) is encoded once and stays one image in the .glb.
    """
    out: list[dict[str, Texture] | None] = []
    for material in mesh.materials:
        if mesh.uv is None or not material.maps:
            out.append(None)
            continue
        maps = {}
        for role, image in material.maps.items():
            kind = "normal" if role == "normal" else "data" if role in DATA_ROLES else "color"
            key = (id(image), kind, level.texture_side(image))
            if key not in cache:
                small = (resize_normal_map if kind == "normal" else resize_texture)(image, level.texture_size)
                data, used = encode_map(small, role, fmt, quality)
                cache[key] = (image, Texture(data, used, small.shape[1], small.shape[0]))
            maps[role] = cache[key][1]  # the image is kept in the cache so its id stays unique
        out.append(maps)
    return out


def dequantized(mesh: Mesh, bits: int) -> Mesh:
    """The mesh with the positions a viewer will decode from the .glb (for honest deviation)."""
    q, origin, step = quantize_positions(mesh.positions, bits)
    return mesh.replace(positions=origin + step * q.astype(np.float64))


def build_model(
    source: str | Path,
    out_dir: str | Path,
    options: ModelOptions = DEFAULT_MODEL_OPTIONS,
    *,
    previous: Sequence[PreviousScan] = (),
    downloads: Sequence[str | Path] | None = None,
) -> ModelResult:
    """Turn one scan into a chain of .glb levels of detail and a deviation report.

    Parameters
    ----------
    source : path to an OBJ, PLY, STL, glTF or GLB scan
    out_dir : folder for ``lod<k>.glb`` (k = 0 coarsest) and ``report.json``; replaced atomically.
        A level identical to the coarser one before it, or simplified to no triangles, is not
        written (report.json's ``levels_left_out`` says which and why), so there may be fewer
        files than ``options.lods``; they are numbered without gaps.
    options : ModelOptions
    previous : earlier scans of the same object: each is aligned to this one and written as
        ``previous<j>.glb`` in this scan's frame; the signed change is measured on the scan's
        vertices (as read, as deviation is) and every level gets it, carried to its vertices
        (:func:`vtour.model.change.carried_to_level`), as the vertex attribute ``_CHANGE_<j>``
        (report.json's ``change``: ``scan`` and ``levels`` statistics).
    downloads : the scan and the files it depends on (inside the scan's folder), or None. When
        given, they are zipped as ``scan/<name>.zip`` (:func:`vtour.model.archive.archive_name`
        of the scan's stem) and the finest level is also written uncompressed (report.json's
        ``downloads``).

    Raises
    ------
    VtourError
        Unreadable, empty or invalid input, or invalid options; nothing is written then.
    """
    start = time.perf_counter()
    source = Path(source)
    scan = read_mesh(source, units=options.units)
    cleaned, cleaning = clean_mesh(scan, CleanOptions(drop_fragments=options.drop_fragments))
    log.info("model: cleaned: %s", cleaning)
    # simplify in the chain, but measure against the scan as read (before fragment removal)
    levels = tuple(options.lods)
    chain = build_chain(cleaned, levels, color_weight=options.color_weight)
    # the cleaned scan is needed again only to align previous scans: otherwise let it go (on a large
    # scan that welded vertices it is a second copy of every array; the chain holds its own levels)
    units = cleaned.units
    current = cleaned if previous else None
    del cleaned
    written, left_out = written_levels(levels, chain)
    metadata = {
        "title": options.title or source.stem,
        "source": source.name,
        "units": units,
        "licence": options.licence,
    }
    scan_surface = Surface(scan.positions, scan.faces)
    cache: dict = {}
    finest = levels[written[-1]]
    with atomic_dir(out_dir, marker="report.json", step="model") as tmp:
        earlier = [
            write_previous(tmp, j, p, current, finest, metadata, options)  # type: ignore[arg-type]
            for j, p in enumerate(previous)
        ]
        measured = []  # per previous scan: the change on the scan's vertices, and where it is measured
        for surface, entry in earlier:
            values, covered = scan_change(surface, scan)
            surface.dispose()
            entry["scan"] = level_change(values, scan.positions, scan.faces, entry["limits"], covered)
            measured.append((values, covered))
        lods, changes = [], []
        for k, i in enumerate(written):
            entry, change = write_level(
                tmp,
                k,
                levels[i],
                *chain[i],
                scan,
                scan_surface,
                metadata,
                options,
                cache,
                change=measured,
                limits=[e["limits"] for _, e in earlier],
                uncompressed=options.uncompressed or (downloads is not None and k == len(written) - 1),
            )
            lods.append(entry)
            changes.append(change)
        for j, (_, entry) in enumerate(earlier):
            entry["levels"] = [{"level": k, **c[j]} for k, c in enumerate(changes)]
        offered = None
        if downloads is not None:
            offered = write_downloads(tmp, source, downloads, lods[-1])
        report = model_report(
            source,
            metadata,
            scan,
            cleaning,
            lods,
            options,
            time.perf_counter() - start,
            left_out=left_out,
            change=[e for _, e in earlier],
            downloads=offered,
        )
        text = dumps(report)
        (tmp / "report.json").write_text(text)
    scan_surface.dispose()
    files = tuple(Path(out_dir) / lod["file"] for lod in lods)
    return ModelResult(Path(out_dir), files, json.loads(text))


def write_previous(
    folder: Path,
    j: int,
    scan: PreviousScan,
    current: Mesh,
    finest: Level,
    metadata: dict,
    options: ModelOptions,
) -> tuple[PreviousSurface, dict]:
    """Previous scan ``j``: read, cleaned, put in the current scan's units and aligned to it
    (``current``, cleaned), its faces turned when wound inside out (with a warning), then written
    as ``previous<j>.glb`` in the current frame, simplified to the finest level's budget within
    :data:`PREVIOUS_BUDGET`. Returns its aligned surface (for the scan's change) and its
    ``change`` entry of report.json (without ``scan`` and ``levels``)."""
    path = Path(scan.source)
    mesh = read_mesh(path, units=scan.units or current.units)
    mesh, _ = clean_mesh(in_units(mesh, current.units))
    alignment, distances = align_scans(mesh, current, seed=j)
    noise = estimate_noise(distances)
    mesh = transformed(mesh, alignment.transform)
    if alignment.inside_out:
        mesh = rewound(mesh)
        warnings.warn(
            f"model: previous scan {path}: its faces are wound inside out (their normals point into the "
            f"object); they were turned so that a loss reads as negative in its change map ({name_of(j)}); "
            "export it with outward normals to silence this",
            VtourWarning,
            stacklevel=2,
        )
    log.info(
        "model: previous scan %s (%s) aligned: rms %.3g %s, fitness %.3f, noise %.3g",
        path.name,
        scan.date,
        alignment.rms,
        current.units,
        alignment.fitness,
        noise,
    )
    if alignment.fitness < MIN_FITNESS:
        warnings.warn(
            f"model: previous scan {path}: only {100 * alignment.fitness:.0f} % of the current scan lies near "
            f"it once aligned: its change map ({name_of(j)}) is unreliable; check that it is the same object "
            "and that its units are right (previous: units:)",
            VtourWarning,
            stacklevel=2,
        )
    surface = PreviousSurface(mesh.positions, mesh.faces)
    budget = Level(
        min(finest.triangles, PREVIOUS_BUDGET.triangles), min(finest.texture_size, PREVIOUS_BUDGET.texture_size)
    )
    small, _ = simplify_mesh(mesh, budget.triangles, color_weight=options.color_weight)
    if small.triangle_count == 0:
        small = mesh
    # a cache of its own: the previous scan's images go when it is written
    textures = level_textures(small, budget, options.texture_format, options.texture_quality, {})
    name = name_of(j)
    title = f"{metadata['title']} ({scan.date})"
    data = encode_glb(
        small,
        textures,
        position_bits=options.position_bits,
        metadata={**metadata, "title": title, "source": path.name, "date": scan.date},
    )
    (folder / name).write_bytes(data)
    entry = {
        "index": j,
        "source": path.name,
        "date": scan.date,
        "file": name,
        "attribute": f"_CHANGE_{j}",
        "triangles": small.triangle_count,
        "bytes": len(data),
        "alignment": alignment.as_dict(),
        "noise": noise,
        "limits": default_limits(noise),
        "not_measured": NOT_MEASURED,
    }
    return surface, entry


def name_of(j: int) -> str:
    """The file of previous scan ``j``: ``previous<j>.glb``."""
    return f"previous{j}.glb"


def write_downloads(folder: Path, source: Path, files: Sequence[str | Path], finest: dict) -> dict:
    """``scan/<name>.zip`` of ``files`` (relative to the scan's folder) in ``folder``, ``name`` the
    scan's stem made safe for a URL (:func:`vtour.model.archive.archive_name`); the ``downloads``
    entry of report.json, naming it and the finest level's uncompressed file."""
    (folder / "scan").mkdir()
    rel = f"scan/{archive_name(source.stem)}.zip"
    members = write_zip(files or [source], source.parent, folder / rel)
    log.info("model: downloads: %s (%s)", rel, ", ".join(members))
    return {"scan": rel, "files": members, "glb": finest["uncompressed_file"]}


def write_level(
    folder: Path,
    k: int,
    level: Level,
    mesh: Mesh,
    simplified: SimplifyResult,
    scan: Mesh,
    scan_surface: Surface,
    metadata: dict,
    options: ModelOptions,
    cache: dict,
    *,
    change: Sequence[tuple[np.ndarray, np.ndarray]] = (),
    limits: Sequence[dict] = (),
    uncompressed: bool = False,
) -> tuple[dict, list[dict]]:
    """Level ``k``: its textures, its deviation from the scan, the scan's ``change`` against each
    previous scan ((values, measured) per scan vertex, :func:`vtour.model.change.scan_change`)
    carried to its vertices, with its statistics under each scan's ``limits``; its .glb file(s) in
    ``folder`` (the uncompressed one too with ``uncompressed``); its report entry and its change
    statistics per previous scan.

    Deviation is measured, and change carried (by the scan regions of the deviation heat map), on
    the positions a viewer decodes (:func:`dequantized`); the same per-vertex values go into the
    file as its heat maps.
    """
    textures = level_textures(mesh, level, options.texture_format, options.texture_quality, cache)
    decoded = dequantized(mesh, options.position_bits)
    deviation = measure_deviation(
        scan,
        decoded,
        scan_surface=scan_surface,
        samples=options.deviation_samples,
        seed=k,
    )
    attributes, stats = {}, []
    carried = carried_to_level(
        change, scan, scan_surface, deviation.scan_vertices, deviation.nearest, decoded.positions
    )
    for j, ((values, measured), lim) in enumerate(zip(carried, limits)):
        stats.append(level_change(values, decoded.positions, decoded.faces, lim, measured))
        attributes[f"_CHANGE_{j}"] = with_sentinel(values, measured)
    encode = partial(
        encode_glb,
        mesh,
        textures,
        position_bits=options.position_bits,
        deviation=deviation.per_vertex,
        attributes=attributes,
        metadata=metadata,
    )
    data = encode(compress=True)
    (folder / level_file(k)).write_bytes(data)
    entry = level_entry(k, level, mesh, simplified, textures, deviation, len(data))
    if uncompressed:
        plain = encode(compress=False, plain=True)  # core glTF floats: Blender and MeshLab read it
        (folder / level_file(k, compressed=False)).write_bytes(plain)
        entry.update(uncompressed_entry(k, len(plain)))
    log.info(
        "model: lod%d: %d triangles, %d bytes, Hausdorff %.3g%% of the diagonal",
        k,
        mesh.triangle_count,
        len(data),
        100 * deviation.as_dict()["hausdorff_fraction"],
    )
    return entry, stats
