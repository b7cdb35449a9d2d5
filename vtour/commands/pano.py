"""``vtour pano INPUT... -o DIR``: one panorama to a tile pyramid."""

from __future__ import annotations

import argparse
import logging

from vtour.commands import add_option_arguments, options_from_args
from vtour.pano import DEFAULT_PANO_OPTIONS, build_pano

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
    add_option_arguments(p, DEFAULT_PANO_OPTIONS)
    p.add_argument(
        "--stitch",
        dest="mode",
        action="store_const",
        const="stitch",
        default=argparse.SUPPRESS,
        help="the inputs are overlapping photos: same as --mode stitch",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = options_from_args(DEFAULT_PANO_OPTIONS, args)
    r = build_pano(args.inputs, args.out, options)
    print(
        f"{r.out_dir}: {r.source_kind}, faces {r.face_size} px, {len(r.levels)} levels, "
        f"{r.tiles} {options.tile_format} tiles, {r.bytes / 1e6:.1f} MB in {r.seconds:.1f} s"
    )
    if r.unmatched:
        print("photos not matched (left out): " + ", ".join(p.name for p in r.unmatched))
    return 0
