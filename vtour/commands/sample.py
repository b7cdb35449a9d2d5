"""``vtour sample DIR``: write the sample grotto's sources (tour.yaml, panoramas/, models/)."""

from __future__ import annotations

import argparse

from vtour.sample import DEFAULT_SAMPLE_OPTIONS as D
from vtour.sample import TINY_SAMPLE_OPTIONS, write_sample


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sample",
        help="write the sample grotto (tour.yaml, panoramas/, models/)",
        description="Generate a painted cave with a scanned-looking statue, render "
        "its panoramas by ray casting and write tour.yaml with hotspots "
        "computed from the geometry. Reproducible from --seed.",
    )
    p.add_argument("folder", metavar="DIR", help="where to write tour.yaml, panoramas/ and models/")
    p.add_argument("--seed", type=int, default=D.seed, help=f"random seed (default {D.seed})")
    p.add_argument("--width", type=int, default=D.width, help=f"panorama width, px (default {D.width})")
    p.add_argument(
        "--triangles", type=int, default=D.statue_triangles, help=f"statue triangles (default {D.statue_triangles})"
    )
    p.add_argument("--tiny", action="store_true", help="small sizes, for tests and quick looks")
    p.add_argument("--force", action="store_true", help="replace an existing sample in DIR")
    p.add_argument(
        "--collection",
        type=int,
        metavar="N",
        default=None,
        help="write a synthetic collection of N objects instead (collection.yaml, models/, photos/): "
        "the sample statue and, where ../shared/data is present, its meshes, with random metadata in en and zh",
    )
    p.add_argument("--meshes", metavar="DIR", default=None, help="with --collection: a folder of real scans to vary")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.collection is not None:
        from vtour.collection.synthetic import write_synthetic_collection

        path = write_synthetic_collection(args.folder, args.collection, seed=args.seed, meshes=args.meshes)
        print(f"{path}: {args.collection} objects written")
        return 0
    base = TINY_SAMPLE_OPTIONS if args.tiny else D
    options = base.replace(seed=args.seed)
    if not args.tiny:
        options = options.replace(width=args.width, statue_triangles=args.triangles)
    r = write_sample(args.folder, options, overwrite=args.force)
    print(
        f"{r.tour}: {len(r.files)} files in {r.seconds:.1f} s; rendering {r.rays / 1e6:.1f} M rays "
        f"at {r.rays / max(r.render_seconds, 1e-9) / 1e6:.2f} M rays/s"
    )
    return 0
