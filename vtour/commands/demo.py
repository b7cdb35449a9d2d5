"""``vtour demo``: make the sample grotto if absent, build it, serve it on 127.0.0.1, with the demo's
collections and exhibition beside it (:mod:`vtour.collection.demo`).

The sample's sources go to DIR/tour.yaml, DIR/panoramas/ and DIR/models/ (DIR: the checkout's
root when run from one, else the current folder; those paths are git-ignored there) and are
reused on later runs; the build goes to DIR/export/vtour-sample/ and is incremental. Notes added
in the served app are saved in DIR/notes/ (and go into the next build).
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import yaml

from vtour.collection.demo import DEMO_COLLECTION, build_demo_collections
from vtour.errors import VtourError
from vtour.sample import DEFAULT_SAMPLE_OPTIONS, SAMPLE_ID, TINY_SAMPLE_OPTIONS, sample_is_complete, write_sample
from vtour.serve import DEFAULT_ADDRESS, DEFAULT_PORT, check_port, free_port, serve_tour
from vtour.tour.build import build_tour

log = logging.getLogger(__name__)


def default_folder() -> Path:
    """The vtour checkout this module runs from (pyproject.toml naming vtour), else the cwd."""
    root = Path(__file__).resolve().parents[2]
    project = root / "pyproject.toml"
    if project.is_file() and 'name = "vtour"' in project.read_text("utf-8", "replace"):
        return root
    return Path.cwd()


def _not_the_sample(folder: Path) -> list[Path]:
    """What in ``folder`` the sample would replace but did not write: a tour.yaml of another tour, or
    panoramas/ and models/ with files but no tour.yaml (the sample writes its tour.yaml last)."""
    tour = folder / "tour.yaml"
    if tour.exists():
        try:
            doc = yaml.safe_load(tour.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return [tour]
        return [] if isinstance(doc, dict) and doc.get("id") == SAMPLE_ID else [tour]
    return [d for d in (folder / "panoramas", folder / "models") if d.is_dir() and any(d.iterdir())]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help=f"build the sample grotto and serve it on {DEFAULT_ADDRESS}",
        description="Generate the sample grotto if it is absent (reused after), "
        "build it into DIR/export/vtour-sample and serve it on "
        f"{DEFAULT_ADDRESS}, printing the address.",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free one)")
    p.add_argument("--no-serve", dest="serve", action="store_false", help="build only")
    p.add_argument(
        "--dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where the sample's sources and export/ go (default: the checkout's root)",
    )
    p.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # small sizes, for tests
    p.set_defaults(func=run)


def collection_app(folder, prefix: str):
    """The Panel collection browser's page (imports Panel: only when serving)."""
    from vtour.panel_collection import collection_app as app

    return app(folder, prefix=prefix)


def run(args: argparse.Namespace) -> int:
    # the port first: before minutes of building, and the collections' IIIF ids name it
    port = (check_port(args.port) or free_port(DEFAULT_ADDRESS)) if args.serve else DEFAULT_PORT
    t0 = time.perf_counter()
    folder = (args.dir or default_folder()).absolute()
    if sample_is_complete(folder):
        log.info("demo: reusing the sample in %s", folder)
    else:
        foreign = _not_the_sample(folder)
        if foreign:  # the sample replaces tour.yaml, panoramas/ and models/ whole: never someone's own
            raise VtourError(
                "demo",
                f"{', '.join(map(str, foreign))} would be replaced by the sample grotto's and are not the sample's",
                path=folder,
                fix="pass --dir with an empty folder (or one holding the sample) for the demo",
            )
        options = TINY_SAMPLE_OPTIONS if args.tiny else DEFAULT_SAMPLE_OPTIONS
        log.info("demo: generating the sample grotto into %s (once; later runs reuse it)", folder)
        write_sample(folder, options, overwrite=True)
    # One process: the stages are few, and a process pool costs more than it saves on 2 cores.
    result = build_tour(folder / "tour.yaml", folder / "export" / SAMPLE_ID, jobs=1)
    print(f"vtour demo: built {result.out_dir} in {time.perf_counter() - t0:.1f} s")
    site_url = f"http://{DEFAULT_ADDRESS}:{port}"
    sites = build_demo_collections(folder, tiny=args.tiny, jobs=None, site_url=site_url).sites
    print(f"vtour demo: built {', '.join(str(p) for p in sites.values())} in {time.perf_counter() - t0:.1f} s")
    if not args.serve:
        return 0
    print(f"vtour demo: serving {site_url}/ (Ctrl+C stops)", flush=True)
    for prefix in sites:
        print(f"vtour demo: {site_url}/{prefix}/", flush=True)
    print(f"vtour demo: the collection browser at {site_url}/collection", flush=True)
    # the sample's tour.yaml as the sources: notes made in the demo are saved in DIR/notes/
    serve_tour(
        result.out_dir,
        port=port,
        address=DEFAULT_ADDRESS,
        show=False,
        sources=folder / "tour.yaml",
        sites=sites,
        apps={"collection": collection_app(sites[DEMO_COLLECTION], prefix=f"/{DEMO_COLLECTION}")},
    )
    return 0


__all__ = ["default_folder", "register", "run"]
