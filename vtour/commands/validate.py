"""``vtour validate PATH``: every problem of a tour.yaml, a collection.yaml, an exhibition.yaml, a
built tour or a built collection, or "ok"."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vtour.tour.validate import validate_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check a tour.yaml, collection.yaml, exhibition.yaml, a built tour or a built collection folder",
        description="List every problem at once, each with its location and a fix: "
        "unknown hotspot targets, missing files, duplicate ids, angles out "
        "of range, texts missing in a declared language, paths that leave "
        "the tour folder; for a collection, its CSV's columns and rows and every object's media; for an "
        "exhibition, objects no collection has. Exit 1 when there are problems.",
    )
    p.add_argument(
        "path",
        metavar="PATH",
        help="a tour.yaml/.json, a collection.yaml, an exhibition.yaml, a built tour folder or its tour.json, "
        "or a built collection folder",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vtour.collection.validate import document_kind, validate_document
    from vtour.package import is_built_collection

    path = Path(args.path)
    folder = path if path.is_dir() else path.parent if path.name == "collection.json" else None
    if folder is not None and is_built_collection(folder):  # OUT of vtour build collection.yaml
        from vtour.collection.built import validate_built_collection

        problems = validate_built_collection(folder)
    else:
        kind = document_kind(args.path) if path.is_file() else "tour"
        problems = validate_path(args.path) if kind == "tour" else validate_document(args.path)
    if not problems:
        print(f"{args.path}: ok")
        return 0
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1
