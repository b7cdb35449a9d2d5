"""``vtour stats LOG... --serve``'s app (vtour.panel_stats) served on 127.0.0.1 over a simulated kiosk log, in
Chromium: its hvPlot charts render (Bokeh canvases with their bars drawn), choosing a language in the select
changes the visits figure (the summary table, in Python and on the page) and the charts, Reload logs reads a line
the kiosk appended meanwhile, nothing fails in the console, and axe-core finds nothing. Screenshot:
``tests/artifacts/stats/stats.png``.
"""

from __future__ import annotations

import json
import time

import pytest
from helpers import axe_violations, wait_for_js

from vtour.stats import simulated_events, stats_from_logs, write_simulated_logs

pytestmark = [pytest.mark.browser, pytest.mark.viewport(1280, 900)]

SCENES = ("entrance", "chamber", "niche")
#: Every Bokeh plot view on the page with the number of bars (glyph renderers' data rows) it draws.
CHARTS = """() => {
  const out = [];
  for (const doc of (window.Bokeh && Bokeh.documents) || []) {
    for (const m of doc.all_models) {
      if (m.type === "Plot" || (m.constructor && m.constructor.__name__ === "Figure")) {
        const rows = m.renderers.filter((r) => r.data_source).map((r) => r.data_source.get_length() || 0);
        out.push({ title: m.title && m.title.text, rows: rows.reduce((a, b) => a + b, 0) });
      }
    }
  }
  return out;
}"""
#: The canvases the charts are drawn on, in the page's shadow roots, with how many of their pixels are not white.
CANVASES = """() => {
  const found = [];
  const walk = (root) => { for (const el of root.querySelectorAll("*")) {
    if (el.tagName === "CANVAS" && el.width > 50 && el.height > 50) found.push(el);
    if (el.shadowRoot) walk(el.shadowRoot); } };
  walk(document);
  return found.map((c) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
    return ink;
  });
}"""


def until(predicate, what: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stats-served") / "logs"
    write_simulated_logs(folder, simulated_events(SCENES, days=3, seed=1))
    return folder


@pytest.fixture
def served(logs, monkeypatch):
    """`vtour stats LOGS --serve` on a free port (UTC days): yields (base URL, made: each session's app)."""
    from vtour import panel_stats
    from vtour.serve import free_port

    made = []

    class Recorded(panel_stats.StatsApp):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            made.append(self)

    monkeypatch.setattr(panel_stats, "StatsApp", Recorded)
    port = free_port()
    server = panel_stats.serve_stats([logs], port=port, tz="UTC", threaded=True)
    yield f"http://127.0.0.1:{port}/", made
    server.stop()


def summary_visits(page) -> int:
    """The visits figure as the page shows it: the summary table's "visits" row."""
    return int(page.get_by_role("row", name="visits", exact=False).first.get_by_role("cell").nth(1).inner_text())


def test_the_stats_app_charts_render_a_language_changes_the_visits_and_axe_finds_nothing(
    served, logs, page, page_log, artifact_dir
):
    url, made = served
    full = stats_from_logs([logs], tz="UTC")
    by_language = {row[0]: row[1] for row in full.tables["languages"].rows}
    deadline = time.monotonic() + 30
    while True:
        try:
            page.goto(url)
            break
        except Exception:
            assert time.monotonic() < deadline, "the Panel app did not start"
            time.sleep(0.3)
    until(lambda: made, "the session's app")
    app = made[-1]
    page.get_by_role("main", name="Kiosk visits").wait_for()
    wait_for_js(page, "() => document.readyState === 'complete'", log=page_log)
    # the charts: the report's hvPlot charts, drawn with their bars
    wait_for_js(page, f"() => ({CHARTS})().length >= 5", what="the charts", log=page_log)
    charts = {c["title"]: c["rows"] for c in page.evaluate(CHARTS)}
    assert charts["Visits per day"] == 3 and charts["Visits per hour"] == 24, charts
    wait_for_js(page, f"() => ({CANVASES})().filter((ink) => ink > 500).length >= 5", what="bars drawn", log=page_log)
    assert summary_visits(page) == len(full.visits)
    # the language select: the visits figure follows, in Python and on the page
    page.get_by_label("Visitors' language").select_option("zh")
    # the parameter is set before its watcher recomputes the figures (on the server's thread): wait for both
    until(lambda: app.language == "zh", "the language in Python")
    until(
        lambda: [row[1] for row in app.stats.tables["summary"].rows if row[0] == "visits"] == [by_language["zh"]],
        f"the visits recomputed for zh ({by_language['zh']} of {len(full.visits)})",
    )
    page.get_by_role("cell", name=str(by_language["zh"]), exact=True).first.wait_for()
    until(lambda: summary_visits(page) == by_language["zh"], "the visits figure on the page")
    charts = {c["title"]: c["rows"] for c in page.evaluate(CHARTS)}
    assert charts["Visits by language"] == 1, charts  # one bar: zh
    folder = artifact_dir / "stats"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / "stats.png"), full_page=True)
    problems = axe_violations(page)
    assert not problems, "axe-core, the stats app:\n  " + "\n  ".join(problems)
    # Reload logs: a visit the kiosk appended meanwhile (in zh) is counted
    last = max((p for p in logs.glob("events-*.jsonl")), key=lambda p: p.name)
    day = last.name[len("events-") : -len(".jsonl")]
    extra = [
        {"type": "attract", "t": f"{day}T18:00:00.000Z", "scene": "entrance", "language": "zh", "state": "end"},
        {"type": "scene_enter", "t": f"{day}T18:00:10.000Z", "scene": "niche", "language": "zh", "from": "entrance"},
        {"type": "attract", "t": f"{day}T18:01:00.000Z", "scene": "niche", "language": "zh", "state": "start"},
    ]
    with last.open("a", encoding="utf-8") as f:
        f.write("".join(json.dumps(e) + "\n" for e in extra))
    page.get_by_role("button", name="Reload logs").click()
    until(lambda: summary_visits(page) == by_language["zh"] + 1, "the appended visit after Reload logs")
    page_log.assert_clean()
    page_log.assert_local_only()
