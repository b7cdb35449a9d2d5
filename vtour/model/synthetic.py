"""Meshes made in code: a UV-mapped sphere with a checker texture (and a rippled normal map), for
tests and benchmarks (:func:`vtour.model.obj.write_obj` writes them as OBJ). The sphere has a real
UV seam (the u = 0 and u = 1 columns are separate vertices at bit-identical positions) and one
vertex per pole column, as a scan's UV atlas has: exactly what a seam-keeping simplifier must respect.
"""

from __future__ import annotations

import numpy as np

from vtour.model.mesh import Material, Mesh


def checker_texture(size: int = 256, squares: int = 8) -> np.ndarray:
    """(size, size, 3) uint8 checkerboard with a colour gradient, so UV errors are visible."""
    y, x = np.mgrid[0:size, 0:size]
    cell = ((x * squares // size) + (y * squares // size)) % 2
    image = np.empty((size, size, 3), np.uint8)
    image[..., 0] = np.where(cell, 230, 40)
    image[..., 1] = (x * 255 // max(size - 1, 1)).astype(np.uint8)
    image[..., 2] = (y * 255 // max(size - 1, 1)).astype(np.uint8)
    return image


def bumpy_normal_map(size: int = 256, waves: int = 24, depth: float = 1.5) -> np.ndarray:
    """(size, size, 3) uint8 tangent-space normal map of fine ripples (h = sin x sin y).

    The ripples are a few pixels wide, so shrinking the map averages opposite slopes and shortens
    the vectors: what a normal-map resize must undo by renormalizing.
    """
    t = np.linspace(0.0, 2 * np.pi * waves, size, endpoint=False)
    x, y = np.meshgrid(t, t)
    n = np.stack([-depth * np.cos(x) * np.sin(y), -depth * np.sin(x) * np.cos(y), np.ones_like(x)], axis=-1)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    return np.rint((n + 1.0) * 127.5).astype(np.uint8)


def uv_sphere(
    rows: int = 32,
    cols: int = 64,
    radius: float = 1.0,
    *,
    bumps: float = 0.0,
    texture: np.ndarray | None = None,
    units: str = "m",
) -> Mesh:
    """A latitude-longitude sphere with UVs (u along longitude, v down from the north pole).

    Parameters
    ----------
    rows, cols : int, >= 2 and >= 3: latitude bands and longitude segments
    radius : float
    bumps : float
        Relative amplitude of a smooth deterministic displacement (0 = exact sphere).
    texture : (h, w, 3) uint8, optional; a checker when None

    Returns
    -------
    Mesh with 2 * cols * (rows - 1) triangles, normals, one textured material.
    """
    theta = np.linspace(0.0, np.pi, rows + 1)  # from the north pole (+y)
    phi = np.linspace(0.0, 2 * np.pi, cols + 1)
    t, p = np.meshgrid(theta, phi, indexing="ij")  # (rows+1, cols+1)
    direction = np.stack([np.sin(t) * np.sin(p), np.cos(t), np.sin(t) * np.cos(p)], axis=-1)
    r = radius * (1.0 + bumps * np.sin(5 * t) * np.cos(7 * p) * np.sin(t))
    positions = direction * r[..., None]
    positions[:, cols] = positions[:, 0]  # the seam: bit-identical copies
    positions[0, :] = [0.0, radius, 0.0]
    positions[rows, :] = [0.0, -radius, 0.0]
    u = p / (2 * np.pi)
    u[0, :-1] += 0.5 / cols  # pole copies sit mid-column
    u[rows, :-1] += 0.5 / cols
    uv = np.stack([u, t / np.pi], axis=-1)
    ids = np.arange((rows + 1) * (cols + 1)).reshape(rows + 1, cols + 1)
    a, b = ids[:-1, :-1], ids[:-1, 1:]
    c, d = ids[1:, :-1], ids[1:, 1:]
    quads = np.stack([np.stack([a, c, d], -1), np.stack([a, d, b], -1)], axis=2)  # ccw outside
    faces = quads.reshape(rows, cols * 2, 3)
    faces = np.concatenate([faces[0, 0::2], faces[1:-1].reshape(-1, 3), faces[-1, 1::2]])
    keep = np.unique(faces)
    normals = direction.reshape(-1, 3).astype(np.float32)
    material = Material("checker", texture=checker_texture() if texture is None else texture)
    mesh = Mesh(
        positions=positions.reshape(-1, 3),
        faces=faces.astype(np.int64),
        uv=uv.reshape(-1, 2),
        normals=normals,
        materials=(material,),
        units=units,
        source="uv_sphere",
    )
    return mesh.with_vertices(keep, faces)
