"""Serve this tour on 127.0.0.1 and open it in a browser in kiosk mode. Python 3 standard library only."""

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import webbrowser
from pathlib import Path

HERE = Path(__file__).resolve().parent
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

    def list_directory(self, path):
        self.send_error(404)

    def log_message(self, *args):
        pass


def make_server(port=0, directory=HERE):
    """A threaded HTTP server for ``directory`` on 127.0.0.1 (port 0: a free one); not yet serving."""
    handler = functools.partial(Handler, directory=str(directory))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def find_browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return next((p for p in WINDOWS if os.path.exists(p)), None)


def kiosk_command(browser, url):
    if "firefox" in os.path.basename(browser).lower():
        return [browser, "--kiosk", url]
    return [
        browser,
        "--kiosk",
        "--no-first-run",
        "--disable-translate",
        "--noerrdialogs",
        "--disable-session-crashed-bubble",
        "--user-data-dir=" + str(HERE / ".browser-profile"),
        url,
    ]


def main(argv=sys.argv[1:]):
    port = int(argv[0]) if argv else 0
    server = make_server(port)
    url = "http://127.0.0.1:%d/index.html" % server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("serving", url, "(Ctrl+C to stop)")
    browser = find_browser()
    try:
        if browser:
            subprocess.call(kiosk_command(browser, url))
        else:
            webbrowser.open(url)
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
