"""``vtour package DIR -o FILE.zip [--kiosk ...]``: a built tour as one self-contained zip (docs/kiosk.md)."""

from __future__ import annotations

import argparse
import logging

from vtour.errors import VtourError
from vtour.package import DEFAULT_AUTOTOUR_S, package_tour

log = logging.getLogger(__name__)


def _scene_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "package",
        help="zip a built tour (optionally an offline kiosk package)",
        description="Zip a built tour. --kiosk makes a kiosk package: a launcher (launch.py/.sh/.bat, and "
        "`python3 FILE.zip` runs it from the zip) serves it on 127.0.0.1 and keeps a browser open on it in "
        "kiosk mode, offline. Kiosk times not given here come from tour.yaml's kiosk: section, else the "
        "viewer's defaults.",
    )
    p.add_argument("tour", metavar="DIR", help="built tour folder")
    p.add_argument("-o", "--out", required=True, metavar="FILE.zip", help="zip to write")
    p.add_argument("--kiosk", action="store_true", help="make a kiosk package (launcher, kiosk.json)")
    k = p.add_argument_group("kiosk options (with --kiosk)")
    k.add_argument("--pin", metavar="DIGITS", help="staff-exit PIN, 4 to 12 digits (default: no staff exit)")
    k.add_argument("--daily-restart", metavar="HH:MM", help="restart the browser every day at this local time")
    k.add_argument(
        "--idle",
        type=float,
        metavar="SECONDS",
        help="seconds without input before the countdown (0: never; default tour.yaml kiosk.idleSeconds, else 60)",
    )
    k.add_argument(
        "--countdown",
        type=float,
        metavar="SECONDS",
        help="the 'are you still there?' countdown (default tour.yaml kiosk.countdownSeconds, else 15)",
    )
    k.add_argument(
        "--attract-scenes",
        type=_scene_list,
        metavar="ID,ID",
        help="the scenes the attract loop shows (default: every scene)",
    )
    k.add_argument(
        "--attract-seconds", type=float, metavar="SECONDS", help="seconds per scene in the attract loop (default 20)"
    )
    k.add_argument(
        "--idle-return",
        type=float,
        metavar="SECONDS",
        help="older form of --idle: after SECONDS idle, straight back (a countdown of 0 unless --countdown is given)",
    )
    k.add_argument(
        "--autotour",
        nargs="?",
        type=float,
        const=DEFAULT_AUTOTOUR_S,
        default=None,
        metavar="SECONDS",
        help=f"older form of --attract-seconds ({DEFAULT_AUTOTOUR_S} when given bare; 0: as if not given, the tour's "
        "own seconds per scene, else 20)",
    )
    p.set_defaults(func=run)


#: The options that only a kiosk package takes (argparse dest: the option as typed).
KIOSK_ONLY = {
    "pin": "--pin",
    "daily_restart": "--daily-restart",
    "idle": "--idle",
    "countdown": "--countdown",
    "attract_scenes": "--attract-scenes",
    "attract_seconds": "--attract-seconds",
    "idle_return": "--idle-return",
    "autotour": "--autotour",
}


def run(args: argparse.Namespace) -> int:
    if not args.kiosk:
        for dest, option in KIOSK_ONLY.items():
            if getattr(args, dest) is not None:
                raise VtourError(
                    "package",
                    f"{option} is a kiosk option, and without --kiosk this is a plain zip",
                    field=option,
                    fix="add --kiosk, or leave the option out",
                )
    out = package_tour(
        args.tour,
        args.out,
        kiosk=args.kiosk,
        idle_return_s=args.idle_return,
        autotour=args.autotour,
        pin=args.pin,
        daily_restart=args.daily_restart,
        idle=args.idle,
        countdown=args.countdown,
        attract_scenes=args.attract_scenes,
        attract_seconds=args.attract_seconds,
    )
    log.info("package: wrote %s (%.1f MB)", out, out.stat().st_size / 1e6)
    return 0
