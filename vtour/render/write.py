"""``vtour render``: panoramas of a scanned space at chosen viewpoints, written to a folder.

Output (atomic: all of it or nothing)::

    DIR/<name>.jpg          equirect panorama, W x W/2, sRGB
    DIR/<name>_depth.png    with depth=True: 16-bit grey PNG, distance from the viewpoint along
                            each pixel-centre ray in millimetres of the mesh's units (1 = 1 mm
                            for a mesh in metres), 0 = nothing hit, 65535 = 65.535 m or farther
    DIR/links.json          viewpoints, the (yaw, pitch), distance and line of sight from each
                            viewpoint to every other one, and the render speed
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from vtour.errors import VtourError
from vtour.images import write_image
from vtour.model.io import read_mesh
from vtour.output import atomic_dir
from vtour.render.raycast import render_equirect
from vtour.render.scene import STEP, prepare_scene
from vtour.render.sight import links_between

log = logging.getLogger(__name__)
MARKER = "links.json"
#: Depth PNG: millimetres per mesh unit, and the largest value a 16-bit sample holds.
DEPTH_SCALE = 1000.0
DEPTH_MAX = 65535


@dataclass(frozen=True)
class RenderOptions:
    """Options of :func:`write_renders`; the CLI's defaults are these.

    width : panorama width in px (even); height is width / 2
    supersample : rays per refined pixel along each axis
    adaptive : refine only edge pixels (False: every pixel)
    depth : also write <name>_depth.png
    headlight : lamp-at-camera shading strength in [0, 1]; 0 keeps a scan's baked texture as is
    background : sRGB colour where no surface is hit
    quality : JPEG quality
    """

    width: int = 4096
    supersample: int = 2
    adaptive: bool = True
    depth: bool = False
    headlight: float = 0.0
    background: tuple[int, int, int] = (0, 0, 0)
    quality: int = 90

    def replace(self, **changes) -> RenderOptions:
        return replace(self, **changes)


DEFAULT_RENDER_OPTIONS = RenderOptions()


@dataclass(frozen=True)
class RenderResult:
    out_dir: Path
    files: tuple[Path, ...]
    links: dict = field(default_factory=dict)
    rays: int = 0
    seconds: float = 0.0

    @property
    def rays_per_second(self) -> float:
        return self.rays / max(self.seconds, 1e-9)


def parse_point(text: str) -> tuple[float, float, float]:
    """``"X,Y,Z"`` -> three floats; VtourError naming the value otherwise."""
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or not all(np.isfinite(values)):
        raise VtourError(
            STEP, "a viewpoint is three numbers X,Y,Z", field="--at", value=text, fix="write it like --at 0,1.6,2.5"
        )
    return values


def default_names(count: int) -> list[str]:
    return [f"view{k + 1}" for k in range(count)]


def encode_depth(depth: np.ndarray) -> np.ndarray:
    """(H, W) float32 distances -> (H, W) uint16 millimetres (0 = no hit, clipped at 65535)."""
    mm = np.where(np.isfinite(depth), np.round(depth * DEPTH_SCALE), 0)
    return np.clip(mm, 0, DEPTH_MAX).astype(np.uint16)


def write_renders(
    mesh, viewpoints, out_dir, options: RenderOptions = DEFAULT_RENDER_OPTIONS, names: list[str] | None = None
) -> RenderResult:
    """Render a panorama at each viewpoint of ``mesh`` (a Mesh or a path read by
    :func:`vtour.model.read_mesh`) into ``out_dir``. Returns the files, links and speed."""
    if isinstance(mesh, (str, Path)):
        mesh = read_mesh(mesh)
    points = np.asarray(viewpoints, np.float64).reshape(-1, 3)
    if len(points) == 0:
        raise VtourError(STEP, "no viewpoint given", field="--at", fix="add --at X,Y,Z")
    names = list(names) if names else default_names(len(points))
    if len(names) != len(points):
        raise VtourError(
            STEP,
            f"{len(names)} names for {len(points)} viewpoints",
            field="--names",
            value=",".join(names),
            fix="give one name per --at",
        )
    bad = [n for n in names if not re.fullmatch(r"[A-Za-z0-9_-]+", n)]
    if bad or len(set(names)) != len(names):
        raise VtourError(
            STEP, "names must be unique and use letters, digits, - and _ only", field="--names", value=",".join(names)
        )
    scene = prepare_scene(mesh)
    lo, hi = mesh.bounds
    outside = [n for n, p in zip(names, points) if (p < lo).any() or (p > hi).any()]
    if outside:
        log.warning(
            "render: viewpoint(s) %s lie outside the mesh's bounding box %s..%s; "
            "the panorama will look at the scan from outside",
            ", ".join(outside),
            np.round(lo, 3).tolist(),
            np.round(hi, 3).tolist(),
        )
    links = links_between(scene, points)
    rays, seconds, files = 0, 0.0, []
    with atomic_dir(out_dir, marker=MARKER, step=STEP) as tmp:
        for name, point in zip(names, points):
            stats: dict = {}
            rgb, depth = render_equirect(
                scene,
                point,
                options.width,
                supersample=options.supersample,
                depth=options.depth,
                adaptive=options.adaptive,
                headlight=options.headlight,
                background=options.background,
                stats=stats,
            )
            rays += stats["rays"]
            seconds += stats["seconds"]
            log.info(
                "render: %s at %s: %dx%d, %.1f M rays in %.1f s (%.2f M rays/s)",
                name,
                np.round(point, 3).tolist(),
                rgb.shape[1],
                rgb.shape[0],
                stats["rays"] / 1e6,
                stats["seconds"],
                stats["rays_per_second"] / 1e6,
            )
            write_image(tmp / f"{name}.jpg", rgb, quality=options.quality)
            files.append(f"{name}.jpg")
            if depth is not None:
                write_image(tmp / f"{name}_depth.png", encode_depth(depth))
                files.append(f"{name}_depth.png")
        doc = links_document(names, points, links, mesh_units=mesh.units, options=options, rays=rays, seconds=seconds)
        (tmp / MARKER).write_text(json.dumps(doc, indent=2) + "\n")
    out = Path(out_dir).absolute()
    return RenderResult(out, tuple(out / f for f in [*files, MARKER]), doc["links"], rays, seconds)


def links_document(names, points, links, *, mesh_units: str, options: RenderOptions, rays: int, seconds: float) -> dict:
    """The content of links.json (plain JSON types)."""
    return {
        "viewpoints": [{"name": n, "position": [round(float(v), 6) for v in p]} for n, p in zip(names, points)],
        "links": [
            {
                "from": names[i],
                "to": names[j],
                "yaw": round(s.yaw, 4),
                "pitch": round(s.pitch, 4),
                "distance": round(s.distance, 6),
                "visible": s.visible,
                "blocked_at": None if s.visible else round(s.hit_distance, 6),
            }
            for (i, j), s in sorted(links.items())
        ],
        "units": mesh_units,
        "depth": (
            {
                "file": "<name>_depth.png",
                "format": "16-bit grey PNG",
                "scale": 1 / DEPTH_SCALE,
                "meaning": "distance along the pixel-centre ray = value * scale, in the mesh's units; 0 = nothing hit",
            }
            if options.depth
            else None
        ),
        "width": options.width,
        "supersample": options.supersample,
        "rays": int(rays),
        "seconds": round(seconds, 3),
        "rays_per_second": round(rays / max(seconds, 1e-9)),
    }
