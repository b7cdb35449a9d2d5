"""Serve this tour on 127.0.0.1 and open it in a browser in kiosk mode. Python 3 standard library only.

    python3 launch.py [PORT] [--no-browser]

PORT 0 (the default) takes any free port. The launcher exits when the browser closes, and exits
non-zero, no longer serving, when no browser can be started (``--no-browser`` serves until Ctrl+C, for
a browser started otherwise). The browser's profile is a temporary folder, removed on exit: the
package may be on read-only media, and a kiosk keeps nothing between runs.
"""

import argparse
import errno
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import webbrowser
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROG = "launch.py"
TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".glb": "model/gltf-binary",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".wasm": "application/wasm",
}
BROWSERS = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "msedge",
    "chrome",
    "firefox",
]
WINDOWS = [
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Mozilla Firefox\firefox.exe",
]


class Handler(http.server.SimpleHTTPRequestHandler):
    # typeshed declares extensions_map an instance variable of the base class, so no ClassVar here
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}  # noqa: RUF012
    # keep-alive: a viewer asks for dozens of tiles at once, and a new connection per tile costs a
    # round of TCP set-up each; an idle connection is closed after `timeout` seconds
    protocol_version = "HTTP/1.1"
    timeout = 30
    # headers and body go out as two writes: with Nagle's algorithm the body waits for the client's
    # delayed ACK of the headers (40 ms on Linux) on a kept-alive connection
    disable_nagle_algorithm = True

    def send_head(self):
        if "\x00" in self.translate_path(self.path):  # open() would raise ValueError: a dropped connection
            self.send_error(400, "NUL byte in the URL")
            return None
        return super().send_head()

    def list_directory(self, path):
        self.send_error(404)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    # the default backlog of 5 refuses (then retries after 1 s) a browser's burst of tile requests
    request_queue_size = 128


def make_server(port=0, directory=HERE):
    """A threaded HTTP server for ``directory`` on 127.0.0.1 (port 0: a free one); not yet serving."""
    handler = functools.partial(Handler, directory=str(directory))
    return Server(("127.0.0.1", port), handler)


def find_browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return next((p for p in WINDOWS if os.path.exists(p)), None)


def kiosk_command(browser, url, profile):
    """The command line that opens ``url`` in kiosk mode, with its profile in the folder ``profile``."""
    if "firefox" in os.path.basename(browser).lower():
        return [browser, "--kiosk", "--no-remote", "--profile", str(profile), url]
    return [
        browser,
        "--kiosk",
        "--no-first-run",
        "--disable-translate",
        "--noerrdialogs",
        "--disable-session-crashed-bubble",
        "--user-data-dir=" + str(profile),
        url,
    ]


def port_number(text):
    """argparse type: a TCP port number, 0 to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("%r is not a port number (0 to 65535; 0: any free port)" % text)
    return port


def parse_args(argv):
    parser = argparse.ArgumentParser(prog=PROG, description="Serve this tour on 127.0.0.1 and open it in kiosk mode.")
    parser.add_argument("port", metavar="PORT", nargs="?", type=port_number, default=0, help="default 0: any free")
    parser.add_argument("--no-browser", action="store_true", help="serve only, until Ctrl+C")
    return parser.parse_args(argv)


def fail(message):
    print("%s: %s" % (PROG, message), file=sys.stderr)
    return 1


def open_browser(url):
    """Run a browser in kiosk mode on ``url`` until it closes; return an error message, or None."""
    browser = find_browser()
    retry = "; install Chromium, or run `python3 %s --no-browser` and open %s yourself" % (PROG, url)
    if not browser:
        if not webbrowser.open(url):
            return "no web browser found" + retry
        threading.Event().wait()  # the system's browser runs on its own: serve until Ctrl+C
    profile = tempfile.mkdtemp(prefix="vtour-kiosk-")
    try:
        code = subprocess.call(kiosk_command(browser, url, profile))
    except OSError as exc:
        return "the browser %s could not be started (%s)%s" % (browser, exc.strerror or exc, retry)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if code != 0:
        return "the browser %s exited with code %d%s" % (browser, code, retry)
    return None


def main(argv=None, directory=HERE):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        server = make_server(args.port, directory)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return fail("port %d on 127.0.0.1 is in use; pass another port, or 0 for any free one" % args.port)
        return fail("cannot serve on 127.0.0.1 port %d (%s)" % (args.port, exc.strerror or exc))
    url = "http://127.0.0.1:%d/index.html" % server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("serving", url, "(Ctrl+C to stop)", flush=True)
    try:
        if args.no_browser:
            threading.Event().wait()
        error = open_browser(url)
    except KeyboardInterrupt:
        error = None
    finally:
        server.shutdown()
        server.server_close()
    return fail(error) if error else 0


if __name__ == "__main__":
    sys.exit(main())
