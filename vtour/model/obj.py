"""``write_obj``: a :class:`~vtour.model.mesh.Mesh` as Wavefront OBJ + MTL + one PNG per map.

The one OBJ writer of vtour (the sample grotto's sources, test scans, benchmarks). It formats a whole
block of lines with one ``%`` per block instead of one per line: a million faces in about a second.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vtour.images import write_image
from vtour.model.mesh import Mesh


def _mtl(mesh: Mesh, path: Path) -> str:
    """MTL text: ``Kd`` (and ``Ke``) factors, and the base colour (``map_Kd``), normal (``norm``) and
    emissive (``map_Ke``) maps written beside ``path`` as ``<stem>_<k>[_normal|_emissive].png``.
    Other PBR maps have no MTL equivalent."""
    lines = []
    for k, m in enumerate(mesh.materials):
        lines += [f"newmtl {m.name}", "Kd %g %g %g" % tuple(m.base_color[:3])]
        if any(m.emissive):
            lines.append("Ke %g %g %g" % tuple(m.emissive))
        for image, key, suffix in [
            (m.texture, "map_Kd", ""),
            (m.normal_texture, "norm", "_normal"),
            (m.emissive_texture, "map_Ke", "_emissive"),
        ]:
            if image is not None:
                name = f"{path.stem}_{k}{suffix}.png"
                write_image(path.parent / name, image)
                lines.append(f"{key} {name}")
    return "\n".join(lines) + "\n"


def write_obj(
    mesh: Mesh, path: str | Path, *, position_format: str = "%.9g", uv_format: str = "%.9g", comment: str | None = None
) -> Path:
    """Write ``mesh`` to ``path`` (.obj), its ``.mtl`` and maps beside it; returns ``path``.

    ``position_format``/``uv_format`` are ``%`` formats of one coordinate ("%.9g" keeps float32
    exactly; the sample writes "%.5f", 10 um in metres). UVs are written in OBJ's convention (v up).
    ``comment`` becomes a first ``#`` line.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".mtl").write_text(_mtl(mesh, path))
    p, t = position_format, uv_format
    with open(path, "w") as f:
        if comment is not None:
            f.write(f"# {comment}\n")
        f.write(f"mtllib {path.stem}.mtl\n")
        f.write((f"v {p} {p} {p}\n" * mesh.vertex_count) % tuple(mesh.positions.ravel().tolist()))
        if mesh.uv is not None:
            uv = mesh.uv.copy()
            uv[:, 1] = 1.0 - uv[:, 1]  # OBJ's v points up
            f.write((f"vt {t} {t}\n" * len(uv)) % tuple(uv.ravel().tolist()))
        for k, m in enumerate(mesh.materials):
            rows = mesh.faces[mesh.face_material == k] + 1
            f.write(f"usemtl {m.name}\n")
            if mesh.uv is not None:
                f.write(("f %d/%d %d/%d %d/%d\n" * len(rows)) % tuple(np.repeat(rows, 2, axis=1).ravel().tolist()))
            else:
                f.write(("f %d %d %d\n" * len(rows)) % tuple(rows.ravel().tolist()))
    return path
