"""``vtour pano INPUT... -o DIR``: one panorama to a tile pyramid."""

from __future__ import annotations

import argparse
import logging

from vtour.pano import DEFAULT_PANO_OPTIONS as D
from vtour.pano import PanoOptions, build_pano
from vtour.pano.coverage import Coverage

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pano",
        help="one panorama (equirect, six faces or photos) to tiles",
        description="Build a tile pyramid, preview strip, thumbnail and pano.json from "
        "an equirect image, six cube faces (files, a strip or a cross) or "
        "overlapping photos to stitch.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image file(s)")
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--mode",
        choices=("auto", "equirect", "cube", "stitch"),
        default=D.mode,
        help=f"what the inputs are (default: {D.mode}, from their count and shape)",
    )
    p.add_argument(
        "--stitch",
        dest="mode",
        action="store_const",
        const="stitch",
        help="the inputs are overlapping photos: same as --mode stitch",
    )
    p.add_argument(
        "--stitch-mode",
        choices=("panorama", "scans"),
        default=D.stitch_mode,
        help=f"photos turned about one point, or of a flat subject (default {D.stitch_mode})",
    )
    p.add_argument("--tile-size", type=int, default=D.tile_size, help=f"tile edge, px (default {D.tile_size})")
    p.add_argument(
        "--face-size",
        type=int,
        default=D.face_size,
        help="largest face edge, a power of two (default: nearest to the source's resolution)",
    )
    p.add_argument("--quality", type=int, default=D.quality, help=f"JPEG quality (default {D.quality})")
    p.add_argument(
        "--interpolation",
        choices=("cubic", "linear"),
        default=D.interpolation,
        help=f"remap kernel (default {D.interpolation})",
    )
    p.add_argument(
        "--no-antialias",
        dest="antialias",
        action="store_false",
        help="skip the polar pre-filter (faster, may shimmer near zenith and nadir)",
    )
    p.add_argument("--hfov", type=float, help="partial equirect: degrees of longitude the image spans")
    p.add_argument("--vfov", type=float, help="partial equirect: degrees of latitude the image spans")
    p.add_argument("--yaw", type=float, default=0.0, help="partial equirect: longitude of its centre")
    p.add_argument("--pitch", type=float, default=0.0, help="partial equirect: latitude of its centre")
    p.add_argument(
        "--cube-order", default=D.cube_order, help=f"order of six unnamed faces or of a strip (default {D.cube_order})"
    )
    p.add_argument(
        "--max-pixels", type=int, default=D.max_pixels, help=f"refuse larger images (default {D.max_pixels})"
    )
    p.add_argument("--jobs", type=int, default=D.jobs, help="threads for tile encoding (default: all cores)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    coverage = None
    if args.hfov is not None or args.vfov is not None:
        coverage = Coverage(hfov=args.hfov or 360.0, vfov=args.vfov or 180.0, yaw=args.yaw, pitch=args.pitch)
    options = PanoOptions(
        mode=args.mode,
        tile_size=args.tile_size,
        face_size=args.face_size,
        quality=args.quality,
        antialias=args.antialias,
        interpolation=args.interpolation,
        coverage=coverage,
        cube_order=args.cube_order,
        max_pixels=args.max_pixels,
        jobs=args.jobs,
        stitch_mode=args.stitch_mode,
    )
    r = build_pano(args.inputs, args.out, options)
    print(
        f"{r.out_dir}: {r.source_kind}, faces {r.face_size} px, {len(r.levels)} levels, "
        f"{r.tiles} tiles, {r.bytes / 1e6:.1f} MB in {r.seconds:.1f} s"
    )
    if r.unmatched:
        print("photos not matched (left out): " + ", ".join(p.name for p in r.unmatched))
    return 0
