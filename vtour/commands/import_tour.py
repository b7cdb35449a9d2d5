"""``vtour import CONFIG -o TOUR.yaml``: a Marzipano or Pannellum tour into a tour.yaml."""

from __future__ import annotations

import argparse

from vtour.tour.peer_import import import_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="a Marzipano data.js or Pannellum config to a tour.yaml",
        description="Read a Marzipano Tool data.js or a Pannellum config (a scene or a "
        "tour; equirectangular, cubemap or multires), copy its panoramas "
        "(or assemble cube faces from its tiles) under panoramas/ next to "
        "the output, and write a tour.yaml with its views and hotspots.",
    )
    p.add_argument("config", metavar="CONFIG", help="data.js or a Pannellum .json")
    p.add_argument("-o", "--out", required=True, metavar="TOUR.yaml", help="tour.yaml to write")
    p.add_argument("--language", default="en", help="language of the peer's texts (default en)")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace existing files that differ (a tour.yaml, captures under panoramas/); refused without",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = import_config(args.config, args.out, language=args.language, force=args.force)
    print(f"{out}: written; check it with vtour validate {out}")
    return 0
