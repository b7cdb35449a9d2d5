"""Synthetic collections: museum-like objects with scans, photos and en/zh documentation, any size.

``write_synthetic_collection(folder, n, seed=0)`` writes::

    folder/collection.yaml               id ``synthetic``, texts in every language asked (written last)
    folder/models/<id>.ply               an untextured scan: binary PLY, sRGB vertex colours
    folder/models/<id>.obj (.mtl, <id>_0.png)   a textured scan (the sample statue, the fuze bottle, the avocado)
    folder/photos/<id>-<j>.jpg           PHOTO_SIZE photos: the scan rendered (turned 360/images_per_object
                                         degrees each), its number drawn in the corner
    folder/objects.csv                   with ``csv=True``: the second half of the objects, read through the
                                         ``csv:`` mapping of collection.yaml (COLUMNS)

Each object is its own scan file: a variant of a base mesh (:data:`KINDS`: the sample statue, vessels
turned on a lathe, and, given ``meshes`` (the shared data folder ``meshes/``), the Stanford bunny,
the fuze bottle, Lee Perry-Smith's head and the avocado) scaled to a size its type has, stretched
non-uniformly, twisted and tinted. Units are metres, except one object in five in centimetres (its
coordinates multiplied by 100); dimensions are measured on the scan written.

Object ``k``'s texts depend on ``(seed, k)`` alone (every random draw is one row of a table drawn for
all ``n``): a collection of 50 is the first 50 of one of 1,000, and :func:`synthetic_objects` (the
same texts, no media: 100,000 objects in seconds, for the catalogue benchmark) agrees with the files.
The same arguments write the same bytes.

The vocabulary and the texts are :mod:`vtour.collection.synthetic_text`'s (imported here too); this
module makes the meshes and photos and writes the files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import yaml

from vtour.collection.synthetic_text import (
    ASPECT,
    COLLECTION_ID,
    COLUMNS,
    DEFAULT_RIGHTS,
    ERAS,
    KINDS,
    MATERIALS,
    MUSEUMS,
    PERIODS,
    REMARKS,
    RIGHTS,
    TAGS,
    _csv_text,
    _draws,
    _extent,
    _record,
    collection_header,
    csv_columns,
    kinds,
    synthetic_objects,
)
from vtour.errors import VtourError
from vtour.images import write_image
from vtour.model.mesh import Material, Mesh
from vtour.output import merge_staged, staging
from vtour.render.sampling import srgb_to_linear

STEP = "sample"
PHOTO_SIZE = (1200, 900)  # width, height, px
STATUE_TRIANGLES = 30_000
TEXTURE_SIZE = 256  # longest side of a textured variant's base-colour map, px
BUNNY_TRIANGLES = 12_000

#: Lathe profiles, (radius, height) on a unit height, bottom to top (a radius near 0 closes an end).
PROFILES = {
    "ding": ((0.001, 0.18), (0.35, 0.18), (0.5, 0.3), (0.56, 0.6), (0.52, 0.8), (0.6, 0.86), (0.56, 0.88)),
    "zun": ((0.001, 0.0), (0.25, 0.0), (0.22, 0.1), (0.3, 0.35), (0.2, 0.55), (0.25, 0.75), (0.45, 1.0)),
    "gui": ((0.001, 0.0), (0.3, 0.0), (0.32, 0.15), (0.28, 0.2), (0.5, 0.45), (0.55, 0.7), (0.5, 0.85)),
    "vase": ((0.001, 0.0), (0.2, 0.0), (0.22, 0.1), (0.35, 0.55), (0.38, 0.75), (0.2, 0.9), (0.1, 0.93), (0.12, 1.0)),
    "bowl": ((0.001, 0.0), (0.2, 0.0), (0.22, 0.08), (0.45, 0.3), (0.6, 0.5)),
    "mirror": ((0.001, 0.0), (0.5, 0.0), (0.5, 0.04), (0.45, 0.05), (0.1, 0.05), (0.08, 0.09), (0.001, 0.1)),
}


# --- meshes --------------------------------------------------------------------------------------------


def _turned(profile, relief: int, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions (rows*cols, 3), faces) of ``profile`` ((radius, height) bottom to top, corners
    rounded by three rounds of Chaikin's cutting) turned about +Y, ``relief`` lobes around the body;
    faces counter-clockwise seen from outside."""
    points = np.asarray(profile, np.float64)
    for _ in range(3):
        cut = np.stack([0.75 * points[:-1] + 0.25 * points[1:], 0.25 * points[:-1] + 0.75 * points[1:]], 1)
        points = np.vstack([points[:1], cut.reshape(-1, 2), points[-1:]])
    arc = np.concatenate([[0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    t = np.linspace(0, 1, rows)
    r, y = np.interp(t * arc[-1], arc, points[:, 0]), np.interp(t * arc[-1], arc, points[:, 1])
    phi = np.linspace(0, 2 * np.pi, cols, endpoint=False)
    rr = r[:, None] * (1 + 0.015 * np.sin(relief * phi)[None, :] * np.sin(np.pi * t)[:, None])
    pos = np.stack([rr * np.sin(phi), np.broadcast_to(y[:, None], rr.shape), rr * np.cos(phi)], -1).reshape(-1, 3)
    ids = np.arange(rows * cols).reshape(rows, cols)
    a, b = ids[:-1], np.roll(ids, -1, axis=1)[:-1]
    c, d = ids[1:], np.roll(ids, -1, axis=1)[1:]
    return pos, np.concatenate([np.stack([a, b, d], -1).reshape(-1, 3), np.stack([a, d, c], -1).reshape(-1, 3)])


#: A ding's leg (turned like the body), and where its three legs stand (radius; angles, degrees).
LEG = ((0.02, 0.0), (0.07, 0.0), (0.05, 0.1), (0.06, 0.2), (0.02, 0.2))
LEGS_AT = (0.3, (90.0, 210.0, 330.0))


def _lathe(kind: str, colour: Sequence[int], rng: np.random.Generator, rows: int = 48, cols: int = 96) -> Mesh:
    """A vessel turned on a lathe from PROFILES[kind], unit height, +Y up (a mirror faces +Z, a
    ding stands on three legs), with sRGB ``colour`` mottled as a patina."""
    pos, faces = _turned(PROFILES[kind], int(rng.integers(6, 16)), rows, cols)
    if kind == "ding":
        parts, part_faces = [pos], [faces]
        radius, angles = LEGS_AT
        for angle in np.radians(angles):
            leg, leg_faces = _turned(LEG, 0, 12, 16)
            part_faces.append(leg_faces + sum(len(p) for p in parts))
            parts.append(leg + np.array([radius * np.sin(angle), 0.0, radius * np.cos(angle)]))
        pos, faces = np.concatenate(parts), np.concatenate(part_faces)
    if kind == "mirror":
        pos = np.stack([pos[:, 0], pos[:, 2] + 0.5, pos[:, 1]], -1)  # the disc stands, its face to +Z
    shade = 1 + 0.12 * rng.standard_normal(len(pos)) + 0.1 * np.sin(pos[:, 1] * 40)
    rgb = np.clip(np.asarray(colour, np.float64)[None] * shade[:, None], 0, 255).astype(np.uint8)
    return _coloured(pos, faces, rgb, f"vtour synthetic {kind}")


def _coloured(pos: np.ndarray, faces: np.ndarray, rgb8: np.ndarray, source: str) -> Mesh:
    rgba = np.concatenate([rgb8, np.full((len(rgb8), 1), 255, np.uint8)], 1)
    return Mesh(positions=pos, faces=faces.astype(np.int64), colors=srgb_to_linear(rgba), units="m", source=source)


def _base_mesh(kind: str, meshes: Path | None, colour: Sequence[int], cache: dict) -> Mesh:
    """Kind's base mesh (cached), +Y up, untextured ones with ``colour`` vertex colours."""
    source = KINDS[kind][5]
    if source == "lathe":
        return _lathe(kind, colour, np.random.default_rng(list(KINDS).index(kind)))
    if source not in cache:
        if source == "statue":
            from vtour.sample.statue import statue

            cache[source] = statue(np.random.default_rng(0), STATUE_TRIANGLES, TEXTURE_SIZE)
        else:
            from vtour.model.io import read_mesh

            mesh = read_mesh(Path(meshes) / source, units="m")  # type: ignore[arg-type]
            if source.endswith("bunny.obj"):
                from vtour.model.simplify import simplify_mesh

                mesh = simplify_mesh(mesh, BUNNY_TRIANGLES)[0]
            if source.startswith("fuze/"):  # the bottle stands on +Z: turn it upright (+Y)
                p = mesh.positions
                mesh = mesh.replace(positions=np.stack([p[:, 0], p[:, 2], -p[:, 1]], -1))
            mesh = mesh.replace(materials=tuple(_small(m) for m in mesh.materials), normals=None)
            cache[source] = mesh
    mesh = cache[source]
    if mesh.textured:
        return mesh
    rng = np.random.default_rng(len(mesh.positions))
    shade = 1 + 0.1 * rng.standard_normal(len(mesh.positions))
    rgb = np.clip(np.asarray(colour, np.float64)[None] * shade[:, None], 0, 255).astype(np.uint8)
    return _coloured(mesh.positions, mesh.faces, rgb, mesh.source)


def _small(material: Material) -> Material:
    """The base colour only, its map at most TEXTURE_SIZE px: small synthetic files."""
    tex = material.texture
    if tex is not None and max(tex.shape[:2]) > TEXTURE_SIZE:
        f = TEXTURE_SIZE / max(tex.shape[:2])
        tex = cv2.resize(tex[..., :3], (round(tex.shape[1] * f), round(tex.shape[0] * f)), interpolation=cv2.INTER_AREA)
    return Material(material.name, base_color=material.base_color, texture=tex)


def _variant(mesh: Mesh, rng: np.random.Generator, extent_m: np.ndarray) -> Mesh:
    """``mesh`` scaled to ``extent_m`` (x, y, z metres), standing on y = 0 centred on the Y axis, then
    twisted about +Y and bent along +X a little, its colours (or texture) tinted."""
    lo, hi = mesh.bounds
    p = (mesh.positions - [(lo[0] + hi[0]) / 2, lo[1], (lo[2] + hi[2]) / 2]) / np.maximum(hi - lo, 1e-9)
    p = p * extent_m
    s = p[:, 1] / extent_m[1]  # 0 at the foot, 1 at the top
    twist = rng.uniform(-0.35, 0.35) * s
    x, z = p[:, 0] * np.cos(twist) - p[:, 2] * np.sin(twist), p[:, 0] * np.sin(twist) + p[:, 2] * np.cos(twist)
    x = x + rng.uniform(-0.06, 0.06) * extent_m[1] * s**2
    tint = rng.uniform(0.85, 1.15, 3)
    out = mesh.replace(positions=np.stack([x, p[:, 1], z], -1))
    if mesh.colors is not None:
        colors = mesh.colors.copy()
        colors[:, :3] = np.clip(colors[:, :3] * tint.astype(np.float32), 0, 1)
        out = out.replace(colors=colors)
    materials = []
    for m in mesh.materials:
        tex = None if m.texture is None else np.clip(m.texture[..., :3] * tint, 0, 255).astype(np.uint8)
        materials.append(Material(m.name, base_color=m.base_color, texture=tex))
    return out.replace(materials=tuple(materials))


def write_ply(mesh: Mesh, path: Path) -> Path:
    """``mesh`` as binary little-endian PLY: float32 x y z, sRGB uchar red green blue, triangles."""
    from vtour.render.sampling import linear_to_srgb

    vertex = np.empty(len(mesh.positions), [("p", "<f4", 3), ("c", "u1", 3)])
    vertex["p"] = mesh.positions
    vertex["c"] = 180 if mesh.colors is None else linear_to_srgb(mesh.colors[:, :3])
    face = np.empty(len(mesh.faces), [("k", "u1"), ("i", "<i4", 3)])
    face["k"], face["i"] = 3, mesh.faces
    header = (
        "ply\nformat binary_little_endian 1.0\ncomment vtour synthetic collection, units: "
        f"{mesh.units}\nelement vertex {len(vertex)}\nproperty float x\nproperty float y\nproperty float z\n"
        "property uchar red\nproperty uchar green\nproperty uchar blue\n"
        f"element face {len(face)}\nproperty list uchar int vertex_indices\nend_header\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header.encode("ascii") + vertex.tobytes() + face.tobytes())
    return path


def _photo(mesh: Mesh, number: int, angle: float) -> np.ndarray:
    """(h, w, 3) uint8 PHOTO_SIZE: ``mesh`` turned ``angle`` radians about +Y and rendered
    (:func:`vtour.tour.iiif.render_thumbnail`), on its grey ground, ``number`` drawn bottom left."""
    from vtour.tour.iiif import BACKGROUND, render_thumbnail

    c, s = math.cos(angle), math.sin(angle)
    p = mesh.positions
    turned = mesh.replace(positions=np.stack([c * p[:, 0] + s * p[:, 2], p[:, 1], -s * p[:, 0] + c * p[:, 2]], -1))
    w, h = PHOTO_SIZE
    side = h * 5 // 6
    render = cv2.resize(render_thumbnail(turned, side // 2), (side, side), interpolation=cv2.INTER_CUBIC)
    image = np.empty((h, w, 3), np.uint8)
    image[:] = BACKGROUND
    top, left = (h - side) // 2, (w - side) // 2
    image[top : top + side, left : left + side] = render
    cv2.putText(image, f"No. {number}", (40, h - 40), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (60, 50, 40), 4, cv2.LINE_AA)
    return image


# --- the collection --------------------------------------------------------------------------------------


def write_synthetic_collection(
    folder: str | Path,
    n: int,
    *,
    seed: int = 0,
    languages: Sequence[str] = ("en", "zh"),
    meshes: str | Path | None = None,
    images_per_object: int = 1,
    csv: bool = False,
    collection_id: str = COLLECTION_ID,
) -> Path:
    """Write a collection of ``n`` objects into ``folder`` (module docstring); returns collection.yaml.

    ``meshes``: the shared data's ``meshes/`` folder (else the statue and lathe-turned vessels only);
    ``csv``: the second half of the objects in objects.csv; ``collection_id``: its id (and a title
    naming it, when not the default). Files are staged and moved in when all
    are written, collection.yaml last; existing files of the same names are replaced.
    """
    folder = Path(folder)
    meshes = None if meshes is None else Path(meshes)
    languages = tuple(languages)
    for name, value, least in (
        ("n", n, 1),
        ("images_per_object", images_per_object, 0),
        ("languages", len(languages), 1),
    ):
        if value < least:
            raise VtourError(STEP, f"synthetic collection: {name} {value} is below the minimum of {least}", value=value)
    kind_list = kinds(meshes)
    draws = _draws(n, seed)
    doc = collection_header(languages, collection_id)
    objects: list[dict] = []
    cache: dict = {}
    with staging(folder, step=STEP) as stage:
        for k in range(n):
            kind = kind_list[k % len(kind_list)]
            materials = KINDS[kind][2]
            colour = MATERIALS[materials[int(draws[k][2] * len(materials))]][1]
            mesh = _variant(
                _base_mesh(kind, meshes, colour, cache),
                np.random.default_rng([seed, k]),
                np.array(_extent(kind, draws[k])),
            )
            rec = _record(k, draws[k], kind_list, languages, np.ptp(mesh.bounds, axis=0) * 100)
            centimetres = draws[k][11] < 0.2 and not mesh.textured
            scan = mesh.replace(positions=mesh.positions * 100, units="cm") if centimetres else mesh
            oid = rec["id"]
            if mesh.textured:
                from vtour.model.obj import write_obj

                rel = f"models/{oid}.obj"
                write_obj(
                    scan, stage / rel, position_format="%.6g", uv_format="%.6f", comment="vtour synthetic, units: m"
                )
            else:
                rel = f"models/{oid}.ply"
                write_ply(scan, stage / rel)
            images = []
            for j in range(images_per_object):
                photo = f"photos/{oid}-{j + 1}.jpg"
                (stage / "photos").mkdir(exist_ok=True)
                write_image(stage / photo, _photo(mesh, k + 1, 2 * math.pi * j / images_per_object), quality=88)
                images.append(photo)
            entry = {"id": oid, "title": rec.pop("title"), "model": rel}
            if centimetres:
                entry["units"] = "cm"
            entry["images"] = images
            entry.update({key: value for key, value in rec.items() if key != "id"})
            objects.append(entry)
        in_csv = objects[n - n // 2 :] if csv else []
        doc["objects"] = objects[: n - len(in_csv)]
        if in_csv:
            columns = csv_columns(languages)
            (stage / "objects.csv").write_text(_csv_text(in_csv, columns, languages[0]), encoding="utf-8")
            doc["csv"] = {"file": "objects.csv", "delimiter": ",", "list_separator": "|", "columns": columns}
        header = f"# a synthetic collection written by vtour: {n} objects, seed {seed}\n"
        body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
        (stage / "collection.yaml").write_text(header + body, encoding="utf-8")
        merge_staged(stage, folder, step=STEP, force=True, last="collection.yaml")
    return folder / "collection.yaml"


__all__ = [
    "ASPECT",
    "BUNNY_TRIANGLES",
    "COLLECTION_ID",
    "COLUMNS",
    "DEFAULT_RIGHTS",
    "ERAS",
    "KINDS",
    "LEG",
    "LEGS_AT",
    "MATERIALS",
    "MUSEUMS",
    "PERIODS",
    "PHOTO_SIZE",
    "PROFILES",
    "REMARKS",
    "RIGHTS",
    "STATUE_TRIANGLES",
    "STEP",
    "TAGS",
    "TEXTURE_SIZE",
    "collection_header",
    "csv_columns",
    "kinds",
    "synthetic_objects",
    "write_ply",
    "write_synthetic_collection",
]
