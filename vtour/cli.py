"""The ``vtour`` command. The only place where exceptions become exit codes.

Each subcommand lives in ``vtour/commands/<name>.py`` and exposes ``register(subparsers)``, which
adds its parser and sets ``func(args) -> int``. Its defaults come from the library's exported
constants, never restated here.

Every failure ends with one line on stderr saying what failed, and a non-zero exit: 2 for a problem
with the input, the options or the system (:class:`VtourError`, an ``OSError`` told by its errno),
3 for out of memory, 1 for an unexpected exception (a bug), 130/143 for Ctrl+C/SIGTERM (handled
alike, so the cleanup of a half-done step runs). ``--debug`` lets the exception through with its
traceback. Paths are the user's own: a hidden temporary name of :mod:`vtour.output` in a message is
mapped back to the path it stands for.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import re
import signal
import socket
import sys
import threading
import warnings

from vtour import __version__
from vtour.errors import VtourError, VtourWarning

#: Subcommand modules, in the order ``vtour --help`` lists them.
COMMANDS: tuple[str, ...] = (
    "pano",
    "image",
    "model",
    "render",
    "sample",
    "demo",
    "build",
    "validate",
    "import_tour",
    "serve",
    "edit",
    "package",
    "stats",
)

#: What an OSError means, by errno, and what would fix it (the rest: the system's words, the path).
OS_ERRORS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("the disk is full", "free some space, or write the output to another disk"),
    errno.EDQUOT: ("your disk quota is used up", "free some space, or write the output to another disk"),
    errno.EACCES: (
        "permission denied",
        "check that you may write there (its folder's permissions), or write elsewhere",
    ),
    errno.EPERM: ("permission denied", "check that you may write there (its folder's permissions), or write elsewhere"),
    errno.EROFS: ("the file system is read-only", "write the output elsewhere"),
    errno.EADDRINUSE: (
        "the port is in use",
        "pass another --port (0: any free one), or stop the program that holds it",
    ),
    errno.EADDRNOTAVAIL: ("this machine has no such address", "pass one of its addresses, or 127.0.0.1"),
    errno.ECONNREFUSED: ("the connection was refused", "check that the server or scheduler is running"),
}
_TIMED_OUT = (
    "timed out",
    "check that the server or scheduler it waits for is running and reachable, then try again",
)
_UNKNOWN_HOST = ("unknown host", "check the host name or address")

#: A hidden temporary entry of vtour.output (``.<name>.tmp-<8 hex>``, ``.<name>.old-<8 hex>``) as a
#: component of a path in a message; test_cli pins it to ``vtour.output.temp_path``.
_TEMP_COMPONENT = re.compile(r"(?P<parent>[^/\s]*)/\.(?P<name>[^/\s]+?)\.(?:tmp|old)-[0-9a-f]{8}(?=/|$|[\s:;,'\")])")


def user_paths(text: str) -> str:
    """``text`` with every hidden temporary path replaced by the user's path it stands for.

    ``D/.N.tmp-x/f`` is ``D/N/f`` (staged beside its destination); ``N/.N.tmp-x/f`` and
    ``D/.vtour-STEP.tmp-x/f`` are ``N/f`` and ``D/f`` (staged inside the destination).
    """

    def user(m: re.Match) -> str:
        parent, name = m["parent"], m["name"]
        inside = name == parent or name.startswith("vtour-")
        return parent if inside else f"{parent}/{name}"

    return _TEMP_COMPONENT.sub(user, text)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl+C's KeyboardInterrupt so that every ``finally`` runs."""


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
    print(f"{prefix}: {user_paths(str(message))}", file=sys.stderr)


def _os_error(exc: OSError) -> str:
    """What went wrong, with the user's path and what to do, in one line."""
    text = exc.strerror or _text(exc)
    if isinstance(exc, socket.gaierror):
        what, fix = _UNKNOWN_HOST
    elif isinstance(exc, TimeoutError) or exc.errno == errno.ETIMEDOUT or text.lower().startswith("timed out"):
        what, fix = _TIMED_OUT
    elif exc.errno in OS_ERRORS:
        what, fix = OS_ERRORS[exc.errno]
    else:
        what, fix = "", "check the path" if exc.filename else "--debug shows where"
    if what and text and text.lower() != what:
        what = f"{what} ({text})"
    where = "".join(f"{os.fsdecode(p)}: " for p in (exc.filename, exc.filename2) if p)
    return f"{where}{what or text}; {fix}"


def _flags(parser: argparse.ArgumentParser, command: str) -> set[str]:
    """The option strings the subcommand ``command`` offers."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {s for action in sub.choices[command]._actions for s in action.option_strings}


def _out_of_memory(offered: set[str]) -> str:
    flags = [flag for flag in ("--max-pixels", "--face-size") if flag in offered]
    if flags:  # a pixel step: its size options are what to lower
        return f"out of memory; lower {' or '.join(flags)}, or use a machine with more memory"
    return (
        "out of memory; the input needs more memory than this machine has: "
        "use smaller inputs or a machine with more memory"
    )


def _fail(line: str, code: int) -> int:
    print(user_paths(" ".join(f"error: {line}".split())), file=sys.stderr)
    return code


def _raise_terminated(pid: int):
    """A SIGTERM handler that raises :class:`Terminated` in process ``pid`` (a process forked from it
    inherits the handler: there SIGTERM ends it as it would have without vtour's handler)."""

    def on_sigterm(signum, frame):
        if os.getpid() != pid:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise Terminated

    return on_sigterm


def main(argv: list[str] | None = None) -> int:
    try:
        parser = build_parser()
    except Exception as exc:  # a command module that cannot be imported (a missing library, a broken install)
        return _fail(f"cannot start: {_unexpected(exc)} (reinstall vtour: pip install -e .)", 1)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s", stream=sys.stderr)
    # libvips logs every threadpool's end at INFO ("VIPS: threadpool completed ..."): noise to a user
    logging.getLogger("pyvips").setLevel(logging.WARNING)
    warnings.showwarning = _show_warning
    handler = None
    if threading.current_thread() is threading.main_thread():
        handler = signal.signal(signal.SIGTERM, _raise_terminated(os.getpid()))
    try:
        return _run(args, parser)
    finally:
        if handler is not None:
            signal.signal(signal.SIGTERM, handler)


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt as exc:
        how, code = ("stopped by SIGTERM", 143) if isinstance(exc, Terminated) else ("interrupted", 130)
        # only the commands that write output promise anything about it (serve and demo just stop)
        writes = args.command not in ("serve", "demo", "edit")
        print(f"{args.command}: {how}" + ("; no partial output was left behind" if writes else ""), file=sys.stderr)
        return code
    except SystemExit as exc:  # sys.exit() deep in a library: its status alone would end vtour silently
        if args.debug or exc.code in (None, 0):
            raise
        if isinstance(exc.code, int):
            return _fail(f"{args.command}: stopped with exit status {exc.code} {_BUG}", exc.code)
        return _fail(f"{args.command}: stopped: {exc.code} {_BUG}", 1)
    except Exception as exc:
        if args.debug:
            raise
        if isinstance(exc, VtourError):
            return _fail(_text(exc) or exc.message, 2)
        if isinstance(exc, MemoryError):
            return _fail(f"{args.command}: {_out_of_memory(_flags(parser, args.command))}", 3)
        if isinstance(exc, OSError):  # a system problem nothing above turned into a VtourError
            return _fail(f"{args.command}: {_os_error(exc)}", 2)
        return _fail(f"{args.command}: unexpected {_unexpected(exc)} {_BUG}", 1)
    except BaseException as exc:  # GeneratorExit or a library's own BaseException: still one line
        if args.debug:
            raise
        return _fail(f"{args.command}: unexpected {_unexpected(exc)} {_BUG}", 1)


_BUG = "(a bug in vtour; --debug shows the traceback to report)"


def _text(exc: BaseException) -> str:
    """``str(exc)``, or "" when even that fails (an exception whose ``__str__`` raises)."""
    try:
        return str(exc)
    except Exception:
        return ""


def _unexpected(exc: BaseException) -> str:
    """``Name: message``, or the name alone when the message is empty or cannot be made."""
    text = _text(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


if __name__ == "__main__":
    raise SystemExit(main())
