"""``vtour build TOUR.yaml``: a tour.yaml to a complete tour folder, redoing only what changed."""

from __future__ import annotations

import argparse

from vtour.image.options import DEFAULT_BASE_URL
from vtour.tour.build import build_tour


def jobs_count(text: str) -> int:
    """``--jobs``: a whole number of at least 1 (argparse prints the message and exits 2)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number of at least 1 (1: build in this process; leave --jobs out for one "
            "process per core)"
        )
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="build a tour (tour.yaml), a collection (collection.yaml) or an exhibition (exhibition.yaml)",
        description="Validate a tour.yaml, build each scene's tiles and each model's "
        "levels and each deep-zoom image's tiles (side by side, cached by a hash of their inputs and "
        "options), and write the tour folder complete or not at all: "
        "tour.json, scenes/, models/, images/, iiif/, marzipano/data.js, "
        "pannellum.json. "
        "A collection.yaml (objects:, csv:) builds a catalogue and one page per object (levels, six views, "
        "turntable, deep zoom, IIIF manifest); an exhibition.yaml (rooms:) builds a tour of its rooms "
        "and a story page.",
    )
    p.add_argument(
        "tour", metavar="FILE.yaml", help="the tour's, collection's or exhibition's authoring file (YAML or JSON)"
    )
    p.add_argument("-o", "--out", metavar="DIR", help="output folder (default: export/<tour-id>/)")
    p.add_argument(
        "--jobs",
        type=jobs_count,
        default=None,
        metavar="N",
        help="stages run side by side (default: one per core; 1: in this process)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the stages on this Dask scheduler (tcp://host:8786); needs dask[distributed]",
    )
    p.add_argument("--force", action="store_true", help="rebuild every stage, ignoring the cache")
    p.add_argument(
        "--cache",
        metavar="DIR",
        help="stage cache, outside the output (default: .vtour-cache/<tour-id> beside TOUR.yaml)",
    )
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="where the tour will be published; IIIF ids are absolute under it "
        f"(default: tour.yaml's base_url, else {DEFAULT_BASE_URL})",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vtour.collection.validate import document_kind

    kind = document_kind(args.tour)
    if kind != "tour":
        return _run_collection(args, kind)
    r = build_tour(
        args.tour,
        args.out,
        jobs=args.jobs,
        scheduler=args.scheduler,
        force=args.force,
        cache_dir=args.cache,
        base_url=args.base_url,
    )
    print(
        f"{r.out_dir}: {len(r.document['scenes'])} scenes, {len(r.document['models'])} models, "
        f"{len(r.document['images'])} images; "
        f"built {len(r.built)}, cached {len(r.cached)} in {r.seconds:.1f} s"
    )
    return 0


def _run_collection(args: argparse.Namespace, kind: str) -> int:
    options = {
        "jobs": args.jobs,
        "scheduler": args.scheduler,
        "force": args.force,
        "cache_dir": args.cache,
        "base_url": args.base_url,
    }
    if kind == "collection":
        from vtour.collection.build import build_collection

        c = build_collection(args.tour, args.out, **options)
        print(
            f"{c.out_dir}: {c.objects} objects; stages built {len(c.built)}, cached {len(c.cached)}; "
            f"{len(c.pages)} page(s) and {len(c.written)} file(s) written anew in {c.seconds:.1f} s"
        )
        return 0
    from vtour.collection.exhibit import build_exhibition

    e = build_exhibition(args.tour, args.out, **options)
    print(f"{getattr(e, 'out_dir', args.out)}: exhibition written")
    return 0
