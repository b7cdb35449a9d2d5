"""The ``vtour`` command. The only place where exceptions become exit codes.

Each subcommand lives in ``vtour/commands/<name>.py`` and exposes ``register(subparsers)``, which
adds its parser and sets ``func(args) -> int``. Its defaults come from the library's exported
constants, never restated here.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import warnings

from vtour import __version__
from vtour.errors import VtourError, VtourWarning

#: Subcommand modules, in the order ``vtour --help`` lists them.
COMMANDS: tuple[str, ...] = (
    "pano",
    "model",
    "render",
    "sample",
    "demo",
    "build",
    "validate",
    "import_tour",
    "serve",
    "package",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vtour", description="Museum captures to virtual tours.")
    parser.add_argument("--version", action="version", version=f"vtour {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"vtour.commands.{name}").register(sub)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None):
    prefix = "warning" if issubclass(category, VtourWarning) else category.__name__
    print(f"{prefix}: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s", stream=sys.stderr)
    warnings.showwarning = _show_warning
    try:
        return int(args.func(args) or 0)
    except VtourError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file system problem nothing above turned into a VtourError
        if args.debug:
            raise
        where = f": {exc.filename}" if exc.filename else ""
        print(
            f"error: {args.command}{where}: {exc.strerror or exc}; check the path and its permissions "
            "(--debug shows where)",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("interrupted; no partial output was left behind", file=sys.stderr)
        return 130
    except MemoryError:
        if args.debug:
            raise
        print(
            "error: out of memory; lower --max-pixels or the face size, or use a machine with more memory",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
