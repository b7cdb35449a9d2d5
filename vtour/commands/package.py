"""``vtour package DIR -o FILE.zip [--kiosk]``: a built tour as one self-contained zip."""

from __future__ import annotations

import argparse
import logging

from vtour.package import DEFAULT_AUTOTOUR_S, DEFAULT_IDLE_RETURN_S, package_tour

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "package",
        help="zip a built tour (optionally an offline kiosk package)",
        description="Zip a built tour. --kiosk adds a launcher (launch.py/.sh/.bat) that serves "
        "it on 127.0.0.1 and opens a browser in kiosk mode, offline.",
    )
    p.add_argument("tour", metavar="DIR", help="built tour folder")
    p.add_argument("-o", "--out", required=True, metavar="FILE.zip", help="zip to write")
    p.add_argument("--kiosk", action="store_true", help="add the kiosk launcher and idle behaviour")
    p.add_argument(
        "--idle-return",
        type=float,
        default=DEFAULT_IDLE_RETURN_S,
        metavar="SECONDS",
        help=f"kiosk: back to the start scene after this long idle (default {DEFAULT_IDLE_RETURN_S}; 0: never)",
    )
    p.add_argument(
        "--autotour",
        nargs="?",
        type=float,
        const=DEFAULT_AUTOTOUR_S,
        default=0,
        metavar="SECONDS",
        help=f"kiosk: when idle, move to the next scene every SECONDS (default {DEFAULT_AUTOTOUR_S})",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = package_tour(args.tour, args.out, kiosk=args.kiosk, idle_return_s=args.idle_return, autotour=args.autotour)
    log.info("package: wrote %s (%.1f MB)", out, out.stat().st_size / 1e6)
    return 0
