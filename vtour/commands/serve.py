"""``vtour serve DIR``: the Panel app over a built tour, on 127.0.0.1 by default."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from vtour.package import is_built_collection
from vtour.serve import DEFAULT_ADDRESS, DEFAULT_PORT, check_port, serve_collection, serve_tour


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve a built tour or collection with Panel",
        description="Serve a built tour (a folder with tour.json) as a Panel app. Tiles and "
        "models are plain static files; nothing is fetched from the internet. A built collection "
        "is served as the collection browser (search, filters, a chart, each object's views) beside its "
        "static catalogue and object pages.",
    )
    p.add_argument("tour", metavar="DIR", help="built tour folder")
    add_server_arguments(
        p,
        address_help="this machine only; 0.0.0.0: every interface, with a warning",
        token_help="the token note edits need, as ?token=... in the page's address",
    )
    p.add_argument(
        "--sources",
        metavar="TOUR.yaml",
        default=None,
        help="the tour.yaml the tour was built from: notes on models can then be added and edited in "
        "the browser, and are saved beside it in notes/<model-id>.json (default: notes are read-only)",
    )
    p.set_defaults(func=run)


def add_server_arguments(p: argparse.ArgumentParser, *, address_help: str, token_help: str) -> None:
    """``--port``, ``--address``, ``--allow-origin``, ``--token`` (default ``$VTOUR_TOKEN``) and ``--show``: the
    options of a command that serves (``vtour serve``, ``vtour edit``); the two differ in what the address and
    the token guard, which their help says."""
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)")
    p.add_argument(
        "--address", default=DEFAULT_ADDRESS, help=f"address to listen on (default {DEFAULT_ADDRESS}: {address_help})"
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
        help=f"{token_help} (default: $VTOUR_TOKEN, which other users cannot read in the process list; else none on "
        "127.0.0.1 and a generated one, printed with the address, on any other address)",
    )
    p.add_argument("--show", action=argparse.BooleanOptionalAction, default=False, help="open a browser (default: no)")


def run(args: argparse.Namespace) -> int:
    check_port(args.port)
    if is_built_collection(Path(args.tour)):
        serve_collection(
            args.tour, port=args.port, address=args.address, allow_origin=args.allow_origin, show=args.show
        )
        return 0
    serve_tour(
        args.tour,
        port=args.port,
        address=args.address,
        allow_origin=args.allow_origin,
        show=args.show,
        sources=args.sources,
        token=args.token,
    )
    return 0
