"""The plain mesh every model step takes and returns.

Conventions, written once here and pinned by tests/test_model_io.py:

* Positions are the scan's own coordinates, in its own units (``Mesh.units``), never rescaled or
  recentred: a scan keeps its scale and origin. glTF's right-handed +Y-up frame is assumed only for
  glTF input; other formats keep their axes.
* Faces are triangles, counter-clockwise seen from outside, indexing rows of ``positions``.
* A vertex is a unique (position, uv, colour, normal, material) record, so a UV seam or a material
  boundary is two vertices at one position; that is how glTF stores it and what the simplifier needs
  to keep seams intact.
* UVs follow glTF: origin at the image's top-left, v down. They may lie outside [0, 1] (tiling).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

#: glTF's texture slots, in the order the writer lists them; ``texture`` is the base colour.
MAP_ROLES = ("baseColor", "metallicRoughness", "normal", "occlusion", "emissive")
#: Maps that hold data (vectors, linear factors), not colours: encoded at high quality, 4:4:4.
DATA_ROLES = frozenset({"metallicRoughness", "normal", "occlusion"})


@dataclass(frozen=True, eq=False)
class Material:
    """A PBR metallic-roughness material, as glTF stores it (core glTF 2.0, no extensions).

    Images are (h, w, 3 or 4) uint8 arrays, row 0 at the top, all on ``TEXCOORD_0``.

    Parameters
    ----------
    name : str
    base_color : (4,) float
        Linear RGBA factor in [0, 1], multiplied with the texture and vertex colours.
    texture : image, optional
        Base-colour image, sRGB (its alpha is used only when ``alpha_mode`` is not OPAQUE).
    metallic, roughness : float in [0, 1]
        Scans are dielectric and matte by default.
    metallic_roughness_texture : image, optional
        Linear; roughness in G, metallic in B (multiplied with the factors).
    normal_texture : image, optional
        Tangent-space normal map, linear, ``rgb / 255 * 2 - 1`` is a unit vector (+Z out).
    normal_scale : float
        glTF's ``normalTexture.scale`` (X and Y of the decoded vector are multiplied by it).
    occlusion_texture : image, optional
        Linear; ambient occlusion in R. Often the same image as ``metallic_roughness_texture``
        (an "ORM" map): it is then the *same array object*, and the writer keeps one image.
    occlusion_strength : float in [0, 1]
    emissive_texture : image, optional, sRGB
    emissive : (3,) float
        Linear emissive factor (glTF's default is black, which switches the emissive map off).
    alpha_mode : "OPAQUE" | "MASK" | "BLEND"
    alpha_cutoff : float, used when ``alpha_mode`` is MASK
    double_sided : bool
        True by default: scans are open surfaces whose inside shows through holes. glTF input
        keeps the file's value.
    """

    name: str = "default"
    base_color: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    texture: np.ndarray | None = None
    metallic: float = 0.0
    roughness: float = 1.0
    metallic_roughness_texture: np.ndarray | None = None
    normal_texture: np.ndarray | None = None
    normal_scale: float = 1.0
    occlusion_texture: np.ndarray | None = None
    occlusion_strength: float = 1.0
    emissive_texture: np.ndarray | None = None
    emissive: tuple[float, float, float] = (0.0, 0.0, 0.0)
    alpha_mode: str = "OPAQUE"
    alpha_cutoff: float = 0.5
    double_sided: bool = True

    @property
    def texture_size(self) -> tuple[int, int] | None:
        """(width, height) of the base-colour texture in pixels, or None."""
        return None if self.texture is None else (self.texture.shape[1], self.texture.shape[0])

    @property
    def maps(self) -> dict[str, np.ndarray]:
        """The images present, by glTF role (MAP_ROLES order); packed roles share one array."""
        images = (
            self.texture,
            self.metallic_roughness_texture,
            self.normal_texture,
            self.occlusion_texture,
            self.emissive_texture,
        )
        return {role: image for role, image in zip(MAP_ROLES, images) if image is not None}

    @property
    def occlusion_packed(self) -> bool:
        """True when occlusion is the R channel of the metallic-roughness image (one image)."""
        return self.occlusion_texture is not None and self.occlusion_texture is self.metallic_roughness_texture


@dataclass(frozen=True, eq=False)
class Mesh:
    """A triangle mesh as numpy arrays.

    Parameters
    ----------
    positions : (n, 3) float64
    faces : (m, 3) int64, values in [0, n)
    uv : (n, 2) float64, optional
    colors : (n, 4) float32 in [0, 1], optional (linear RGBA vertex colours)
    normals : (n, 3) float32, unit length, optional
    face_material : (m,) int32, index into ``materials``
    materials : tuple of Material, at least one
    units : str
        ``"m"``, ``"cm"``, ``"mm"``... or ``"unknown"``; never guessed.
    source : str
        The file it was read from, for reports.
    """

    positions: np.ndarray
    faces: np.ndarray
    uv: np.ndarray | None = None
    colors: np.ndarray | None = None
    normals: np.ndarray | None = None
    # None is filled in by __post_init__ (all material 0), so readers of the field always get an array
    face_material: np.ndarray = None  # type: ignore[assignment]
    materials: tuple[Material, ...] = field(default_factory=lambda: (Material(),))
    units: str = "unknown"
    source: str = ""

    def __post_init__(self):
        if self.face_material is None:
            object.__setattr__(self, "face_material", np.zeros(len(self.faces), np.int32))

    @property
    def vertex_count(self) -> int:
        return len(self.positions)

    @property
    def triangle_count(self) -> int:
        return len(self.faces)

    @property
    def bounds(self) -> np.ndarray:
        """(2, 3) float64: min and max corner of the referenced vertices."""
        if not len(self.faces):
            return np.stack([self.positions.min(axis=0), self.positions.max(axis=0)])
        used = self.referenced()
        if used.all():  # the usual case: no copy of the positions
            return np.stack([self.positions.min(axis=0), self.positions.max(axis=0)])
        kept = self.positions[used]
        return np.stack([kept.min(axis=0), kept.max(axis=0)])

    def referenced(self) -> np.ndarray:
        """(n,) bool: the vertices some face uses (linear time, unlike ``np.unique(faces)``)."""
        used = np.zeros(len(self.positions), bool)
        used[self.faces.reshape(-1)] = True
        return used

    @property
    def diagonal(self) -> float:
        """Length of the bounding-box diagonal, in model units."""
        lo, hi = self.bounds
        return float(np.linalg.norm(hi - lo))

    @property
    def textured(self) -> bool:
        """True when the mesh has UVs and some material has an image (any role)."""
        return self.uv is not None and any(m.maps for m in self.materials)

    def replace(self, **changes) -> Mesh:
        return replace(self, **changes)

    def with_vertices(self, keep: np.ndarray, faces: np.ndarray, face_material: np.ndarray | None = None) -> Mesh:
        """A mesh on the vertex subset ``keep`` (indices into this one), ``faces`` in old indices."""
        remap = np.full(len(self.positions), -1, np.int64)
        remap[keep] = np.arange(len(keep))

        def pick(a):
            return None if a is None else a[keep]

        return replace(
            self,
            positions=self.positions[keep],
            faces=remap[faces],
            uv=pick(self.uv),
            colors=pick(self.colors),
            normals=pick(self.normals),
            face_material=(self.face_material if face_material is None else face_material).astype(np.int32),
        )

    def vertex_material(self) -> np.ndarray:
        """(n,) int32: the material of each vertex (its faces' material; 0 when unreferenced)."""
        out = np.zeros(len(self.positions), np.int32)
        out[self.faces.reshape(-1)] = np.repeat(self.face_material, 3)
        return out
