"""``vtour model MESH -o DIR``: one scan to LOD .glb files and a deviation report."""

from __future__ import annotations

import argparse

from vtour.commands import add_option_arguments, options_from_args
from vtour.model import DEFAULT_MODEL_OPTIONS, build_model


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "model",
        help="one scan (OBJ, PLY, STL, glTF, GLB) to LOD .glb files",
        description="Clean a photogrammetry scan, build levels of detail that keep "
        "the texture valid, write one compressed .glb per level "
        "(lod0 = coarsest) and report.json with each level's "
        "deviation from the scan.",
    )
    p.add_argument("mesh", metavar="MESH", help="OBJ (+MTL, textures), PLY, STL, glTF or GLB file")
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="output folder")
    add_option_arguments(p, DEFAULT_MODEL_OPTIONS)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    r = build_model(args.mesh, args.out, options_from_args(DEFAULT_MODEL_OPTIONS, args))
    print(f"{r.out_dir}: {len(r.files)} levels, units {r.report['units']}")
    for lod in r.report["lods"]:
        dev = lod["deviation"]
        print(
            f"  {lod['file']}: {lod['triangles']} triangles, {lod['bytes'] / 1e3:.0f} kB, "
            f"texture {lod['texture_sizes']}, Hausdorff {100 * dev['hausdorff_fraction']:.3f}% "
            f"RMS {100 * dev['rms_fraction']:.4f}% of the diagonal"
        )
    for left in r.report["levels_left_out"]:
        budget = left["budget"]
        print(f"  {budget['triangles']}:{budget['texture_size']} not written: {left['reason']}")
    return 0
