"""``vtour import SOURCE -o TOUR.yaml``: a Marzipano or Pannellum tour, or IIIF manifests, into a tour.yaml."""

from __future__ import annotations

import argparse

from vtour.tour.iiif_import import import_iiif, is_iiif
from vtour.tour.peer_import import import_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="a Marzipano data.js, Pannellum config or IIIF manifest/collection to a tour.yaml",
        description="Read a Marzipano Tool data.js or a Pannellum config (a scene or a "
        "tour; equirectangular, cubemap or multires), copy its panoramas "
        "(or assemble cube faces from its tiles) under panoramas/ next to "
        "the output, and write a tour.yaml with its views and hotspots. "
        "Or read an IIIF Presentation 3.0 Manifest or Collection (or a FOLDER holding "
        "iiif/collection.json, collection.json or manifest.json) into the tour.yaml's images: "
        "and models:, copying their files under images/ and models/; URLs are never fetched: "
        "an http(s) id is read from the local file at the same place under the base its "
        "manifest's own id shows.",
    )
    p.add_argument(
        "config", metavar="SOURCE", help="data.js, a Pannellum .json, an IIIF manifest/collection .json or a folder"
    )
    p.add_argument("-o", "--out", required=True, metavar="TOUR.yaml", help="tour.yaml to write")
    p.add_argument("--language", default="en", help="language of texts without one (default en)")
    p.add_argument(
        "--collection",
        action="store_true",
        help="IIIF only: write a collection.yaml (one object per manifest: its photos, its scan, its "
        "documentation) instead of a tour.yaml",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace existing files that differ (a tour.yaml, files under panoramas/ or images/); refused without",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.collection:
        from vtour.collection.iiif_import import import_collection

        collection = import_collection(args.config, args.out, language=args.language, force=args.force)
        print(f"{args.out}: written ({len(collection.get('objects', []))} object(s)); vtour validate {args.out}")
        return 0
    if is_iiif(args.config):
        tour = import_iiif(args.config, args.out, language=args.language, force=args.force)
        images, models = len(tour.get("images", [])), len(tour.get("models", []))
        print(
            f"{args.out}: written ({images} image(s), {models} model(s)); a tour needs at least one scene: "
            f"add scenes, then check it with vtour validate {args.out}"
        )
        return 0
    out = import_config(args.config, args.out, language=args.language, force=args.force)
    print(f"{out}: written; check it with vtour validate {out}")
    return 0
