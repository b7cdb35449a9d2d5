"""An object's six orthographic views, its turntable strip and its thumbnail, ray cast from its scan.

Conventions, written once here and pinned by ``tests/test_collection_views.py``:

Axes
    glTF's frame: +Y up, the object's front faces +Z. Each view is orthographic and square; its image
    (row 0 at the top) has these axes, and the camera looks along ``cross(up, right)``::

        view    camera on   image right   image up
        front      +Z           +X           +Y
        back       -Z           -X           +Y
        left       -X           +Z           +Y     the object's left side, seen from the viewer's left
        right      +X           -Z           +Y
        top        +Y           +X           -Z     the front at the bottom of the image
        bottom     -Y           +X           +Z     the front at the top

Scale
    All six views share one scale, so they compare: the bounding box's largest extent fills
    ``VIEW_FILL`` of the side, its centre at the image centre. With known units,
    ``metresPerPixel = largest extent * metres per unit / (VIEW_FILL * size)``.

Turntable
    Frame k of ``frames`` is the camera at angle ``360 * k / frames`` degrees around +Y through the
    box's centre, counter-clockwise seen from above: the camera sits on ``(sin a, 0, cos a)``, image
    right is ``(cos a, 0, -sin a)``, up +Y. Frame 0 is the front view, frame ``frames / 4`` (90 deg,
    camera on +X) the right view, ``frames / 2`` the back. The frames share one scale too: the
    object's widest radius about that axis (twice it) or its height, whichever is larger, fills
    ``VIEW_FILL``, so no turn crops it; the strip is the frames side by side, frame 0 at the left.

Light
    Neutral and alike in every view: ``AMBIENT`` plus a light along the view direction
    (``colour * (AMBIENT + (1 - AMBIENT) * |cos incidence|)``), on a ``BACKGROUND`` grey. Texture and
    vertex colours come from :func:`vtour.render.scene.shade`, averaged in linear light.

Antialiasing
    One ray per pixel centre; pixels on a geometric edge (a silhouette, a material boundary or a
    depth step of ``DEPTH_EDGE`` px) are cast again with ``SUPERSAMPLE x SUPERSAMPLE`` stratified
    rays and take their mean (a box filter). Textures need no more: the ray cone picks their
    prefiltered level. Rays are cast only inside the projected bounding box; the rest is background.

Scale bar
    Bottom-left on each of the six views, when the units are known: the round length 1, 2 or 5 x 10^k
    metres nearest (in ratio) to a quarter of the side, drawn ``round(metres / metresPerPixel)`` px
    long in dark grey with its label ("10 cm", "1 m", "5 mm") above it, on a light box. The label's
    font is Pillow's own (``ImageFont.load_default``, basic layout), not a system font, so a Dask
    worker writes the same bytes as any other machine. Unknown units: no bar, and views.json's
    ``metresPerPixel`` and ``scaleBar`` are null.

Files (:func:`write_views`), deterministic (same input and Pillow, same bytes; no timestamps)::

    views/{front,back,left,right,top,bottom}.jpg   size x size, with the scale bar
    turntable.jpg                                 (turntable_size, turntable_size * frames)
    thumb.jpg                                     THUMB_SIZE: the front view without the bar
    thumb-small.jpg                               THUMB_SMALL_SIZE: thumb.jpg reduced (catalogue cards' srcset)
    views/small/{front,...}.jpg                   SMALL_VIEW_SIZE (at most size): each view reduced, bar included
                                                  (the object page's view buttons: 96 CSS px at 2x)
    views.json                                    :func:`write_views`'s summary

Cost (CPU time on one core, the sample statue at 100 k triangles with a 1024 px texture): building
the scene 0.05 s, six 1024 px views 1.35 s, 24 turntable frames at 256 px 0.5 s, all of
:func:`write_views` 1.9-2.0 s; most of it is :func:`~vtour.render.scene.shade`'s texture sampling.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from vtour.conventions import UNIT_METRES
from vtour.errors import VtourError
from vtour.model.mesh import Mesh
from vtour.output import atomic_dir
from vtour.render.raycast import CHUNK_RAYS
from vtour.render.sampling import linear_to_srgb, srgb_to_linear
from vtour.render.scene import RenderScene, prepare_scene, shade

log = logging.getLogger(__name__)

STEP = "views"
VIEW_NAMES = ("front", "back", "left", "right", "top", "bottom")
DEFAULT_VIEW_SIZE = 1024
DEFAULT_TURNTABLE_FRAMES = 24
DEFAULT_TURNTABLE_SIZE = 256
THUMB_SIZE = 320
#: The small thumbnail's side (px): a catalogue card at 1x, so a first page of 24 cards stays light.
THUMB_SMALL_SIZE = 160
#: The small views' side (px), at most the views' size: the object page's 96 CSS px view buttons at 2x.
SMALL_VIEW_SIZE = 192
#: Share of the side that the bounding box's largest extent fills.
VIEW_FILL = 0.8
#: Smallest and largest side in px: a scale bar needs room; 8192 px is 67 M rays, minutes per view.
MIN_SIZE, MAX_SIZE = 16, 8192
#: Most turntable frames, and the widest strip: JPEG stores at most 65535 px a side.
MAX_FRAMES, MAX_STRIP = 720, 65535
#: Rays per pixel along each axis on the pixels that are refined.
SUPERSAMPLE = 2
#: A depth step between neighbouring pixels, in pixels, that makes both edge pixels (refined): an
#: occluding contour, or a surface steeper than atan(8) = 83 deg to the image (a lower threshold
#: refines the whole rim of every rounded form: 2.5 x the rays on the sample statue, for no visible
#: gain). Colour steps and creases are left alone: the ray cone prefilters textures.
DEPTH_EDGE = 8.0
#: Neutral light: the ambient share; the rest comes from a light along the view direction.
AMBIENT = 0.5
BACKGROUND = (236, 236, 236)
JPEG_QUALITY = 90
#: The scale bar's length, as a share of the side, before rounding to 1, 2 or 5 x 10^k metres.
SCALE_BAR_SHARE = 0.25
BAR_COLOUR, BOX_COLOUR, BOX_OUTLINE = (32, 32, 32), (250, 250, 250), (190, 190, 190)
#: (image right, image up) of each view, glTF axes (module docstring).
VIEW_AXES: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "front": ((1, 0, 0), (0, 1, 0)),
    "back": ((-1, 0, 0), (0, 1, 0)),
    "left": ((0, 0, 1), (0, 1, 0)),
    "right": ((0, 0, -1), (0, 1, 0)),
    "top": ((1, 0, 0), (0, 0, -1)),
    "bottom": ((1, 0, 0), (0, 0, 1)),
}
#: The options a collection's ``views:`` block takes, with their defaults.
VIEW_OPTIONS = {
    "size": DEFAULT_VIEW_SIZE,
    "turntable": DEFAULT_TURNTABLE_FRAMES,
    "turntable_size": DEFAULT_TURNTABLE_SIZE,
}


# --- the subject and its cameras ---------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Subject:
    """A mesh ready to be photographed: its ray-casting scene, moved so that its bounding box's
    centre is the origin (float32 rays keep their precision far from the scan's origin).

    Attributes
    ----------
    scene : RenderScene of the moved mesh
    box : (2, 3) float64 min and max corner about the centre, mesh units
    axial_radius : float, the largest distance of a vertex from the vertical (Y) axis through the centre
    """

    scene: RenderScene
    box: np.ndarray
    axial_radius: float

    @property
    def extent(self) -> float:
        """The box's largest side (mesh units), never 0."""
        return float(np.ptp(self.box, axis=0).max()) or 1e-9


def prepare_subject(mesh: Mesh) -> Subject:
    """Build the scene of ``mesh`` recentred on its bounding box (faces' vertices only)."""
    used = mesh.positions[np.unique(mesh.faces)] if mesh.triangle_count else mesh.positions
    if not len(used):
        raise VtourError(STEP, "the mesh has no triangles", path=mesh.source or None)
    lo, hi = used.min(axis=0), used.max(axis=0)
    centre = (lo + hi) / 2
    moved = used - centre
    scene = prepare_scene(mesh.replace(positions=mesh.positions - centre))
    return Subject(scene, np.stack([lo - centre, hi - centre]), float(np.hypot(moved[:, 0], moved[:, 2]).max()))


def view_step(subject: Subject, size: int) -> float:
    """Mesh units per pixel of the six views: the largest extent fills VIEW_FILL of ``size``."""
    return subject.extent / (VIEW_FILL * size)


def turntable_step(subject: Subject, size: int) -> float:
    """Mesh units per pixel of the turntable: the widest turn or the height fills VIEW_FILL."""
    height = float(np.ptp(subject.box[:, 1]))
    return (max(2 * subject.axial_radius, height) or 1e-9) / (VIEW_FILL * size)


def turntable_axes(k: int, frames: int) -> tuple[np.ndarray, np.ndarray]:
    """(image right, image up) of turntable frame ``k``: the camera at ``360 k / frames`` deg about +Y."""
    a = 2 * math.pi * k / frames
    return np.array([math.cos(a), 0.0, -math.sin(a)]), np.array([0.0, 1.0, 0.0])


# --- rendering ---------------------------------------------------------------------------------


def render_orthographic(
    subject: Subject,
    right,
    up,
    step: float,
    size: int,
    *,
    light=None,
    ambient: float = AMBIENT,
    background=BACKGROUND,
    supersample: int = SUPERSAMPLE,
) -> np.ndarray:
    """One orthographic view of ``subject``, centred on its box's centre.

    Parameters
    ----------
    right, up : (3,) float, orthonormal: the image's axes in the mesh's frame; the camera looks
        along ``cross(up, right)``
    step : float, mesh units per pixel
    size : int, the side in px
    light : (3,) float unit direction towards the light, or None: along the view (a headlight)
    ambient : float in [0, 1], the share of the light that does not depend on the incidence
    background : (3,) uint8 sRGB
    supersample : int >= 1, rays per pixel along each axis on refined (edge) pixels

    Returns
    -------
    (size, size, 3) uint8 sRGB
    """
    right, up = np.asarray(right, np.float64), np.asarray(up, np.float64)
    forward = np.cross(up, right)
    towards_light = -forward if light is None else np.asarray(light, np.float64)
    radius = float(np.linalg.norm(subject.box[1]))
    # the rays start on a plane well in front of everything: shade() sizes a ray's footprint on the
    # surface as distance x cone, so a far plane keeps it within 1 +- 1/8 of a pixel at any depth
    distance = 8 * radius + step
    back = -forward * distance
    bg = srgb_to_linear(np.asarray(background, np.uint8).reshape(3))
    # pixels whose area meets the projected box: the rest is background without casting a ray
    corners = np.array(np.meshgrid(*subject.box.T, indexing="ij")).reshape(3, -1).T
    cols = corners @ right / step + size / 2
    rows = size / 2 - corners @ up / step
    c0, c1 = np.clip([math.floor(cols.min()) - 1, math.ceil(cols.max()) + 1], 0, size)
    r0, r1 = np.clip([math.floor(rows.min()) - 1, math.ceil(rows.max()) + 1], 0, size)
    image = np.empty((size, size, 3), np.uint8)
    image[:] = np.asarray(background, np.uint8)
    if c1 <= c0 or r1 <= r0:
        return image

    def cast(rr: np.ndarray, cc: np.ndarray, cone: float) -> tuple[np.ndarray, dict]:
        """Linear colours (bg on a miss) and hits of rays through fractional pixel positions."""
        rays = np.empty((len(rr), 6), np.float32)
        rays[:, :3] = back
        rays[:, :3] += ((cc - size / 2) * step).astype(np.float32)[:, None] * right.astype(np.float32)
        rays[:, :3] += ((size / 2 - rr) * step).astype(np.float32)[:, None] * up.astype(np.float32)
        rays[:, 3:] = forward
        hits = subject.scene.cast(rays)
        colour = shade(subject.scene, rays[:, 3:], hits, cone)
        hit = np.isfinite(hits["t_hit"])
        normal = hits["primitive_normals"][hit]
        facing = np.where(normal @ forward.astype(np.float32) > 0, -1, 1)  # double-sided: the side seen
        lit = ambient + (1 - ambient) * np.clip(facing * (normal @ towards_light.astype(np.float32)), 0, 1)
        colour[hit] *= lit[:, None].astype(np.float32)
        colour[~hit] = bg
        return colour, hits

    h, w = r1 - r0, c1 - c0
    colour = np.empty((h, w, 3), np.float32)
    t_map = np.empty((h, w), np.float32)
    material = np.empty((h, w), np.int16)
    band = max(1, CHUNK_RAYS // w)
    for b0 in range(0, h, band):
        b1 = min(h, b0 + band)
        rr, cc = np.meshgrid(np.arange(r0 + b0, r0 + b1) + 0.5, np.arange(c0, c1) + 0.5, indexing="ij")
        c, hits = cast(rr.ravel(), cc.ravel(), step / distance)
        miss = ~np.isfinite(hits["t_hit"])
        colour[b0:b1] = c.reshape(b1 - b0, w, 3)
        t_map[b0:b1] = hits["t_hit"].reshape(b1 - b0, w)
        m = subject.scene.face_material[np.where(miss, 0, hits["primitive_ids"]).astype(np.int64)]
        material[b0:b1] = np.where(miss, -1, m).reshape(b1 - b0, w)
    if supersample > 1:
        pixels = np.flatnonzero(_edges(material, t_map, DEPTH_EDGE * step))
        n = supersample * supersample
        offsets = (np.arange(supersample) + 0.5) / supersample
        oy, ox = (a.ravel() for a in np.meshgrid(offsets, offsets, indexing="ij"))
        flat = colour.reshape(-1, 3)
        per_chunk = max(1, CHUNK_RAYS // n)
        for p0 in range(0, len(pixels), per_chunk):
            p = pixels[p0 : p0 + per_chunk]
            rr = (r0 + p // w)[:, None] + oy
            cc = (c0 + p % w)[:, None] + ox
            c, _ = cast(rr.ravel(), cc.ravel(), step / supersample / distance)
            flat[p] = c.reshape(len(p), n, 3).mean(axis=1)
    image[r0:r1, c0:c1] = linear_to_srgb(colour)
    return image


def _edges(material: np.ndarray, depth: np.ndarray, threshold: float) -> np.ndarray:
    """(h, w) bool: pixels whose right or lower neighbour shows another surface: another material,
    no surface (a silhouette), or one nearer or farther by more than ``threshold`` (mesh units)."""
    flags = np.zeros(material.shape, bool)
    for a, b in (((slice(None, -1),), (slice(1, None),)), ((..., slice(None, -1)), (..., slice(1, None)))):
        with np.errstate(invalid="ignore"):  # inf - inf between two misses
            step = (material[a] != material[b]) | (np.abs(depth[a] - depth[b]) > threshold)
        flags[a] |= step
        flags[b] |= step
    return flags


def _views(subject: Subject, size: int) -> dict[str, np.ndarray]:
    step = view_step(subject, size)
    return {name: render_orthographic(subject, *VIEW_AXES[name], step, size) for name in VIEW_NAMES}


def render_views(mesh: Mesh, size: int, *, metres_per_unit: float | None) -> dict[str, np.ndarray]:
    """The six views of ``mesh`` (module docstring), with the scale bar when ``metres_per_unit`` is known.

    Returns
    -------
    {name: (size, size, 3) uint8 sRGB} in VIEW_NAMES order
    """
    _check_size(size, "size")
    _check_metres_per_unit(metres_per_unit)
    subject = prepare_subject(mesh)
    views = _views(subject, size)
    bar = _bar(subject, size, metres_per_unit)
    return {name: draw_scale_bar(rgb, bar) for name, rgb in views.items()} if bar else views


def _turntable(subject: Subject, size: int, frames: int) -> np.ndarray:
    step = turntable_step(subject, size)
    strip = [render_orthographic(subject, *turntable_axes(k, frames), step, size) for k in range(frames)]
    return np.concatenate(strip, axis=1)


def render_turntable(mesh: Mesh, size: int, frames: int) -> np.ndarray:
    """(size, size * frames, 3) uint8 sRGB: frame k (columns ``k * size ...``) is the camera at
    ``360 k / frames`` deg about +Y, counter-clockwise seen from above; frame 0 is the front view,
    frame ``frames / 4`` the right view (camera on +X). No scale bar."""
    _check_size(size, "turntable_size")
    _check_frames(frames, size, "frames")
    return _turntable(prepare_subject(mesh), size, frames)


# --- the scale bar ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleBar:
    """A round length and how it is drawn: ``pixels = round(metres / metres per pixel)``."""

    metres: float
    label: str
    pixels: int


def scale_bar(metres_per_pixel: float, size: int) -> ScaleBar:
    """The 1, 2 or 5 x 10^k metres nearest (in ratio) to SCALE_BAR_SHARE of ``size`` px."""
    target = metres_per_pixel * size * SCALE_BAR_SHARE
    k = math.floor(math.log10(target))
    candidates = [float(f"{m}e{e}") for e in (k, k + 1) for m in (1, 2, 5)]
    metres = min(candidates, key=lambda c: abs(math.log(c / target)))
    for unit, factor in (("km", 1000.0), ("m", 1.0), ("cm", 0.01), ("mm", 0.001)):
        if metres >= factor * (1 - 1e-9) or unit == "mm":
            label = f"{metres / factor:.6g} {unit}"
            break
    return ScaleBar(metres, label, round(metres / metres_per_pixel))


def draw_scale_bar(rgb: np.ndarray, bar: ScaleBar) -> np.ndarray:
    """A copy of the (size, size, 3) uint8 view with ``bar`` drawn bottom-left (module docstring)."""
    size = rgb.shape[0]
    font = ImageFont.load_default(size=max(10, round(size * 0.025)))
    margin, pad = max(2, round(size * 0.02)), max(2, round(size * 0.008))
    thick = max(2, round(size / 256))
    tick = 3 * thick
    image = Image.fromarray(rgb)
    draw = ImageDraw.Draw(image)
    left, top, text_right, text_bottom = draw.textbbox((0, 0), bar.label, font=font, anchor="lt")
    bottom = size - 1 - margin
    x0 = margin + pad
    box_top = bottom - (pad + tick + pad + (text_bottom - top) + pad)
    draw.rectangle(
        (margin, box_top, x0 + max(bar.pixels, text_right - left) + pad, bottom), fill=BOX_COLOUR, outline=BOX_OUTLINE
    )
    draw.text((x0, box_top + pad), bar.label, font=font, fill=BAR_COLOUR, anchor="lt")
    y1 = bottom - pad  # the bar's last row; x0 ... x0 + pixels - 1: exactly ``pixels`` columns
    draw.rectangle((x0, y1 - thick + 1, x0 + bar.pixels - 1, y1), fill=BAR_COLOUR)
    for x in (x0, x0 + bar.pixels - thick):
        draw.rectangle((x, y1 - tick + 1, x + thick - 1, y1), fill=BAR_COLOUR)
    return np.asarray(image)


def _bar(subject: Subject, size: int, metres_per_unit: float | None) -> ScaleBar | None:
    return None if metres_per_unit is None else scale_bar(view_step(subject, size) * metres_per_unit, size)


# --- files ---------------------------------------------------------------------------------------


def write_views(
    mesh: Mesh,
    dest: str | Path,
    *,
    size: int = DEFAULT_VIEW_SIZE,
    frames: int = DEFAULT_TURNTABLE_FRAMES,
    turntable_size: int = DEFAULT_TURNTABLE_SIZE,
    metres_per_unit: float | None,
) -> dict:
    """Write the views, turntable, thumbnail and views.json into the folder ``dest`` (module docstring).

    Returns
    -------
    views.json's content::

        {"size": 1024, "metresPerPixel": float | None,
         "scaleBar": {"metres": 0.1, "label": "10 cm", "pixels": 243} | None,
         "files": {"front": "views/front.jpg", ...}, "turntable": {"path": "turntable.jpg", "frames": 24, "size": 256},
         "thumb": "thumb.jpg", "thumbSmall": "thumb-small.jpg", "small": {"front": "views/small/front.jpg", ...}}
    """
    _check_size(size, "size")
    _check_size(turntable_size, "turntable_size")
    _check_frames(frames, turntable_size, "frames")
    _check_metres_per_unit(metres_per_unit)
    dest = Path(dest)
    (dest / "views" / "small").mkdir(parents=True, exist_ok=True)
    subject = prepare_subject(mesh)
    views = _views(subject, size)
    bar = _bar(subject, size, metres_per_unit)
    files, small = {}, {}
    small_size = min(SMALL_VIEW_SIZE, size)
    for name, rgb in views.items():
        files[name] = f"views/{name}.jpg"
        small[name] = f"views/small/{name}.jpg"
        shown = draw_scale_bar(rgb, bar) if bar else rgb
        _save_jpeg(shown, dest / files[name])
        _save_jpeg(_reduce(shown, small_size), dest / small[name])
    _save_jpeg(_turntable(subject, turntable_size, frames), dest / "turntable.jpg")
    if size >= THUMB_SIZE:  # a reduction of the front view is better filtered than a new render
        thumb = np.asarray(Image.fromarray(views["front"]).resize((THUMB_SIZE, THUMB_SIZE), Image.Resampling.LANCZOS))
    else:
        thumb = render_orthographic(subject, *VIEW_AXES["front"], view_step(subject, THUMB_SIZE), THUMB_SIZE)
    _save_jpeg(thumb, dest / "thumb.jpg")
    _save_jpeg(_reduce(thumb, THUMB_SMALL_SIZE), dest / "thumb-small.jpg")
    summary = {
        "size": size,
        "metresPerPixel": None if metres_per_unit is None else view_step(subject, size) * metres_per_unit,
        "scaleBar": None if bar is None else {"metres": bar.metres, "label": bar.label, "pixels": bar.pixels},
        "files": files,
        "turntable": {"path": "turntable.jpg", "frames": frames, "size": turntable_size},
        "thumb": "thumb.jpg",
        "thumbSmall": "thumb-small.jpg",
        "small": small,
    }
    (dest / "views.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def views_options(options: dict | None) -> dict:
    """A collection's ``views:`` block with VIEW_OPTIONS' defaults filled in, checked (errors name
    ``views.<key>``)."""
    options = dict(options or {})
    unknown = sorted(set(options) - set(VIEW_OPTIONS))
    if unknown:
        raise VtourError(
            STEP,
            "unknown option",
            field=f"views.{unknown[0]}",
            value=options[unknown[0]],
            fix=f"use {list(VIEW_OPTIONS)}",
        )
    out = {**VIEW_OPTIONS, **options}
    _check_size(out["size"], "views.size")
    _check_size(out["turntable_size"], "views.turntable_size")
    _check_frames(out["turntable"], out["turntable_size"], "views.turntable")
    return out


def views_stage(source: str, units: str | None, options: dict, dest: str) -> dict:
    """Read the scan ``source`` (``units`` overrides its format's, as the model stage does) and
    write its views into ``dest`` atomically (views.json last: a folder without it is incomplete);
    returns views.json's content. ``options``: a collection's ``views:`` block (:func:`views_options`)."""
    from vtour.model.io import read_mesh  # trimesh is only needed here, not by the renderer

    opts = views_options(options)
    mesh = read_mesh(source, units=units)
    metres_per_unit = UNIT_METRES.get(mesh.units)
    if metres_per_unit is None:
        log.info("views: %s has units %r: no scale bar", source, mesh.units)
    with atomic_dir(dest, marker="views.json", step=STEP) as tmp:
        return write_views(
            mesh,
            tmp,
            size=opts["size"],
            frames=opts["turntable"],
            turntable_size=opts["turntable_size"],
            metres_per_unit=metres_per_unit,
        )


def _reduce(rgb: np.ndarray, side: int) -> np.ndarray:
    """A square (side, side, 3) uint8 image -> (side', side', 3), side' = ``side``, by Lanczos (a larger one kept)."""
    if rgb.shape[0] <= side:
        return rgb
    return np.asarray(Image.fromarray(rgb).resize((side, side), Image.Resampling.LANCZOS))


def _save_jpeg(rgb: np.ndarray, path: Path) -> None:
    Image.fromarray(rgb).save(path, "JPEG", quality=JPEG_QUALITY)


# --- checks at the boundary -------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _check_size(size, field: str) -> None:
    if not _is_int(size) or not MIN_SIZE <= size <= MAX_SIZE:
        raise VtourError(
            STEP, f"a view's side must be a whole number of px from {MIN_SIZE} to {MAX_SIZE}", field=field, value=size
        )


def _check_frames(frames, size: int, field: str) -> None:
    if not _is_int(frames) or not 1 <= frames <= MAX_FRAMES:
        raise VtourError(
            STEP, f"turntable frames must be a whole number from 1 to {MAX_FRAMES}", field=field, value=frames
        )
    if frames * size > MAX_STRIP:
        raise VtourError(
            STEP,
            f"the turntable strip would be {frames} x {size} = {frames * size} px wide, over JPEG's {MAX_STRIP}",
            field=field,
            value=frames,
            fix="use fewer frames or a smaller turntable_size",
        )


def _check_metres_per_unit(metres_per_unit) -> None:
    if metres_per_unit is not None and not (
        isinstance(metres_per_unit, int | float) and math.isfinite(metres_per_unit) and metres_per_unit > 0
    ):
        raise VtourError(
            STEP,
            "metres per unit must be a positive number or None (unknown units)",
            field="metres_per_unit",
            value=metres_per_unit,
        )
