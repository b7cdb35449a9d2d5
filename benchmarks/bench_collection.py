"""Collection benchmark (issue 14): the catalogue against Pagefind in headless Chromium, and the collection
build's time per object on one machine and on a Dask LocalCluster. One run; prints tables and ratios.

    .venv/bin/python benchmarks/bench_collection.py            # catalogue at 1,000 and 100,000; builds of 50, 200
    .venv/bin/python benchmarks/bench_collection.py --catalogue-sizes 1000 --skip-build      # a quick look
    .venv/bin/python benchmarks/bench_collection.py --skip-catalogue --sizes 50 200 1000     # the build's growth

Part A, the catalogue (index only, no media): ``synthetic_objects(n)`` -> ``catalogue_record`` ->
``catalogue_files`` under OUT/catalogue/, ``catalogue_html`` as OUT/index.html, vtour-catalogue.js in
OUT/viewer/. The peer is Pagefind (npm ``pagefind``, the usual static-site search, which also splits its index
into chunks fetched on demand): one small page per object holding what the catalogue indexes (title, date,
period, material, museum, description, tags and id, in en and zh; period, material and museum as
``data-pagefind-filter``), ``<html lang="zh">`` because only its Chinese index segments Chinese words (it
then also matches English words, unstemmed), indexed by ``pagefind --site``; its search page is the
JavaScript API alone (no Pagefind UI, whose script and CSS would add about 140 kB), calling ``init()`` on
load. Both sites are served by one threaded HTTP server on 127.0.0.1, uncompressed, each visit in a fresh
browser context (nothing cached).

- first load: every request until the page is idle with its first view (vtour: the catalogue's first page of
  cards, no query; Pagefind: the search page after ``init()``, before any search): bytes as served, and
  gzip -9 of the same files (what a compressing CDN would send; Pagefind's index files are gzipped already).
- search: from the query to its first page of results in the DOM, ``performance.now`` in the page. vtour:
  ``window.vtourCatalogue.searchMs`` (CatalogueView times the state change to the 24 cards rendered);
  Pagefind: ``await pagefind.search(q)``, then ``data()`` of the first 10 results and 10 list items
  rendered (what a results page shows). Cold: the first query of a fresh visit (median of ``--runs``
  visits), with the bytes and requests it fetched; warm: the same query again in that page (its index files
  already fetched). Also the time to the count (vtour ``indexMs``: matching records known; Pagefind:
  ``search()`` resolved) and to the first cards (vtour ``firstCardMs``: cards fill in as their record shards
  arrive; Pagefind shows all 10 at once). Queries: an English word, a Chinese two-character word, a single
  Chinese character, a prefix as typed.
- index: bytes and files of the search data on disk (vtour: catalogue/; Pagefind: index/, fragment/,
  filter/, the entry and meta files, not its scripts and wasm), and the time to make it (vtour: records,
  shards, files written; Pagefind: the ``pagefind`` command; writing its HTML pages is shown apart).

Part B, the build (no peer: nothing else builds object pages with six views, levels and deep zoom from a
collection): ``write_synthetic_collection`` (with ../shared/data/meshes when present) of the largest size, one
collection file per size holding its first objects with :data:`BUILD_SETTINGS`, ``build_collection`` of each
(own cache, ``--jobs``), then the smallest again on a ``distributed.LocalCluster`` (2 worker processes,
1 thread each, its own cache), whose output is compared with the local one byte for byte, and a rebuild
after editing one object's title (what it redid: pages made, files written, stages built).
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import html
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGEFIND = ROOT / "node_modules" / ".bin" / "pagefind"
MESHES = ROOT.parent / "shared" / "data" / "meshes"
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT / "tests")]

import helpers  # noqa: E402  (the browser harness: server, Chromium flags)

#: (what it stands for, query): words every synthetic collection holds (vtour.collection.synthetic).
QUERIES = (
    ("English word", "bronze"),
    ("Chinese word", "青铜"),
    ("Chinese character", "鼎"),
    ("prefix, typing", "caul"),
)
#: collection.yaml settings of the build benchmark: realistic but moderate (the demo's levels).
BUILD_SETTINGS = {
    "views": {"size": 512, "turntable": 24, "turntable_size": 256},
    "lod": {"levels": ["2000:512", "20000:1024"]},
}
#: Pagefind files that are its search data (the rest are its scripts, wasm and UI).
PAGEFIND_DATA = ("index", "fragment", "filter")
W, H = 1024, 768

VTOUR_SEARCH = """async (q) => {
  const hook = window.vtourCatalogue;
  await hook.view.update({q, page: 1}, false);
  if (hook.error) throw new Error(hook.error);
  return {ms: hook.searchMs, countMs: hook.indexMs, firstMs: hook.firstCardMs ?? hook.searchMs, total: hook.total};
}"""
PAGEFIND_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Search</title></head>
<body><input type="search" id="q" aria-label="Search"><ol id="results"></ol><script type="module">
const pagefind = await import("./pagefind/pagefind.js");
await pagefind.init();
const list = document.getElementById("results");
window.bench = {ready: true, search: async (q) => {
  const t0 = performance.now();
  const search = await pagefind.search(q);
  const countMs = performance.now() - t0;
  const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
  list.replaceChildren(...data.map((d) => {
    const li = document.createElement("li"), a = document.createElement("a");
    a.href = d.url; a.textContent = d.meta.title; li.append(a); return li;
  }));
  const ms = performance.now() - t0;
  return {ms, countMs, firstMs: ms, total: search.results.length};
}};
</script></body></html>
"""
PAGEFIND_SEARCH = "async (q) => window.bench.search(q)"


# ---------------------------------------------------------------------------------------------------
# the two sites


def folder_bytes(folder: Path) -> tuple[int, int]:
    """(bytes, files) under ``folder``."""
    sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file()]
    return sum(sizes), len(sizes)


def vtour_site(objects: list, folder: Path) -> dict:
    """The catalogue of ``objects`` in ``folder`` (index.html, catalogue/, viewer/); its index's time and size."""
    from vtour.collection.build import collection_meta
    from vtour.collection.catalogue import catalogue_files, catalogue_html, catalogue_record
    from vtour.collection.document import Collection
    from vtour.collection.synthetic import collection_header
    from vtour.site import bundle_path

    head = collection_header(("en", "zh"))
    c = Collection(
        id=head["id"],
        title=head["title"],
        languages=tuple(head["languages"]),
        description=head["description"],
        objects=tuple(objects),
    )
    t0 = time.perf_counter()
    meta = collection_meta(c)
    files = catalogue_files(meta, [catalogue_record(c, o, thumb=None) for o in objects])
    for rel, data in files.items():
        path = folder / "catalogue" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    seconds = time.perf_counter() - t0
    (folder / "index.html").write_text(catalogue_html(meta), encoding="utf-8")
    (folder / "viewer").mkdir()
    shutil.copyfile(bundle_path("vtour-catalogue.js"), folder / "viewer" / "vtour-catalogue.js")
    size, count = folder_bytes(folder / "catalogue")
    return {"index s": seconds, "index bytes": size, "index files": count, "pages s": None}


def _both(texts) -> str:
    return " / ".join(html.escape(texts[lang]) for lang in ("en", "zh") if texts and texts.get(lang))


def object_page(o) -> str:
    """One object's page for Pagefind: what the catalogue indexes, in en and zh."""
    e = html.escape

    def filt(name: str, texts) -> str:
        return f'<p data-pagefind-filter="{name}">{e(texts["en"])}</p>' if texts else ""

    tags = " · ".join(_both(t) for t in o.tags)
    return (
        f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{_both(o.title)}</title></head>'
        f"<body><main data-pagefind-body><h1>{_both(o.title)}</h1><p>{e(o.id)}</p><p>{_both(o.date)}</p>"
        f"<p>{_both(o.period)}</p>{filt('period', o.period)}<p>{_both(o.material)}</p>{filt('material', o.material)}"
        f"<p>{_both(o.museum)}</p>{filt('museum', o.museum)}<p>{_both(o.description)}</p><p>{tags}</p>"
        "</main></body></html>"
    )


def pagefind_site(objects: list, folder: Path, timeout: float) -> dict | None:
    """One page per object and Pagefind's index of them in ``folder``; None when Pagefind ran past ``timeout`` s."""
    t0 = time.perf_counter()
    for o in objects:
        page = folder / "objects" / o.id / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(object_page(o), encoding="utf-8")
    pages_s = time.perf_counter() - t0
    (folder / "search.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    t0 = time.perf_counter()
    try:
        subprocess.run([str(PAGEFIND), "--site", str(folder), "--silent"], check=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    seconds = time.perf_counter() - t0
    bundle = folder / "pagefind"
    data = [folder_bytes(bundle / d) for d in PAGEFIND_DATA]
    loose = [p.stat().st_size for p in bundle.iterdir() if p.suffix == ".pf_meta" or p.name == "pagefind-entry.json"]
    size = sum(b for b, _ in data) + sum(loose)
    count = sum(n for _, n in data) + len(loose)
    return {"index s": seconds, "index bytes": size, "index files": count, "pages s": pages_s}


# ---------------------------------------------------------------------------------------------------
# Chromium


class Visit:
    """A fresh browser context on one page, recording the files it fetched (sizes read from the site)."""

    def __init__(self, browser, base: str, site: Path, path: str, ready: str):
        self.site, self.prefix = site, urllib.parse.urlsplit(base + path).path.rsplit("/", 1)[0] + "/"
        self.ctx = browser.new_context(viewport={"width": W, "height": H}, device_scale_factor=1)
        self.page = self.ctx.new_page()
        self.fetched: list[tuple[int, int]] = []  # (bytes as served, gzip -9 bytes)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"{r.url}: {r.failure}"))
        self.ctx.on("requestfinished", self._finished)
        self.page.goto(base + path)
        self.page.wait_for_function(ready, timeout=120_000, polling=20)
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_timeout(200)
        self.loaded_at_start = self.loaded()

    def _finished(self, request) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(request.url).path)
        file = self.site / path.removeprefix(self.prefix) if path.startswith(self.prefix) else None
        if file is not None and file.is_file():  # the server sends files as they are: encoded = on disk
            data = file.read_bytes()
            self.fetched.append((len(data), len(gzip.compress(data, 9))))
        else:
            size = request.sizes()["responseBodySize"]
            self.fetched.append((size, size))

    def loaded(self) -> dict:
        return {
            "bytes": sum(b for b, _ in self.fetched),
            "gzip": sum(g for _, g in self.fetched),
            "requests": len(self.fetched),
        }

    def search(self, js: str, q: str) -> dict:
        before = len(self.fetched)
        result = self.page.evaluate(js, q)
        self.page.wait_for_timeout(150)  # the last responses' events reach Python a little later
        result["bytes"] = sum(b for b, _ in self.fetched[before:])
        result["requests"] = len(self.fetched) - before
        return result

    def close(self) -> None:
        self.ctx.close()
        if self.errors:
            raise SystemExit(f"the page failed: {self.errors[:3]}")


def visit_once(browser, base: str, target: tuple, q: str) -> dict:
    """One fresh visit of ``target`` = (site, path, ready, search_js): its first load, then ``q`` cold and warm."""
    site, path, ready, search_js = target
    visit = Visit(browser, base, site, path, ready)
    first = visit.search(search_js, q)
    warm = [visit.search(search_js, q)["ms"] for _ in range(3)]
    visit.close()
    return {"load": visit.loaded_at_start, "first": first, "warm": warm}


def measure_sites(browser, base: str, targets: dict, runs: int) -> dict:
    """Per site: first-load bytes and each query's cold and warm times (medians over ``runs`` fresh visits).
    The sites take turns, visit by visit, first one then the other, so a busy moment falls on both."""
    samples: dict = {name: [] for name in targets}
    for i in range(runs):
        for _, q in QUERIES:
            order = list(targets) if i % 2 == 0 else list(targets)[::-1]
            for name in order:
                samples[name].append((q, visit_once(browser, base, targets[name], q)))
    med = statistics.median
    out = {}
    for name, rows in samples.items():

        def per_query(get, rows=rows):
            return {q: med(get(r) for qq, r in rows if qq == q) for _, q in QUERIES}

        out[name] = {
            "load": {k: med(r["load"][k] for _, r in rows) for k in rows[0][1]["load"]},
            "cold": per_query(lambda r: r["first"]["ms"]),
            "count": per_query(lambda r: r["first"]["countMs"]),
            "first card": per_query(lambda r: r["first"]["firstMs"]),
            "warm": {q: med(w for qq, r in rows if qq == q for w in r["warm"]) for _, q in QUERIES},
            "query bytes": per_query(lambda r: r["first"]["bytes"]),
            "query requests": per_query(lambda r: r["first"]["requests"]),
            "hits": {q: r["first"]["total"] for q, r in rows},
        }
    return out


def catalogue_part(sizes: list[int], runs: int, seed: int, timeout: float, tmp: Path, keep: bool) -> None:
    from playwright.sync_api import sync_playwright

    from vtour.collection.synthetic import synthetic_objects

    if not PAGEFIND.exists():
        raise SystemExit(f"{PAGEFIND} is missing: run npm ci at the repository root")
    version = subprocess.run([str(PAGEFIND), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"== Part A: catalogue in headless Chromium, index only (no media), vtour vs {version}")
    results: dict[int, dict] = {}
    for n in sizes:
        t0 = time.perf_counter()
        objects = synthetic_objects(n, seed)
        print(f"{n:,} objects: generated in {time.perf_counter() - t0:.1f} s", flush=True)
        sites = {"vtour": tmp / f"vtour-{n}", "pagefind": tmp / f"pagefind-{n}"}
        for folder in sites.values():
            folder.mkdir()
        built = {
            "vtour": vtour_site(objects, sites["vtour"]),
            "pagefind": pagefind_site(objects, sites["pagefind"], timeout),
        }
        del objects
        if built["pagefind"] is None:
            print(f"  Pagefind did not index {n:,} pages in {timeout:.0f} s (--pagefind-timeout): no peer at this size")
        server, base = helpers.start_server({"/v": sites["vtour"], "/p": sites["pagefind"]})
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=str(helpers.CHROMIUM), headless=True, args=helpers.CHROMIUM_ARGS
                )
                targets = {
                    "vtour": (
                        "v/index.html",
                        "() => window.vtourCatalogue && window.vtourCatalogue.ready",
                        VTOUR_SEARCH,
                    ),
                    "pagefind": ("p/search.html", "() => window.bench && window.bench.ready", PAGEFIND_SEARCH),
                }
                targets = {name: (sites[name], *t) for name, t in targets.items() if built[name] is not None}
                for site, path, ready, _ in targets.values():
                    Visit(browser, base, site, path, ready).close()  # warm-up: the browser's first pages
                measured = measure_sites(browser, base, targets, runs)
                results[n] = {name: {**built[name], **m} for name, m in measured.items()}
                browser.close()
        finally:
            server.shutdown()
        for folder in sites.values():
            if not keep:  # 100,000 pages: not kept longer than needed
                shutil.rmtree(folder, ignore_errors=True)
        print_catalogue(n, results[n], runs)
    print_catalogue_ratios(results)


def print_catalogue(n: int, r: dict, runs: int) -> None:
    med = statistics.median
    print(f"\n{n:,} objects; first load and search: median of {runs} fresh visits per query, warm: 3 repeats each")
    print(
        f"{'':9} {'first load B':>12} {'gzip B':>9} {'requests':>8} {'index B':>12} {'files':>7} {'index s':>8} "
        f"{'pages s':>8} {'cold ms':>8} {'count ms':>8} {'warm ms':>8}"
    )
    for name, v in r.items():
        pages = "" if v["pages s"] is None else f"{v['pages s']:.1f}"
        load = v["load"]
        print(
            f"{name:9} {load['bytes']:12,.0f} {load['gzip']:9,.0f} {load['requests']:8.0f} {v['index bytes']:12,} "
            f"{v['index files']:7,} {v['index s']:8.1f} {pages:>8} {med(v['cold'].values()):8.1f} "
            f"{med(v['count'].values()):8.1f} {med(v['warm'].values()):8.1f}"
        )
    print(
        "(cold: query -> first page of results in the DOM, first query of a visit; count: query -> matches known;"
        " first card: -> the first results shown; cold B, requests: what the cold query fetched)"
    )
    print(
        f"{'query':28} {'':9} {'hits':>8} {'cold ms':>8} {'count ms':>8} {'1st card':>8} {'warm ms':>8} "
        f"{'cold B':>9} {'requests':>8}"
    )
    for what, q in QUERIES:
        label = f"{what} {q}"
        label += " " * (28 - len(label) - sum(unicodedata.east_asian_width(c) == "W" for c in label))
        for name, v in r.items():
            print(
                f"{label} {name:9} {v['hits'][q]:8,} {v['cold'][q]:8.1f} {v['count'][q]:8.1f} "
                f"{v['first card'][q]:8.1f} {v['warm'][q]:8.1f} {v['query bytes'][q]:9,.0f} "
                f"{v['query requests'][q]:8.0f}"
            )
            label = " " * 28


def print_catalogue_ratios(results: dict) -> None:
    print("\nratios vtour/Pagefind (below 1: vtour smaller or faster); goal: first load < 300 kB, search < 100 ms")
    for n, r in results.items():
        if "pagefind" not in r:
            print(
                f"{n:>9,} objects: no Pagefind index (see above); vtour first load {r['vtour']['load']['bytes']:,.0f} B"
            )
            continue
        v, p = r["vtour"], r["pagefind"]
        med = statistics.median
        print(
            f"{n:>9,} objects: first load {v['load']['bytes'] / p['load']['bytes']:.2f} "
            f"(gzip {v['load']['gzip'] / p['load']['gzip']:.2f}), "
            f"search cold {med(v['cold'].values()) / med(p['cold'].values()):.2f}, "
            f"warm {med(v['warm'].values()) / med(p['warm'].values()):.2f}, "
            f"index bytes {v['index bytes'] / p['index bytes']:.2f}, index time {v['index s'] / p['index s']:.2f}"
        )


# ---------------------------------------------------------------------------------------------------
# the build


def sized_collections(source: Path, sizes: list[int]) -> dict[int, Path]:
    """collection-<n>.yaml beside ``source``: its first n objects, with BUILD_SETTINGS."""
    import yaml

    doc = yaml.safe_load(source.read_text("utf-8"))
    out = {}
    for n in sizes:
        path = source.with_name(f"collection-{n}.yaml")
        sized = {**doc, **BUILD_SETTINGS, "objects": doc["objects"][:n]}
        path.write_text(yaml.safe_dump(sized, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
        out[n] = path
    return out


def edit_one_title(path: Path) -> str:
    """Append " (edited)" to the first object's English title; returns its id."""
    import yaml

    doc = yaml.safe_load(path.read_text("utf-8"))
    first = doc["objects"][0]
    first["title"]["en"] += " (edited)"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return first["id"]


def same_tree(a: Path, b: Path) -> list[str]:
    """Relative paths whose bytes differ between two folders (or that only one has)."""
    differ = []

    def walk(cmp: filecmp.dircmp, rel: str) -> None:
        differ.extend(f"{rel}{n}" for n in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        differ.extend(f"{rel}{n}" for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{rel}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return differ


def build_part(sizes: list[int], jobs: int | None, seed: int, cluster: bool, tmp: Path) -> None:
    from vtour.collection.build import build_collection
    from vtour.collection.synthetic import write_synthetic_collection

    sizes = sorted(set(sizes))
    meshes = MESHES if MESHES.is_dir() else None
    print("\n== Part B: collection build, per object (no peer builds this pipeline: none is run)")
    print(f"settings: {BUILD_SETTINGS}; jobs {jobs or f'one per core ({os.cpu_count()})'}; meshes {meshes or 'none'}")
    t0 = time.perf_counter()
    source = write_synthetic_collection(tmp / "src", sizes[-1], seed=seed, meshes=meshes)
    print(f"sources of {sizes[-1]:,} objects written in {time.perf_counter() - t0:.0f} s", flush=True)
    paths = sized_collections(source, sizes)
    rows = []
    for n in sizes:
        result = build_collection(paths[n], tmp / f"out-{n}", jobs=jobs, cache_dir=tmp / f"cache-{n}")
        rows.append(("local", n, result.seconds, len(result.built)))
        print(f"  built {n} objects on this machine in {result.seconds:.0f} s", flush=True)
    n0 = sizes[0]
    if cluster:
        from distributed import LocalCluster

        t0 = time.perf_counter()
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as lc:
            started = time.perf_counter() - t0
            result = build_collection(
                paths[n0], tmp / "out-cluster", scheduler=lc.scheduler_address, cache_dir=tmp / "cache-cluster"
            )
        rows.append(("LocalCluster", n0, result.seconds, len(result.built)))
        print(f"  built {n0} objects on a LocalCluster in {result.seconds:.0f} s (cluster started in {started:.1f} s)")
        differ = same_tree(tmp / f"out-{n0}", tmp / "out-cluster")
        print(f"  LocalCluster output identical to this machine's: {'yes' if not differ else f'no, {differ[:5]}'}")
    edited = edit_one_title(paths[n0])
    rebuild = build_collection(paths[n0], tmp / f"out-{n0}", jobs=jobs, cache_dir=tmp / f"cache-{n0}")

    print(f"\n{'where':13} {'objects':>8} {'stages built':>12} {'seconds':>9} {'s / object':>11}")
    for where, n, seconds, stages in rows:
        print(f"{where:13} {n:8,} {stages:12,} {seconds:9.1f} {seconds / n:11.2f}")
    local = {n: s / n for where, n, s, _ in rows if where == "local"}
    if len(local) > 1:
        print(
            f"growth: per object at {sizes[-1]:,} / per object at {n0:,} = {local[sizes[-1]] / local[n0]:.2f} "
            "(1.00: linear in the number of objects)"
        )
    else:
        print("growth: give two or more --sizes (e.g. --sizes 50 1000) to see how the time per object grows")
    if cluster:
        print(
            f"LocalCluster (2 processes) / this machine (jobs {jobs or 'one per core'}) at {n0}: "
            f"{rows[-1][2] / (local[n0] * n0):.2f}"
        )
    written = list(rebuild.written)
    print(
        f"rebuild after editing {edited}'s title: {rebuild.seconds:.1f} s, {len(rebuild.built)} stage(s) built, "
        f"{len(rebuild.pages)} page(s) made {list(rebuild.pages)}, {len(written)} file(s) written: {written[:12]}"
        + (" ..." if len(written) > 12 else "")
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 200], help="objects per build (default 50 200)")
    ap.add_argument(
        "--catalogue-sizes",
        type=int,
        nargs="+",
        default=[1000, 100_000],
        help="catalogue objects (default 1000 100000)",
    )
    ap.add_argument("--skip-build", action="store_true", help="no part B (the build)")
    ap.add_argument("--skip-catalogue", action="store_true", help="no part A (the catalogue in Chromium)")
    ap.add_argument("--skip-cluster", action="store_true", help="no LocalCluster build in part B")
    ap.add_argument("--jobs", type=int, default=None, help="build processes (default one per core)")
    ap.add_argument("--runs", type=int, default=3, help="fresh visits per query in part A (default 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--pagefind-timeout", type=float, default=600.0, help="give up on Pagefind's index after this (s, default 600)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_collection_"))
    try:
        if not args.skip_catalogue:
            catalogue_part(args.catalogue_sizes, args.runs, args.seed, args.pagefind_timeout, tmp, args.keep)
        if not args.skip_build:
            build_part(args.sizes, args.jobs, args.seed, not args.skip_cluster, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
