"""``vtour edit TOUR.yaml|DIR``: the tour editor in the browser, on 127.0.0.1 by default."""

from __future__ import annotations

import argparse

from vtour.commands.serve import add_server_arguments
from vtour.serve import check_port


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "edit",
        help="edit a tour in the browser (scenes, hotspots, texts), build and package it",
        description="Open a tour.yaml (or a folder: its tour.yaml, written when missing) in a Panel "
        "editor: add scenes from uploaded panoramas, place hotspots on the panorama, edit the texts "
        "in every language, see `vtour validate`'s problems as you go, build, preview and package. "
        "Saves keep the file's comments and layout (a backup in tour.yaml.bak).",
    )
    p.add_argument("tour", metavar="TOUR.yaml|DIR", help="the tour's authoring file, or a folder for a new tour")
    p.add_argument("-o", "--out", metavar="DIR", default=None, help="build output folder (default: export/<tour-id>/)")
    add_server_arguments(
        p,
        address_help="this machine only; any other address needs the token, and warns",
        token_help="the token every request needs, as ?token=... in the page's address",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vtour.edit.server import serve_editor  # Panel only when serving

    check_port(args.port)
    serve_editor(
        args.tour,
        port=args.port,
        address=args.address,
        token=args.token,
        out=args.out,
        allow_origin=args.allow_origin,
        show=args.show,
    )
    return 0
