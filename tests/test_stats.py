"""vtour stats: kiosk event logs made in code -> visits, exact counts, reports (text, CSV, HTML), the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from html.parser import HTMLParser

import pytest

from vtour.cli import main
from vtour.errors import VtourError, VtourWarning
from vtour.stats import (
    csv_report,
    html_report,
    read_log,
    simulated_events,
    stats_from_logs,
    text_report,
    visit_stats,
    write_html_report,
    write_simulated_logs,
)

PACKAGE = "vtour-sample-20260301T080000Z-0123abcd"


def ev(t, type_, scene="entrance", language="en", **fields):
    """One log line's object; ``t`` is HH:MM:SS on 2026-03-02 or a full ISO time."""
    stamp = t if "T" in t else f"2026-03-02T{t}.000Z"
    return {"type": type_, "t": stamp, "scene": scene, "language": language, **fields, "package": PACKAGE}


DAY1 = [
    ev("09:00:00", "attract", state="start"),
    ev("09:00:05", "dwell", seconds=5.0),  # the attract loop's own: no visit's
    ev("09:00:05", "scene_enter", "chamber", **{"from": "entrance"}),
    ev("09:10:00", "attract", "chamber", state="end"),  # visit 1
    ev("09:10:10", "language", "chamber", "zh", **{"from": "en"}),
    ev("09:10:20", "dwell", "chamber", "zh", seconds=20.0),
    ev("09:10:20", "scene_enter", "niche", "zh", **{"from": "chamber"}),
    ev("09:10:30", "hotspot_open", "niche", "zh", hotspot="niche-statue", kind="model", target="statue"),
    ev("09:10:30", "model_open", "niche", "zh", model="statue"),
    ev("09:11:00", "image_open", "niche", "zh", image="mural"),
    ev("09:11:40", "idle_reset", "niche", "zh", idleSeconds=30),  # visitor left at 09:11:10: 70 s
    ev("09:11:40", "dwell", "niche", "zh", seconds=80.0),  # 50 s of it the visitor's
    ev("09:11:40", "attract", "niche", "zh", state="start"),
    ev("09:11:50", "scene_enter", "entrance", **{"from": "niche"}),
    ev("10:30:00", "attract", state="end"),  # visit 2
    ev("10:30:30", "dwell", seconds=30.0),
    ev("10:30:30", "scene_enter", "chamber", **{"from": "entrance"}),
    ev("10:31:00", "narration", "chamber", target="scene", muted=False),
    ev("10:32:00", "attract", "chamber", state="start"),  # 120 s
    ev("10:32:00", "dwell", "chamber", seconds=90.0),
]
DAY2 = [
    ev("2026-03-03T14:00:00Z", "attract", "entrance", "zh", state="end"),  # visit 3
    ev("2026-03-03T14:00:40Z", "dwell", "entrance", "zh", seconds=40.0),
    ev("2026-03-03T14:00:40Z", "scene_enter", "niche", "zh", **{"from": "entrance"}),
    ev("2026-03-03T14:01:00Z", "hotspot_open", "niche", "zh", hotspot="h1", kind="info", target=None),
    ev("2026-03-03T14:02:00Z", "idle_reset", "niche", "zh", idleSeconds=60),  # 60 s
    ev("2026-03-03T14:02:00Z", "attract", "niche", "zh", state="start"),
]


def write(path, events, tail=""):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in events) + tail, encoding="utf-8")
    return path


@pytest.fixture
def logs(tmp_path):
    folder = tmp_path / "logs"
    write(folder / "events-2026-03-02.jsonl", DAY1)
    write(folder / "events-2026-03-03.jsonl", DAY2)
    return folder


def rows(stats, name):
    return stats.tables[name].rows


def test_known_logs_give_exact_figures(logs):
    stats = stats_from_logs([logs], tz="UTC")
    assert [round(v.seconds) for v in stats.visits] == [70, 120, 60]
    assert [v.ended_by for v in stats.visits] == ["idle_reset", "attract", "idle_reset"]
    summary = dict(rows(stats, "summary"))
    assert summary["visits"] == 3 and summary["events"] == len(DAY1) + len(DAY2) and summary["days"] == 2
    assert summary["idle resets"] == 2 and summary["log files"] == 2 and summary["torn lines skipped"] == 0
    assert (summary["visit median (s)"], summary["visit mean (s)"], summary["visit total (s)"]) == (70.0, 83.3, 250.0)
    assert rows(stats, "days") == [("2026-03-02", 2, 1), ("2026-03-03", 1, 1)]
    assert [r for r in rows(stats, "hours") if r[1]] == [("09:00", 1), ("10:00", 1), ("14:00", 1)]
    assert len(rows(stats, "hours")) == 24
    assert rows(stats, "scenes") == [
        ("niche", 2, 1, 50.0, 50.0, 50.0),
        ("chamber", 1, 2, 55.0, 55.0, 110.0),
        ("entrance", 0, 2, 35.0, 35.0, 70.0),
    ]
    assert rows(stats, "objects") == [
        ("hotspot (info)", "h1", 1),
        ("image", "mural", 1),
        ("model", "statue", 1),
    ]
    assert rows(stats, "languages") == [("zh", 2, 66.7, 1), ("en", 1, 33.3, 0)]
    assert dict(rows(stats, "durations")) == {
        "under 30 s": 0, "30 s - 1 min": 0, "1 - 2 min": 2, "2 - 5 min": 1,
        "5 - 10 min": 0, "10 - 20 min": 0, "20 min or more": 0,
    }


def test_days_and_hours_follow_the_time_zone_given(logs):
    stats = stats_from_logs([logs], tz="Asia/Shanghai")  # UTC+8
    assert [r for r in rows(stats, "hours") if r[1]] == [("17:00", 1), ("18:00", 1), ("22:00", 1)]
    with pytest.raises(VtourError, match="unknown time zone"):
        stats_from_logs([logs], tz="Mars/Olympus")


def test_the_logs_of_two_kiosks_are_cut_into_visits_separately(tmp_path):
    write(tmp_path / "a" / "events-2026-03-02.jsonl", DAY1)
    shifted = [dict(e, t=e["t"].replace("T09:1", "T09:0")) for e in DAY1[3:13]]  # overlaps kiosk a's first visit
    write(tmp_path / "b" / "events-2026-03-02.jsonl", shifted)
    stats = stats_from_logs([tmp_path / "a", tmp_path / "b"], tz="UTC")
    assert len(stats.visits) == 3
    assert sorted(round(v.seconds) for v in stats.visits) == [70, 70, 120]


def test_a_torn_last_line_is_skipped_with_a_warning_naming_file_and_line(tmp_path):
    path = write(tmp_path / "events-2026-03-02.jsonl", DAY1, tail='{"type": "dwell", "t": "2026-03-02T10:3')
    with pytest.warns(VtourWarning, match=re.escape(f"{path}:{len(DAY1) + 1}: torn line skipped")):
        events, torn = read_log(path)
    assert len(events) == len(DAY1) and torn == 1
    # NUL bytes (blocks a power cut left unwritten) and a cut line the kiosk then wrote after
    path.write_text(
        "".join(json.dumps(e) + "\n" for e in DAY1[:3]) + "\0\0\0\0\n" + '{"type": "sce\n' + json.dumps(DAY1[3]) + "\n"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        events, torn = read_log(path)
    assert len(events) == 4 and torn == 2
    assert [str(w.message).split(": ")[0] for w in caught] == [f"{path}:4", f"{path}:5"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("not json at all", "not JSON"),
        ("[1, 2]", "expected a JSON object, got list"),
        (json.dumps(ev("09:00:00", "teleport")), "type='teleport': unknown event type"),
        (json.dumps(ev("09:00:00", "dwell", seconds="long")), "seconds='long': seconds of a dwell event has the wrong kind"),
        (json.dumps(ev("09:00:00", "dwell", seconds=-3)), "seconds=-3: seconds is not a number of seconds"),
        (json.dumps(ev("09:00:00", "dwell")), "seconds: a dwell event without seconds"),
        (json.dumps(ev("2026-03-02T09:00:00", "dwell", seconds=1)), "t='2026-03-02T09:00:00': the time has no zone"),
        (json.dumps(ev("yesterday T", "dwell", seconds=1)), "not an ISO-8601 time"),
        (json.dumps(ev("09:00:00", "attract", state="paused")), "state='paused': an attract state is start or end"),
        (json.dumps(ev("09:00:00", "hotspot_open", hotspot="h", kind="door", target=None)), "kind='door'"),
        (json.dumps(ev("09:00:00", "narration", target="scene", muted="no")), "muted='no'"),
        (json.dumps(ev("09:00:00", "scene_enter", scene=7)), "scene=7: scene is not text"),
    ],
)
def test_a_bad_line_is_an_error_naming_file_line_field_and_value(tmp_path, line, expected):
    path = tmp_path / "events-2026-03-02.jsonl"
    path.write_text(json.dumps(DAY1[0]) + "\n" + line + "\n" + json.dumps(DAY1[1]) + "\n")
    with pytest.raises(VtourError) as info:
        read_log(path)
    text = str(info.value)
    assert text.startswith(f"stats: {path}:2: ") and expected in text and info.value.fix


def test_empty_logs_give_empty_tables_and_reports(tmp_path):
    path = tmp_path / "events-2026-03-02.jsonl"
    path.write_text("")
    (tmp_path / "events-2026-03-03.jsonl").write_text("\n\n")
    stats = stats_from_logs([tmp_path], tz="UTC")
    assert stats.visits == [] and dict(rows(stats, "summary"))["visits"] == 0
    assert rows(stats, "scenes") == [] and rows(stats, "days") == []
    assert "(none)" in text_report(stats)
    page = html_report(stats)
    assert "No visits in these logs." in page and "<script" not in page
    assert csv_report(stats).startswith("table,key,measure,value\nsummary,,visits,0\n")


def test_files_folders_and_patterns_each_once(logs, tmp_path):
    one = stats_from_logs([logs / "events-2026-03-02.jsonl"], tz="UTC")
    assert len(one.visits) == 2 and len(one.files) == 1
    both = stats_from_logs([str(logs / "events-*.jsonl"), logs / "events-2026-03-03.jsonl", logs], tz="UTC")
    assert len(both.files) == 2 and len(both.visits) == 3
    state = tmp_path / "state"
    (state / "logs").mkdir(parents=True)
    write(state / "logs" / "events-2026-03-02.jsonl", DAY1)
    assert len(stats_from_logs([state], tz="UTC").visits) == 2  # a kiosk's state folder: its logs/
    with pytest.raises(VtourError, match="no such file or folder"):
        stats_from_logs([tmp_path / "nowhere.jsonl"])
    with pytest.raises(VtourError, match="no file matches"):
        stats_from_logs([str(tmp_path / "none-*.jsonl")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(VtourError, match="no events-"):
        stats_from_logs([tmp_path / "empty"])


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.external, self.roots, self.tables, self.text = 0, [], 0, 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
            if a.get("src"):
                self.external.append(a["src"])
        if tag == "link" and a.get("href"):
            self.external.append(a["href"])
        if tag == "img" and a.get("src"):
            self.external.append(a["src"])
        if "data-root-id" in a:
            self.roots += 1
        if tag == "table":
            self.tables += 1

    def handle_data(self, data):
        self.text.append(data)


def test_the_html_report_is_one_offline_page_with_plots_and_escaped_names(tmp_path):
    evil = '<img src=x onerror="alert(1)">'
    day = [dict(e, scene=evil) if e["scene"] == "niche" else e for e in DAY1]
    path = write(tmp_path / "logs" / "events-2026-03-02.jsonl", day)
    stats = stats_from_logs([path], tz="UTC")
    out = tmp_path / "report.html"
    write_html_report(stats, out)
    page = out.read_text("utf-8")
    parser = _Page()
    parser.feed(page)
    assert parser.external == [], "no network: everything inline"
    assert parser.roots >= 5, "a plot per table (days, hours, durations, languages, scenes, objects)"
    assert parser.tables == len(stats.tables)
    assert "Bokeh" in page and parser.scripts >= 2
    assert "bokeh-widgets" not in page and "bokeh-gl" not in page, "only the bundle these charts need"
    assert evil not in page and html_escape_present(page, evil)
    assert not list(tmp_path.glob(".report.html*")), "written through a temporary name, nothing left"


def html_escape_present(page, text):
    import html

    return html.escape(text) in page or html.escape(text, quote=False) in page


def test_the_cli_prints_the_tables_and_writes_csv_and_html(logs, tmp_path, capsys):
    out, table = tmp_path / "r.html", tmp_path / "t.csv"
    assert main(["stats", str(logs), "--tz", "UTC", "--csv", str(table), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Visits per day" in printed and "2026-03-02       2            1" in printed
    assert "niche" in printed and f"report: {out}" in printed
    records = list(csv.DictReader(io.StringIO(table.read_text("utf-8"))))
    assert {"table": "days", "key": "2026-03-03", "measure": "visits", "value": "1"} in records
    assert {"table": "objects", "key": "model:statue", "measure": "opens", "value": "1"} in records
    assert {"table": "scenes", "key": "chamber", "measure": "total dwell (s)", "value": "110.0"} in records
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    (logs / "events-2026-03-04.jsonl").write_text(json.dumps(ev("09:00:00", "dwell", seconds="x")) + "\n")
    assert main(["stats", str(logs)]) == 2
    assert "events-2026-03-04.jsonl:1: seconds='x'" in capsys.readouterr().err


def test_a_simulated_kiosk_log_reads_back_with_one_visit_per_attract_end(tmp_path):
    events = simulated_events(["entrance", "chamber", "niche"], days=3, seed=4)
    assert events == simulated_events(["entrance", "chamber", "niche"], days=3, seed=4)
    paths = write_simulated_logs(tmp_path, events)
    assert [p.name for p in paths] == ["events-2026-03-02.jsonl", "events-2026-03-03.jsonl", "events-2026-03-04.jsonl"]
    stats = stats_from_logs([tmp_path], tz="UTC")
    ends = sum(1 for e in events if e["type"] == "attract" and e["state"] == "end")
    assert len(stats.visits) == ends == dict(rows(stats, "summary"))["idle resets"]
    assert sum(r[1] for r in rows(stats, "days")) == ends
    enters = sum(1 for e in events if e["type"] == "scene_enter")
    assert sum(r[1] for r in rows(stats, "scenes")) == enters
    # every visit's last dwell is reported with the idle minute; stats take it off again
    assert all(v.events[-1].type == "dwell" for v in stats.visits)
    assert visit_stats(stats_from_logs([tmp_path]).visits[0].events, tz="UTC").visits


def test_events_the_attract_loop_marked_are_no_visit_even_in_a_log_that_begins_inside_the_loop(tmp_path):
    """The kiosk page marks the loop's scene_enter, dwell and narration ``"attract": true``: a day's log that
    begins while the loop runs (its start in yesterday's file, not given) counts them for no visit."""
    log = tmp_path / "events-2026-03-02.jsonl"
    lines = [
        ev("09:00:05", "dwell", seconds=15.0, attract=True),
        ev("09:00:05", "scene_enter", "chamber", attract=True, **{"from": "entrance"}),
        ev("09:00:20", "narration", "chamber", target="scene", muted=True, attract=True),
        ev("09:05:00", "attract", "chamber", state="end"),
        ev("09:05:30", "dwell", "chamber", seconds=30.0),
        ev("09:05:30", "scene_enter", "niche", **{"from": "chamber"}),
        ev("09:06:50", "idle_reset", "niche", idleSeconds=20),
    ]
    log.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    stats = stats_from_logs([log], tz="UTC")
    assert len(stats.visits) == 1
    visit = stats.visits[0]
    assert (visit.start.isoformat(), visit.end.isoformat()) == ("2026-03-02T09:05:00+00:00", "2026-03-02T09:06:30+00:00")
    entries = {row[0]: row[1] for row in stats.tables["scenes"].rows}
    assert entries == {"niche": 1, "chamber": 0}


# ---------------------------------------------------------------------------------------------
# review fixes


def kiosk_day(marked):
    """A real kiosk's day: the page loads (scene_enter from null, dwell 0, the loop starts), a visitor
    taps, leaves, the countdown runs out, the loop starts again."""
    mark = {"attract": True} if marked else {}
    return [
        ev("08:00:00", "scene_enter", **mark, **{"from": None}),
        ev("08:00:00", "dwell", seconds=0, **mark),
        ev("08:00:00", "attract", state="start"),
        ev("08:00:20", "scene_enter", "chamber", attract=True, **{"from": "entrance"}),
        ev("09:00:00", "attract", "chamber", state="end"),
        ev("09:01:00", "hotspot_open", "chamber", hotspot="h", kind="info", target=None),
        ev("09:02:15", "idle_reset", "chamber", idleSeconds=75),
        ev("09:02:15", "dwell", "chamber", seconds=135.0),
        ev("09:02:15", "attract", "chamber", state="start"),
    ]


@pytest.mark.parametrize("marked", [True, False], ids=["page-load-marked", "old-page-unmarked"])
def test_a_page_load_before_the_attract_loop_is_no_visit(tmp_path, marked):
    log = write(tmp_path / "events-2026-03-02.jsonl", kiosk_day(marked))
    stats = stats_from_logs([log], tz="UTC")
    assert [(v.start.isoformat(), round(v.seconds)) for v in stats.visits] == [("2026-03-02T09:00:00+00:00", 60)]
    assert dict(rows(stats, "summary"))["visits"] == 1
    assert {r[0]: (r[1], r[5]) for r in rows(stats, "scenes")} == {"chamber": (0, 60.0)}


def test_a_page_load_with_a_visitor_before_the_loop_starts_stays_a_visit(tmp_path):
    lines = [
        ev("08:00:00", "scene_enter", **{"from": None}),
        ev("08:00:10", "dwell", seconds=10.0),
        ev("08:00:10", "scene_enter", "chamber", **{"from": "entrance"}),
        ev("08:01:00", "attract", "chamber", state="start"),
    ]
    stats = stats_from_logs([write(tmp_path / "events-2026-03-02.jsonl", lines)], tz="UTC")
    assert len(stats.visits) == 1


@pytest.fixture
def paris(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_without_tz_each_instant_takes_the_machines_rules_summer_and_winter(tmp_path, paris):
    lines = [
        ev("2026-07-01T08:30:00Z", "attract", state="end"),
        ev("2026-07-01T08:33:00Z", "idle_reset", idleSeconds=60),
        ev("2026-01-15T08:30:00Z", "attract", state="end"),
        ev("2026-01-15T08:33:00Z", "idle_reset", idleSeconds=60),
    ]
    stats = stats_from_logs([write(tmp_path / "events-2026-07-01.jsonl", lines)])  # no tz
    assert [r for r in rows(stats, "hours") if r[1]] == [("09:00", 1), ("10:00", 1)]  # CET, CEST
    summary = dict(rows(stats, "summary"))
    assert summary["first event"] == "2026-01-15T09:30:00+01:00"
    assert summary["last event"] == "2026-07-01T10:33:00+02:00"


@pytest.mark.parametrize("option", ["--csv", "-o"])
def test_an_output_that_is_a_log_read_or_a_jsonl_is_refused(logs, tmp_path, capsys, option):
    log = logs / "events-2026-03-02.jsonl"
    before = log.read_bytes()
    assert main(["stats", str(logs), "--tz", "UTC", option, str(log)]) == 2
    err = capsys.readouterr().err
    assert option in err and str(log) in err
    assert log.read_bytes() == before
    assert main(["stats", str(logs), "--tz", "UTC", option, str(tmp_path / "other.jsonl")]) == 2
    assert not (tmp_path / "other.jsonl").exists()


@pytest.mark.parametrize("option", ["--csv", "-o"])
def test_an_output_in_a_missing_folder_is_an_error_not_created(logs, tmp_path, capsys, option):
    out = tmp_path / "nowhere" / "report.out"
    assert main(["stats", str(logs), "--tz", "UTC", option, str(out)]) == 2
    err = capsys.readouterr().err
    assert option in err and "folder does not exist" in err
    assert not (tmp_path / "nowhere").exists()


def test_top_must_be_at_least_one(logs, capsys):
    for bad in ("0", "-1"):
        with pytest.raises(SystemExit):
            main(["stats", str(logs), "--top", bad])
        assert "--top" in capsys.readouterr().err


def test_two_kiosks_logs_in_one_folder_are_warned_about_naming_file_and_line(tmp_path):
    a = [ev("10:00:00", "attract", state="end"), ev("10:03:00", "idle_reset", idleSeconds=60)]
    b = [ev("10:01:00", "attract", state="end"), ev("10:05:00", "idle_reset", idleSeconds=60)]
    write(tmp_path / "events-2026-03-02-k1.jsonl", a)
    kb = write(tmp_path / "events-2026-03-02-k2.jsonl", b)
    with pytest.warns(VtourWarning, match=re.escape(f"{kb}:1: the attract loop ended twice")):
        stats_from_logs([tmp_path], tz="UTC")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats_from_logs([tmp_path / "events-2026-03-02-k1.jsonl"], tz="UTC")  # one kiosk: no warning


def test_csv_cells_a_spreadsheet_would_run_are_prefixed(tmp_path):
    lines = [
        ev("09:00:00", "attract", '=HYPERLINK("http://x.example","y")', "-2+3", state="end"),
        ev("09:00:05", "scene_enter", "@SUM(1)", "+1", **{"from": None}),
        ev("09:00:05", "dwell", '=HYPERLINK("http://x.example","y")', "-2+3", seconds=5.0),
        ev("09:00:06", "hotspot_open", "\tx", "-2+3", hotspot="h", kind="url", target="=1+1"),
    ]
    stats = stats_from_logs([write(tmp_path / "events-2026-03-02.jsonl", lines)], tz="UTC")
    records = list(csv.reader(io.StringIO(csv_report(stats))))
    cells = [c for r in records for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'@SUM(1)" in cells and "'-2+3" in cells, cells
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_a_statue_opened_from_its_hotspot_counts_once(tmp_path):
    lines = [
        ev("09:00:00", "attract", state="end"),
        ev("09:00:10", "hotspot_open", hotspot="niche-statue", kind="model", target="statue"),
        ev("09:00:10", "model_open", model="statue"),
        ev("09:00:20", "hotspot_open", hotspot="h1", kind="info", target=None),
        ev("09:00:30", "hotspot_open", hotspot="h2", kind="link", target="chamber"),
    ]
    stats = stats_from_logs([write(tmp_path / "events-2026-03-02.jsonl", lines)], tz="UTC")
    assert rows(stats, "objects") == [("hotspot (info)", "h1", 1), ("hotspot (link)", "chamber", 1), ("model", "statue", 1)]
