"""A mesh made ready for ray casting: open3d's Embree scene plus per-triangle shading tables.

Preparing is done once per mesh and reused for every viewpoint (building the BVH of a 1 M-triangle
scan takes about a second). :func:`shade` turns ray hits into linear-light colours:

* texture: per-vertex UVs interpolated with the hit's barycentrics, sampled trilinearly from a mip
  level chosen by the ray cone (Akenine-Moller et al., "Texture Level of Detail Strategies for
  Real-Time Ray Tracing", Ray Tracing Gems ch. 20, 2019): a cone of angle ``alpha`` around the ray
  covers ``t * alpha / |cos(incidence)|`` metres on the surface, and the level is
  ``log2(footprint / texel)``, where ``texel`` is the triangle's world size of one level-0 texel,
  ``sqrt(world area / texel area)``, computed once per triangle. Distant walls thus read the
  prefiltered level and do not shimmer; supersampling (in :mod:`vtour.render.raycast`) handles
  geometric edges.
* vertex colours (linear, as :class:`~vtour.model.Mesh` keeps them), interpolated the same way.
* ``material.base_color`` multiplies both, as glTF does.
* optional ``headlight`` in [0, 1]: ``colour * (1 - k + k * |cos(incidence)|)``, a lamp at the
  camera, which shows the relief of an untextured or evenly lit scan; 0 (unlit) reproduces the
  texture exactly, which is what a photogrammetry texture with baked lighting wants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from vtour.errors import VtourError
from vtour.model.mesh import Mesh
from vtour.render.sampling import mip_pyramid, sample_trilinear

STEP = "render"
#: Incidence cosines below this are clamped in the ray cone: at grazing angles the footprint
#: grows without bound, and 1/0.1 (3.3 mip levels) is already as blurred as a wall needs to be.
MIN_COS = 0.1


def _import_open3d():
    try:
        import open3d as o3d
        import open3d.core as o3c
    except ImportError as exc:  # also raised when libusb-1.0 is missing
        raise VtourError(
            STEP,
            f"open3d is needed for ray casting and could not be imported ({exc})",
            fix="pip install open3d; on Debian also apt-get install libusb-1.0-0 libgomp1 libgl1",
        ) from exc
    return o3d, o3c


@dataclass(frozen=True, eq=False)
class RenderScene:
    """A mesh ready for :func:`shade` and ray casting. Build with :func:`prepare_scene`.

    Attributes
    ----------
    raycaster : open3d.t.geometry.RaycastingScene holding the mesh's triangles
    face_material : (m,) int16 material of each triangle
    face_uv : (m, 3, 2) float32 UVs of each triangle's corners, or None
    face_log2_texel : (m,) float32 log2 of the world size of one level-0 texel, or None
    face_colors : (m, 3, 3) float32 linear vertex colours of each triangle's corners, or None
    mips : per material, its linear mip chain or None (untextured)
    base_colors : (k, 3) float32 linear base colour factors
    """

    raycaster: Any  # open3d.t.geometry.RaycastingScene: open3d is imported lazily, so not named here
    face_material: np.ndarray
    face_uv: np.ndarray | None
    face_log2_texel: np.ndarray | None
    face_colors: np.ndarray | None
    mips: tuple
    base_colors: np.ndarray
    triangle_count: int

    def cast(self, rays: np.ndarray) -> dict[str, np.ndarray]:
        """Cast ``(n, 6)`` float32 rays (origin, unit direction); returns open3d's hit arrays."""
        _, o3c = _import_open3d()
        result = self.raycaster.cast_rays(o3c.Tensor(np.ascontiguousarray(rays, np.float32)))
        return {k: v.numpy() for k, v in result.items()}


def prepare_scene(mesh: Mesh) -> RenderScene:
    """Build the ray-casting scene and shading tables of ``mesh`` (positions in metres)."""
    o3d, o3c = _import_open3d()
    if mesh.triangle_count == 0:
        raise VtourError(STEP, "the mesh has no triangles", path=mesh.source or None)
    positions = np.ascontiguousarray(mesh.positions, np.float32)
    faces = np.ascontiguousarray(mesh.faces, np.uint32)
    raycaster = o3d.t.geometry.RaycastingScene()
    raycaster.add_triangles(o3c.Tensor(positions), o3c.Tensor(faces))
    mips = tuple(None if m.texture is None or mesh.uv is None else mip_pyramid(m.texture) for m in mesh.materials)
    base = np.array([m.base_color[:3] for m in mesh.materials], np.float32)
    face_uv = face_log2_texel = face_colors = None
    if mesh.uv is not None and any(m is not None for m in mips):
        face_uv = mesh.uv[mesh.faces].astype(np.float32)
        corners = mesh.positions[mesh.faces]
        world = 0.5 * np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1)
        duv = face_uv.astype(np.float64)
        uv_area = 0.5 * np.abs(
            (duv[:, 1, 0] - duv[:, 0, 0]) * (duv[:, 2, 1] - duv[:, 0, 1])
            - (duv[:, 2, 0] - duv[:, 0, 0]) * (duv[:, 1, 1] - duv[:, 0, 1])
        )
        texels = np.array([0.0 if m is None else m[0].shape[0] * m[0].shape[1] for m in mips])
        with np.errstate(divide="ignore", invalid="ignore"):
            # A triangle with no UV area (or untextured) gets +inf: the coarsest level, its mean.
            face_log2_texel = (0.5 * np.log2(world / (uv_area * texels[mesh.face_material]))).astype(np.float32)
        face_log2_texel[~np.isfinite(face_log2_texel)] = np.inf
    if mesh.colors is not None:
        face_colors = mesh.colors[:, :3][mesh.faces].astype(np.float32)
    return RenderScene(
        raycaster=raycaster,
        face_material=mesh.face_material.astype(np.int16),
        face_uv=face_uv,
        face_log2_texel=face_log2_texel,
        face_colors=face_colors,
        mips=mips,
        base_colors=base,
        triangle_count=mesh.triangle_count,
    )


def shade(
    scene: RenderScene, directions: np.ndarray, hits: dict[str, np.ndarray], alpha: float, *, headlight: float = 0.0
) -> np.ndarray:
    """Linear colours of the rays that hit.

    Parameters
    ----------
    directions : (n, 3) float32 unit ray directions
    hits : :meth:`RenderScene.cast` output for those rays
    alpha : float
        Angular size of one sample, radians (the ray cone's spread).
    headlight : float in [0, 1]

    Returns
    -------
    (n, 3) float32 linear colours; rows of rays that missed are undefined (the caller fills them).
    """
    t = hits["t_hit"]
    hit = np.isfinite(t)
    out = np.zeros((len(t), 3), np.float32)
    idx = np.nonzero(hit)[0]
    if len(idx) == 0:
        return out
    prim = hits["primitive_ids"][idx].astype(np.int64)
    bary = hits["primitive_uvs"][idx]  # point = (1-u-v) p0 + u p1 + v p2
    w = np.empty((len(idx), 3), np.float32)
    w[:, 1:] = bary
    w[:, 0] = 1.0 - bary[:, 0] - bary[:, 1]
    material = scene.face_material[prim]
    colour = scene.base_colors[material]
    cos = np.abs(np.einsum("ij,ij->i", hits["primitive_normals"][idx], directions[idx]))
    if scene.face_uv is not None and scene.face_log2_texel is not None:  # set together
        uv = np.einsum("ij,ijk->ik", w, scene.face_uv[prim])
        footprint = np.log2(t[idx] * np.float32(alpha) / np.maximum(cos, MIN_COS))
        lod = footprint - scene.face_log2_texel[prim]
        for m, levels in enumerate(scene.mips):
            if levels is None:
                continue
            sel = np.nonzero(material == m)[0]
            if len(sel):
                colour[sel] *= sample_trilinear(levels, uv[sel], lod[sel])
    if scene.face_colors is not None:
        colour *= np.einsum("ij,ijk->ik", w, scene.face_colors[prim])
    if headlight:
        colour *= (1.0 - headlight + headlight * cos)[:, None]
    out[idx] = colour
    return out
