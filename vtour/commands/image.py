"""``vtour image INPUT... -o DIR``: one flat image (or photos of one) to an IIIF deep-zoom pyramid."""

from __future__ import annotations

import argparse

from vtour.commands import add_option_arguments, options_from_args
from vtour.image import DEFAULT_IMAGE_OPTIONS, build_image


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "image",
        help="one flat image (or overlapping photos of one) to IIIF deep-zoom tiles",
        description="Build an IIIF Image API 3.0 level-0 tile pyramid (info.json and "
        "{region}/{size}/0/default.jpg) from one image, or from overlapping photos of a flat "
        "subject, stitched.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image file(s)")
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="output folder")
    add_option_arguments(p, DEFAULT_IMAGE_OPTIONS)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    r = build_image(args.inputs, args.out, options_from_args(DEFAULT_IMAGE_OPTIONS, args))
    print(
        f"{r.out_dir}: {r.width}x{r.height} px ({r.source_kind}), scale factors "
        f"{','.join(map(str, r.scale_factors))}, {r.tiles} tiles, {r.bytes / 1e6:.1f} MB in {r.seconds:.1f} s; "
        f"id {r.info['id']}"
    )
    if r.unmatched:
        print("photos not matched (left out): " + ", ".join(p.name for p in r.unmatched))
    return 0
