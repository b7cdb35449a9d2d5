"""vtour.panel_stats: the stats app's parameters and callbacks over a simulated kiosk log (vtour.stats'), driven
without a browser: the unfiltered figures are `vtour stats`' own, the date range keeps those days' figures exactly,
the language keeps the visits that ended in it, the widgets and the parameters follow each other, Reload logs reads
what the kiosk appended, and the CLI's --serve starts the app on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from vtour.errors import VtourError
from vtour.panel_stats import TABLES, StatsApp, filtered_stats, stats_app
from vtour.stats import read_logs, simulated_events, stats_from_logs, visit_stats, visits, write_simulated_logs

SCENES = ("entrance", "chamber", "niche")
DAYS = [dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)]


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("panel-stats") / "logs"
    write_simulated_logs(folder, simulated_events(SCENES, days=3, seed=3))
    return folder


@pytest.fixture(scope="module")
def full(logs):
    """`vtour stats logs --tz UTC`'s figures."""
    return stats_from_logs([logs], tz="UTC")


@pytest.fixture
def app(logs):
    return StatsApp([logs], tz="UTC")


def table(stats, name) -> dict:
    """A table's rows by their first cell."""
    return {row[0]: row[1:] for row in stats.tables[name].rows}


def summary(stats) -> dict:
    return {k: v[0] for k, v in table(stats, "summary").items()}


def test_unfiltered_the_app_shows_exactly_the_clis_tables(app, full):
    assert app.param.language.objects == ["", "en", "zh"] and app.days == DAYS
    assert (app.start, app.end, app.language) == (None, None, "")
    assert {n: t.rows for n, t in app.stats.tables.items()} == {n: t.rows for n, t in full.tables.items()}
    shown = app.tables["summary"].object
    assert list(shown.columns) == ["measure", "value"] and dict(shown.values.tolist())["visits"] == len(full.visits)
    assert app.language_select.options == {"Every language": "", "en": "en", "zh": "zh"}
    assert list(app.start_picker.options) == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert (app.start_picker.value, app.end_picker.value) == (DAYS[0], DAYS[-1])


def test_the_charts_are_the_reports_hvplot_charts_without_a_toolbar(app):
    shown = {name for name in TABLES if app.charts[name].visible}
    assert shown == {"days", "hours", "scenes", "objects", "languages", "durations"}
    days = app.charts["days"].object
    assert days.title.text == "Visits per day" and days.toolbar_location is None
    assert list(days.renderers[0].data_source.data["visits"]) == [row[1] for row in app.stats.tables["days"].rows]


def test_a_date_range_keeps_exactly_those_days_figures(app, full):
    app.param.update(start=DAYS[1], end=DAYS[2])
    kept = table(app.stats, "days")
    assert kept == {d: v for d, v in table(full, "days").items() if d >= "2026-03-03"}
    assert summary(app.stats)["visits"] == sum(v[0] for v in kept.values()) == len(app.stats.visits)
    assert all(v.start.date() >= DAYS[1] for v in app.stats.visits)
    assert summary(app.stats)["days"] == 2 and summary(app.stats)["idle resets"] == sum(v[1] for v in kept.values())
    assert (app.start_picker.value, app.end_picker.value) == (DAYS[1], DAYS[2])  # the widgets follow
    app.end_picker.value = DAYS[1]  # and set the parameters
    assert app.end == DAYS[1] and list(table(app.stats, "days")) == ["2026-03-03"]


def test_a_language_keeps_the_visits_that_ended_in_it_each_as_the_report_cut_it(app, full):
    app.language_select.value = "zh"
    assert app.language == "zh"
    zh = [v for v in full.visits if v.language == "zh"]
    assert summary(app.stats)["visits"] == table(full, "languages")["zh"][0] == len(zh)
    assert table(app.stats, "languages") == {"zh": (len(zh), 100.0, table(full, "languages")["zh"][2])}
    assert [(v.start, v.end, v.ended_by) for v in app.stats.visits] == [(v.start, v.end, v.ended_by) for v in zh]
    assert summary(app.stats)["events"] == sum(len(v.events) for v in zh)
    assert summary(app.stats)["visit total (s)"] == round(sum(v.seconds for v in zh), 1)
    entries = {s: sum(e.type == "scene_enter" and e.scene == s for v in zh for e in v.events) for s in SCENES}
    assert {s: row[0] for s, row in table(app.stats, "scenes").items()} == {s: n for s, n in entries.items() if n}
    app.language = "en"
    assert app.language_select.value == "en" and summary(app.stats)["visits"] == table(full, "languages")["en"][0]
    with pytest.raises(ValueError):
        app.language = "fr"  # not one of the logs' languages: the app cannot hold it


def test_a_day_and_a_language_together(logs, full):
    app = StatsApp([logs], tz="UTC", start=DAYS[0], end=DAYS[0], language="en")
    expected = [v for v in full.visits if v.start.date() == DAYS[0] and v.language == "en"]
    assert len(app.stats.visits) == len(expected) > 0
    assert table(app.stats, "days") == {"2026-03-02": (len(expected), len(expected))}
    assert "visits shown of" in app.status.text and f"{len(expected)} visits shown" in app.status.text


def test_filtered_stats_of_the_whole_log_is_visit_stats(logs, full):
    events, files, torn = read_logs([logs])
    every = filtered_stats(events, tz="UTC", files=files, torn=torn)
    assert {n: t.rows for n, t in every.tables.items()} == {n: t.rows for n, t in full.tables.items()}
    nothing = filtered_stats(events, start=DAYS[2], end=DAYS[0], tz="UTC")
    assert nothing.visits == [] and summary(nothing)["visits"] == 0
    assert visit_stats([], "UTC").tables["days"].rows == nothing.tables["days"].rows


def test_reload_reads_what_the_kiosk_appended_and_keeps_the_filters(tmp_path):
    folder = tmp_path / "logs"
    write_simulated_logs(folder, simulated_events(SCENES, days=1, seed=4))
    app = StatsApp([folder], tz="UTC", language="zh")
    before = summary(app.stats)["visits"]
    line = {"type": "attract", "t": "2026-03-02T18:00:00.000Z", "scene": "entrance", "language": "zh", "state": "end"}
    enter = {**line, "type": "scene_enter", "t": "2026-03-02T18:00:05.000Z", "from": "entrance", "scene": "niche"}
    del enter["state"]
    with (folder / "events-2026-03-02.jsonl").open("a") as f:
        f.write(json.dumps(line) + "\n" + json.dumps(enter) + "\n")
    app.reload_button.clicks += 1
    assert app.language == "zh" and summary(app.stats)["visits"] == before + 1
    next_day = dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC)
    write_simulated_logs(folder, simulated_events(SCENES, days=1, seed=5, start=next_day, languages=("en", "fr")))
    app.reload()  # a new day's file: the logs folder is read again
    assert DAYS[1] in app.days and "fr" in app.param.language.objects


def test_a_line_reload_cannot_read_is_said_and_the_figures_stay(tmp_path):
    folder = tmp_path / "logs"
    write_simulated_logs(folder, simulated_events(SCENES, days=1, seed=4))
    app = StatsApp([folder], tz="UTC")
    before = app.stats
    with (folder / "events-2026-03-02.jsonl").open("a") as f:
        f.write('{"type": "teleport", "t": "2026-03-02T18:00:00Z"}\n')
    app.reload()
    assert app.status.alert and "unknown event type" in app.status.text and "teleport" in app.status.text
    assert app.stats is before


def test_a_bad_log_or_zone_is_said_before_serving(tmp_path, logs):
    with pytest.raises(VtourError, match="no such file or folder"):
        stats_app([tmp_path / "missing"])
    with pytest.raises(VtourError, match="unknown time zone"):
        stats_app([logs], tz="Mars/Olympus")


def test_vtour_stats_serve_starts_the_app_on_127_0_0_1(logs, monkeypatch, capsys):
    from vtour import panel_stats
    from vtour.cli import main

    called = {}
    monkeypatch.setattr(panel_stats, "serve_stats", lambda logs, **kw: called.update(logs=logs, **kw))
    assert main(["stats", str(logs), "--serve", "--port", "0", "--tz", "UTC"]) == 0
    assert called == {"logs": [str(logs)], "port": 0, "address": "127.0.0.1", "tz": "UTC", "top": 20, "show": False}
    assert capsys.readouterr().out == ""  # serving: the tables are the app's, not printed
    assert main(["stats", str(logs), "--serve", "--port", "70000"]) != 0
    assert "port=70000: a port is a number from 0 to 65535" in capsys.readouterr().err


def test_serve_stats_answers_the_page_on_a_free_port(logs):
    import urllib.request

    from vtour.panel_stats import serve_stats
    from vtour.serve import free_port

    port = free_port()
    server = serve_stats([logs], port=port, tz="UTC", threaded=True)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
                    page = r.read().decode()
                break
            except OSError:
                import time

                time.sleep(0.2)
        assert "<title>Kiosk visits</title>" in page
    finally:
        server.stop()


def test_visits_of_a_language_are_those_the_languages_table_counts(full, logs):
    events, _, _ = read_logs([logs])
    assert sorted({v.language for v in visits(events)}) == ["en", "zh"]
    assert sum(row[1] for row in full.tables["languages"].rows) == len(full.visits)
