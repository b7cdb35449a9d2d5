"""Photogrammetry scans to faithful, compact glTF levels of detail, with a deviation report.

``build_model(source, out_dir, options, previous=..., downloads=...)`` is the whole step; the
modules are its parts: io (read) -> clean -> lod (chain, via simplify) -> change (earlier scans
aligned) -> texture, glb, deviation -> archive (downloads) -> report.
"""

from vtour.model.build import ModelResult, build_model
from vtour.model.change import PreviousScan
from vtour.model.io import read_mesh
from vtour.model.lod import DEFAULT_LEVELS, Level
from vtour.model.mesh import Material, Mesh
from vtour.model.options import DEFAULT_MODEL_OPTIONS, ModelOptions

__all__ = [
    "DEFAULT_LEVELS",
    "DEFAULT_MODEL_OPTIONS",
    "Level",
    "Material",
    "Mesh",
    "ModelOptions",
    "ModelResult",
    "PreviousScan",
    "build_model",
    "read_mesh",
]
