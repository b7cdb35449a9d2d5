"""``build_model``: one scan file -> ``lod<k>.glb`` (coarse to fine) and ``report.json``.

The build reads like its table of contents: read -> clean -> chain of levels -> the levels worth a
file (:func:`vtour.model.lod.written_levels`) -> per level: textures, quantized .glb, deviation ->
report. The output folder is written atomically.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from vtour.model.clean import CleanOptions, clean_mesh
from vtour.model.deviation import Surface, measure_deviation
from vtour.model.glb import Texture, encode_glb, quantize_positions
from vtour.model.io import read_mesh
from vtour.model.lod import Level, build_chain, written_levels
from vtour.model.mesh import DATA_ROLES, Mesh
from vtour.model.options import DEFAULT_MODEL_OPTIONS, ModelOptions
from vtour.model.report import dumps, level_entry, level_file, model_report, uncompressed_entry
from vtour.model.simplify import SimplifyResult
from vtour.model.texture import encode_map, resize_normal_map, resize_texture
from vtour.output import atomic_dir

log = logging.getLogger(__name__)


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


def build_model(source: str | Path, out_dir: str | Path, options: ModelOptions = DEFAULT_MODEL_OPTIONS) -> ModelResult:
    """Turn one scan into a chain of .glb levels of detail and a deviation report.

    Parameters
    ----------
    source : path to an OBJ, PLY, STL, glTF or GLB scan
    out_dir : folder for ``lod<k>.glb`` (k = 0 coarsest) and ``report.json``; replaced atomically.
        A level identical to the coarser one before it, or simplified to no triangles, is not
        written (report.json's ``levels_left_out`` says which and why), so there may be fewer
        files than ``options.lods``; they are numbered without gaps.
    options : ModelOptions

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
    written, left_out = written_levels(levels, chain)
    metadata = {
        "title": options.title or source.stem,
        "source": source.name,
        "units": cleaned.units,
        "licence": options.licence,
    }
    scan_surface = Surface(scan.positions, scan.faces)
    cache: dict = {}
    with atomic_dir(out_dir, marker="report.json", step="model") as tmp:
        lods = [
            write_level(tmp, k, levels[i], *chain[i], scan, scan_surface, metadata, options, cache)
            for k, i in enumerate(written)
        ]
        report = model_report(
            source, metadata, scan, cleaning, lods, options, time.perf_counter() - start, left_out=left_out
        )
        text = dumps(report)
        (tmp / "report.json").write_text(text)
    scan_surface.dispose()
    files = tuple(Path(out_dir) / lod["file"] for lod in lods)
    return ModelResult(Path(out_dir), files, json.loads(text))


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
) -> dict:
    """Level ``k``: its textures, its deviation from the scan, its .glb file(s) in ``folder``; its
    report entry.

    Deviation is measured on the positions a viewer decodes (:func:`dequantized`), and the same
    per-vertex distances go into the file as its heat map.
    """
    textures = level_textures(mesh, level, options.texture_format, options.texture_quality, cache)
    deviation = measure_deviation(
        scan,
        dequantized(mesh, options.position_bits),
        scan_surface=scan_surface,
        samples=options.deviation_samples,
        seed=k,
    )
    encode = partial(
        encode_glb,
        mesh,
        textures,
        position_bits=options.position_bits,
        deviation=deviation.per_vertex,
        metadata=metadata,
    )
    data = encode(compress=True)
    (folder / level_file(k)).write_bytes(data)
    entry = level_entry(k, level, mesh, simplified, textures, deviation, len(data))
    if options.uncompressed:
        plain = encode(compress=False)
        (folder / level_file(k, compressed=False)).write_bytes(plain)
        entry.update(uncompressed_entry(k, len(plain)))
    log.info(
        "model: lod%d: %d triangles, %d bytes, Hausdorff %.3g%% of the diagonal",
        k,
        mesh.triangle_count,
        len(data),
        100 * deviation.as_dict()["hausdorff_fraction"],
    )
    return entry
