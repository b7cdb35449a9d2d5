"""Equirectangular panoramas of a mesh, by ray casting from one viewpoint.

Pixel (row y, column x) of a ``W x W/2`` panorama looks along yaw ``((x + 0.5) / W - 0.5) * 360``
and pitch ``(0.5 - (y + 0.5) / H) * 180`` degrees (:mod:`vtour.conventions`: yaw 0 = -Z = the
image centre, +X to the right, +Y up).

Two passes keep the cost near one ray per pixel while edges stay clean:

1. one ray through every pixel centre gives the depth panorama and a first colour, textures
   already prefiltered by the ray cone (:mod:`vtour.render.scene`);
2. pixels whose centre ray differs from a neighbour's (another material, a depth step, a crease,
   or a colour step) are re-rendered with ``supersample x supersample`` stratified rays, whose
   mean replaces the first colour (a box filter). ``adaptive=False`` re-renders every pixel.

Colours are averaged in linear light and encoded to sRGB once. Rays go to open3d in chunks of
``chunk_rays`` so memory stays bounded whatever the width.
"""

from __future__ import annotations

import math
import time

import numpy as np

from vtour.errors import VtourError
from vtour.model.mesh import Mesh
from vtour.render.sampling import linear_to_srgb, srgb_to_linear
from vtour.render.scene import STEP, RenderScene, prepare_scene, shade

#: Rays handed to open3d at once: 1 M rays use about 100 MB with the shading temporaries.
CHUNK_RAYS = 1 << 20
#: Adaptive refinement thresholds on neighbouring centre rays: relative depth step, normal
#: cosine and linear colour step (vertex colours have no mip filter; textures rarely trip it).
DEPTH_EDGE = 0.03
CREASE_COS = 0.9
COLOUR_EDGE = 0.1


def pixel_directions(width: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """(n, 3) float32 unit directions of fractional pixel positions of a ``width``-wide equirect.

    ``rows`` and ``cols`` are (n,) float arrays in pixel units (a pixel's centre is ``i + 0.5``).
    """
    height = width // 2
    yaw = (cols / width - 0.5) * (2 * math.pi)
    pitch = (0.5 - rows / height) * math.pi
    cp = np.cos(pitch)
    return np.stack([cp * np.sin(yaw), np.sin(pitch), -cp * np.cos(yaw)], axis=-1).astype(np.float32)


def _rays(origin: np.ndarray, directions: np.ndarray) -> np.ndarray:
    rays = np.empty((len(directions), 6), np.float32)
    rays[:, :3] = origin
    rays[:, 3:] = directions
    return rays


def _edges(material: np.ndarray, depth: np.ndarray, normal: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """(H, W) bool: pixels that differ from their right or lower neighbour (either side flagged)."""
    flags = np.zeros(material.shape, bool)
    for axis in (0, 1):

        def nxt(a, axis=axis):
            # Columns wrap around (yaw -180 meets +180); the last row has no lower neighbour.
            return np.roll(a, -1, axis=1) if axis == 1 else np.concatenate([a[1:], a[-1:]])

        d1, d2 = depth, nxt(depth)
        with np.errstate(invalid="ignore"):
            step = (
                (material != nxt(material))
                | (np.abs(d1 - d2) > DEPTH_EDGE * np.minimum(d1, d2))
                | (np.einsum("ijk,ijk->ij", normal, nxt(normal)) < CREASE_COS)
                | (np.abs(colour - nxt(colour)).max(axis=2) > COLOUR_EDGE)
            )
        flags |= step
        flags |= np.roll(step, 1, axis=1) if axis == 1 else np.concatenate([np.zeros_like(step[:1]), step[:-1]])
    return flags


def _check_arguments(viewpoint, width: int, supersample: int) -> np.ndarray:
    """The viewpoint as a (3,) float64 origin, after refusing a bad width, supersample or viewpoint."""
    if width < 4 or width % 2:
        raise VtourError(STEP, "panorama width must be an even number >= 4", field="width", value=width)
    if supersample < 1:
        raise VtourError(STEP, "supersample must be >= 1", field="supersample", value=supersample)
    origin = np.asarray(viewpoint, np.float64).reshape(-1)
    if origin.shape != (3,) or not np.isfinite(origin).all():
        raise VtourError(
            STEP,
            "a viewpoint is three finite coordinates X,Y,Z",
            field="viewpoint",
            value=tuple(np.asarray(viewpoint).ravel().tolist()),
        )
    return origin


def _shade_rays(
    scene: RenderScene, origin: np.ndarray, dirs: np.ndarray, cone: float, headlight: float, bg: np.ndarray
) -> tuple[np.ndarray, dict]:
    """Cast (n, 3) directions from ``origin``: (n, 3) float32 linear colours (``bg`` on a miss) and the hits.

    ``cone`` is the angle in radians one ray stands for (a pixel's, or a sub-pixel's), which picks
    the texture's prefiltered level (:func:`vtour.render.scene.shade`).
    """
    hits = scene.cast(_rays(origin, dirs))
    colour = shade(scene, dirs, hits, cone, headlight=headlight)
    colour[~np.isfinite(hits["t_hit"])] = bg
    return colour, hits


def _cast_centres(
    scene: RenderScene,
    origin: np.ndarray,
    width: int,
    pixel_angle: float,
    headlight: float,
    bg: np.ndarray,
    chunk_rays: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pass 1: one ray through every pixel centre, in bands of rows of about ``chunk_rays`` rays.

    Returns (H, W) maps: colour (H, W, 3) float32 linear, distance (float32 metres, ``inf`` on a
    miss), material (int16, -1 on a miss) and normal (H, W, 3) float32, the last three for
    :func:`_edges`.
    """
    height = width // 2
    colour = np.empty((height, width, 3), np.float32)
    t_map = np.empty((height, width), np.float32)
    material = np.empty((height, width), np.int16)
    normal = np.empty((height, width, 3), np.float32)
    band = max(1, chunk_rays // width)
    cols = np.arange(width) + 0.5
    for r0 in range(0, height, band):
        r1 = min(height, r0 + band)
        rr, cc = np.meshgrid(np.arange(r0, r1) + 0.5, cols, indexing="ij")
        dirs = pixel_directions(width, rr.ravel(), cc.ravel())
        c, hits = _shade_rays(scene, origin, dirs, pixel_angle, headlight, bg)
        miss = ~np.isfinite(hits["t_hit"])
        colour[r0:r1] = c.reshape(r1 - r0, width, 3)
        t_map[r0:r1] = hits["t_hit"].reshape(r1 - r0, width)
        m = scene.face_material[np.where(miss, 0, hits["primitive_ids"]).astype(np.int64)]
        material[r0:r1] = np.where(miss, -1, m).reshape(r1 - r0, width)
        # Misses get one common normal so that only a material change flags a silhouette.
        normal[r0:r1] = np.where(miss[:, None], np.float32(1), hits["primitive_normals"]).reshape(r1 - r0, width, 3)
    return colour, t_map, material, normal


def _supersample(
    scene: RenderScene,
    origin: np.ndarray,
    colour: np.ndarray,
    pixels: np.ndarray,
    supersample: int,
    pixel_angle: float,
    headlight: float,
    bg: np.ndarray,
    chunk_rays: int,
) -> int:
    """Pass 2: replace the colour of ``pixels`` (flat indices) by the mean of ``supersample`` squared
    stratified rays (a box filter); ``colour`` (H, W, 3) is updated in place. Returns the rays cast."""
    width = colour.shape[1]
    n = supersample * supersample
    offsets = (np.arange(supersample) + 0.5) / supersample
    oy, ox = [a.ravel() for a in np.meshgrid(offsets, offsets, indexing="ij")]
    per_chunk = max(1, chunk_rays // n)
    flat = colour.reshape(-1, 3)
    for p0 in range(0, len(pixels), per_chunk):
        p = pixels[p0 : p0 + per_chunk]
        rows = (p // width)[:, None] + oy
        cs = (p % width)[:, None] + ox
        dirs = pixel_directions(width, rows.ravel(), cs.ravel())
        c, _ = _shade_rays(scene, origin, dirs, pixel_angle / supersample, headlight, bg)
        flat[p] = c.reshape(len(p), n, 3).mean(axis=1)
    return len(pixels) * n


def render_equirect(
    mesh: Mesh | RenderScene,
    viewpoint,
    width: int,
    *,
    supersample: int = 2,
    depth: bool = False,
    adaptive: bool = True,
    headlight: float = 0.0,
    background=(0, 0, 0),
    chunk_rays: int = CHUNK_RAYS,
    stats: dict | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Render the panorama seen from ``viewpoint``.

    Parameters
    ----------
    mesh : Mesh (metres) or a RenderScene from :func:`prepare_scene` (reuse it for many viewpoints)
    viewpoint : (3,) float, the camera centre
    width : int, even, >= 4: panorama width in pixels; the height is ``width // 2``
    supersample : int >= 1
        Rays per pixel along each axis on refined pixels (2 -> 2 x 2 stratified rays).
    depth : bool
        Also return the distance along each pixel-centre ray.
    adaptive : bool
        Refine only pixels on edges (default) or every pixel.
    headlight : float in [0, 1], see :func:`vtour.render.scene.shade`
    background : (3,) uint8 sRGB colour of rays that hit nothing
    stats : dict, optional
        Filled with ``rays``, ``seconds``, ``rays_per_second``, ``refined_pixels`` and ``pixels``.

    Returns
    -------
    rgb : (H, W, 3) uint8 sRGB
    depth : (H, W) float32 metres, ``inf`` where nothing was hit; or None
    """
    origin = _check_arguments(viewpoint, width, supersample)
    scene = mesh if isinstance(mesh, RenderScene) else prepare_scene(mesh)
    start = time.perf_counter()  # rays/s counts casting and shading, not building the BVH
    height = width // 2
    pixel_angle = math.pi / height
    bg = srgb_to_linear(np.asarray(background, np.uint8).reshape(3))
    colour, t_map, material, normal = _cast_centres(scene, origin, width, pixel_angle, headlight, bg, chunk_rays)
    rays_cast, refined = width * height, 0
    if supersample > 1:
        flags = _edges(material, t_map, normal, colour) if adaptive else np.ones((height, width), bool)
        del material, normal
        pixels = np.flatnonzero(flags)
        refined = len(pixels)
        rays_cast += _supersample(scene, origin, colour, pixels, supersample, pixel_angle, headlight, bg, chunk_rays)
    rgb = linear_to_srgb(colour)
    seconds = time.perf_counter() - start
    if stats is not None:
        stats.update(
            rays=rays_cast,
            seconds=seconds,
            rays_per_second=rays_cast / max(seconds, 1e-9),
            refined_pixels=refined,
            pixels=width * height,
        )
    return rgb, (t_map if depth else None)
