"""``vtour edit TOUR.yaml|DIR``: the tour editor in the browser, on 127.0.0.1 by default."""

from __future__ import annotations

import argparse
import os

from vtour.serve import DEFAULT_ADDRESS, DEFAULT_PORT, check_port


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
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)")
    p.add_argument(
        "--address",
        default=DEFAULT_ADDRESS,
        help=f"address to listen on (default {DEFAULT_ADDRESS}: this machine only; any other address needs "
        "the token, and warns)",
    )
    p.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="also accept pages opened as HOST (e.g. a reverse proxy's name; repeatable). The "
        "server's own names and addresses are always accepted",
    )
    p.add_argument(
        "--token",
        default=os.environ.get("VTOUR_TOKEN") or None,
        help="the token every request needs, as ?token=... in the page's address (default: $VTOUR_TOKEN, "
        "which other users cannot read in the process list; else none on 127.0.0.1 and a generated one, "
        "printed with the address, on any other address)",
    )
    p.add_argument("--show", action=argparse.BooleanOptionalAction, default=False, help="open a browser (default: no)")
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
