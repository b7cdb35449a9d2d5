"""``vtour stats LOG...``: visitor statistics from kiosk event logs (:mod:`vtour.stats`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from vtour.errors import VtourError
from vtour.serve import DEFAULT_ADDRESS, DEFAULT_PORT, check_port


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stats",
        help="visitor statistics from kiosk event logs (events-*.jsonl)",
        description="Read the visit events a kiosk logged (vtour package --kiosk writes them to "
        "<state>/logs/events-YYYY-MM-DD.jsonl) and print visits per day and hour, the most visited "
        "scenes and objects, dwell time per scene, languages, idle resets and visit durations. A torn "
        "last line (a power cut) is skipped with a warning; any other bad line is an error.",
    )
    p.add_argument(
        "logs",
        metavar="LOG",
        nargs="+",
        help="log files, folders holding events-*.jsonl (or a logs/ folder of them), or glob patterns",
    )
    p.add_argument("-o", "--output", metavar="REPORT.html", help="also write one self-contained HTML report with plots")
    p.add_argument("--csv", metavar="TABLE.csv", help="also write the tables as CSV (table,key,measure,value)")
    p.add_argument(
        "--tz", metavar="ZONE", help="time zone of the days and hours (IANA name or UTC; default: this machine's)"
    )
    p.add_argument(
        "--top", type=_positive, default=20, metavar="N", help="scenes and objects listed (default: %(default)s)"
    )
    s = p.add_argument_group("serving (--serve)")
    s.add_argument(
        "--serve",
        action="store_true",
        help="serve the figures as a Panel app (days, language, a Reload logs button) instead of printing the "
        "tables (-o and --csv are still written first)",
    )
    s.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)")
    s.add_argument(
        "--address",
        default=DEFAULT_ADDRESS,
        help=f"address to listen on (default {DEFAULT_ADDRESS}: this machine only; 0.0.0.0: every interface, with "
        "a warning: the app is read-only, but shows the figures to whoever reaches it)",
    )
    s.add_argument("--show", action=argparse.BooleanOptionalAction, default=False, help="open a browser (default: no)")
    p.set_defaults(func=run)


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {n}")
    return n


def check_output(path: str, option: str, logs: list[Path]) -> None:
    """An output file of ``option`` must not be a log read (nor any ``*.jsonl``: a kiosk log's name)
    and its folder must exist; VtourError naming the option and path otherwise."""
    target = Path(path)
    resolved = target.resolve()
    if resolved in {Path(f).resolve() for f in logs} or target.suffix.lower() == ".jsonl":
        raise VtourError(
            "stats",
            "the output would replace a kiosk log" + (" read" if resolved in logs else " (a .jsonl file)"),
            path=target,
            field=option,
            fix=f"give {option} a new file name, e.g. report.html or tables.csv",
        )
    if target.is_dir():
        raise VtourError("stats", "the output is a folder", path=target, field=option, fix="name a file in it")
    if not resolved.parent.is_dir():
        raise VtourError(
            "stats",
            "the output's folder does not exist",
            path=target,
            field=option,
            fix="create the folder first, or name a file in an existing one",
        )


def run(args: argparse.Namespace) -> int:
    from vtour.stats import log_files, stats_from_logs, text_report, write_csv_report, write_html_report

    if args.serve:
        check_port(args.port)
    if args.csv or args.output:
        files = log_files(args.logs)
        for option, path in (("--csv", args.csv), ("-o", args.output)):
            if path:
                check_output(path, option, files)
    stats = stats_from_logs(args.logs, tz=args.tz)
    if not args.serve:
        print(text_report(stats, top=args.top), end="")
    if args.csv:
        write_csv_report(stats, args.csv)
        print(f"tables: {args.csv}")
    if args.output:
        write_html_report(stats, args.output, top=args.top)
        print(f"report: {args.output}")
    if args.serve:
        from vtour.panel_stats import serve_stats  # Panel only when serving

        serve_stats(args.logs, port=args.port, address=args.address, tz=args.tz, top=args.top, show=args.show)
    return 0
