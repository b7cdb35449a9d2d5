"""``vtour model MESH -o DIR``: one scan to LOD .glb files and a deviation report."""

from __future__ import annotations

import argparse

from vtour.conventions import UNITS
from vtour.model import DEFAULT_MODEL_OPTIONS as D
from vtour.model import Level, build_model


def _levels_text(levels) -> str:
    return " ".join(f"{lv.triangles}:{lv.texture_size}" for lv in levels)


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
    p.add_argument(
        "--lods",
        nargs="+",
        type=Level.parse,
        default=D.lods,
        metavar="TRI:PX",
        help=f"levels coarse to fine, triangles:texture px (default {_levels_text(D.lods)})",
    )
    p.add_argument(
        "--uncompressed",
        action="store_true",
        default=D.uncompressed,
        help="also write lod<k>.uncompressed.glb without EXT_meshopt_compression",
    )
    p.add_argument(
        "--texture-format",
        choices=("jpeg", "webp"),
        default=D.texture_format,
        help=f"texture encoding (default {D.texture_format})",
    )
    p.add_argument(
        "--texture-quality",
        type=int,
        default=D.texture_quality,
        help=f"JPEG/WebP quality (default {D.texture_quality})",
    )
    p.add_argument(
        "--units", choices=UNITS, default=D.units, help="the scan's units (default: metres for glTF/GLB, else unknown)"
    )
    p.add_argument("--title", default=D.title, help="title in the .glb metadata (default: file name)")
    p.add_argument("--licence", "--license", default=D.licence, help="licence or copyright line")
    p.add_argument(
        "--position-bits",
        type=int,
        default=D.position_bits,
        help=f"position quantization bits, 8..16 (default {D.position_bits})",
    )
    p.add_argument(
        "--drop-fragments",
        type=float,
        default=D.drop_fragments,
        metavar="FRACTION",
        help="drop pieces smaller than this fraction of the triangles (default: keep all)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = D.replace(
        lods=tuple(args.lods),
        uncompressed=args.uncompressed,
        texture_format=args.texture_format,
        texture_quality=args.texture_quality,
        units=args.units,
        title=args.title,
        licence=args.licence,
        position_bits=args.position_bits,
        drop_fragments=args.drop_fragments,
    )
    r = build_model(args.mesh, args.out, options)
    print(f"{r.out_dir}: {len(r.files)} levels, units {r.report['units']}")
    for lod in r.report["lods"]:
        dev = lod["deviation"]
        print(
            f"  {lod['file']}: {lod['triangles']} triangles, {lod['bytes'] / 1e3:.0f} kB, "
            f"texture {lod['texture_sizes']}, Hausdorff {100 * dev['hausdorff_fraction']:.3f}% "
            f"RMS {100 * dev['rms_fraction']:.4f}% of the diagonal"
        )
    return 0
