"""vtour.serve: the serving defaults, the built-tour check, and Panel imported only when serving;
a real server on 127.0.0.1 serves vtour's routes and refuses everything else cleanly."""

import http.client
import logging
import re
import socket
import subprocess
import sys
import time
import warnings

import pytest
from data_paths import require
from tour_helpers import small_tour

from vtour.cli import build_parser
from vtour.cli import main as cli_main
from vtour.errors import VtourError, VtourWarning
from vtour.serve import (
    DEFAULT_ADDRESS,
    DEFAULT_PORT,
    allowed_origin,
    check_port,
    serve_tour,
    websocket_origins,
)
from vtour.site import DIST, MODEL_BUNDLE


def test_serving_needs_a_built_tour_and_names_the_folder(tmp_path):
    with pytest.raises(VtourError) as caught:
        serve_tour(tmp_path)
    assert caught.value.step == "serve" and caught.value.path == tmp_path.resolve()
    assert "tour.json" in caught.value.message and "vtour build" in caught.value.fix


def test_serve_and_demo_default_to_the_one_address_and_port():
    assert (DEFAULT_ADDRESS, DEFAULT_PORT) == ("127.0.0.1", 5006)
    parser = build_parser()
    served = parser.parse_args(["serve", "DIR"])
    assert (served.address, served.port) == (DEFAULT_ADDRESS, DEFAULT_PORT)
    assert parser.parse_args(["demo"]).port == DEFAULT_PORT


def test_the_command_line_imports_panel_only_when_it_serves():
    code = "import sys, vtour.cli; vtour.cli.build_parser(); import vtour.serve; print('panel' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


# --- option values (D14) ---------------------------------------------------------------------------


@pytest.mark.parametrize("port", [-1, 65536, 99999])
def test_a_port_outside_0_to_65535_is_refused_naming_the_value_and_the_range(port):
    with pytest.raises(VtourError) as caught:
        check_port(port)
    e = caught.value
    assert (e.step, e.field, e.value) == ("serve", "port", port)
    assert "0 to 65535" in e.message and "0 for any free port" in e.fix


def test_serve_port_99999_exits_2_with_one_line_and_no_traceback(built, capsys):
    assert cli_main(["serve", str(built), "--port", "99999"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: serve: port=99999: a port is a number from 0 to 65535; "
        "pass one from 1024 to 65535, or 0 for any free port\n"
    )


# --- origins (D7) ----------------------------------------------------------------------------------


def test_a_loopback_server_accepts_pages_opened_by_any_loopback_name():
    assert set(websocket_origins("127.0.0.1", 5006)) == {"127.0.0.1:5006", "localhost:5006"}


def test_a_server_on_all_interfaces_accepts_the_hosts_name_and_addresses_and_the_allowed_origins():
    origins = websocket_origins("0.0.0.0", 8080, allow=["tours.example.org", "10.0.0.9:443"])
    name = socket.gethostname()
    assert f"{name}:8080" in origins and "127.0.0.1:8080" in origins and "localhost:8080" in origins
    assert "0.0.0.0:8080" not in origins, "no browser sends Origin 0.0.0.0"
    assert {"tours.example.org", "10.0.0.9:443"} <= set(origins)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(name, None, socket.AF_INET)}
    except OSError:
        addresses = set()
    assert {f"{a}:8080" for a in addresses} <= set(origins)


def test_a_non_loopback_address_warns_that_the_network_can_reach_the_tour(monkeypatch, tmp_path):
    import panel

    seen = {}
    monkeypatch.setattr(panel, "serve", lambda app, **kw: seen.update(kw))
    (tmp_path / "tour.json").write_text("{}")
    with pytest.warns(VtourWarning) as caught:
        serve_tour(tmp_path, port=8080, address="0.0.0.0")
    assert len(caught) == 1
    text = str(caught[0].message)
    assert text.startswith("serve: address=0.0.0.0: every machine that can reach this one on port 8080 can open")
    assert "--address 127.0.0.1" in text
    assert f"{socket.gethostname()}:8080" in seen["websocket_origin"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        serve_tour(tmp_path, port=8080, address="127.0.0.1")  # loopback: no warning


@pytest.mark.parametrize("text", ["https://", "a:b", "fe80::1", "a.example/path", ""])
def test_an_origin_that_is_not_host_or_host_port_is_refused_naming_it(text):
    with pytest.raises(VtourError) as caught:
        allowed_origin(text)
    assert (caught.value.field, caught.value.value) == ("allow_origin", text)
    assert "--allow-origin tours.example.org" in caught.value.fix


def test_an_origin_given_as_a_url_is_cut_to_its_host_and_port():
    assert allowed_origin("https://tours.example.org") == "tours.example.org"
    assert allowed_origin("http://10.0.0.2:5006/") == "10.0.0.2:5006"


def test_serve_offers_allow_origin():
    args = build_parser().parse_args(["serve", "DIR", "--allow-origin", "a.example", "--allow-origin", "b:80"])
    assert args.allow_origin == ["a.example", "b:80"]


# --- a real server on 127.0.0.1 (D6, D7, D29) ------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small built tour."""
    require(DIST / MODEL_BUNDLE, "the viewer bundle", "npm run build, or make setup")
    from vtour.tour.build import build_tour

    root = tmp_path_factory.mktemp("served")
    return build_tour(small_tour(root), root / "out", jobs=1).out_dir


@pytest.fixture(scope="module")
def served(built):
    """The port of ``built`` served by ``serve_tour`` on 127.0.0.1 (a thread of this process)."""
    from vtour.serve import free_port

    port = free_port()
    server = serve_tour(built, port=port, threaded=True, allow_origin=["tours.example.org"])
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    yield port
    server.stop()


def _get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_the_served_app_gives_its_page_tiles_and_viewer_bundle(served):
    assert _get(served, "/")[0] == 200
    assert _get(served, "/tour/tour.json")[0] == 200
    status, body = _get(served, "/components/vtour.panel_viewer/TourViewer/_bundle_path/web/dist/vtour-viewer.js")
    assert status == 200 and len(body) > 1000


def test_a_components_url_never_imports_a_module_outside_vtour_panel_and_bokeh(served, tmp_path, monkeypatch):
    probe = tmp_path / "vtour_probe_import.py"
    marker = tmp_path / "imported"
    probe.write_text(f"import pathlib\npathlib.Path({str(marker)!r}).write_text('imported')\nX = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("vtour_probe_import", "antigravity", "this", "vtour.cli_not_there", "panel.tests.conftest"):
        before = name in sys.modules
        status, _ = _get(served, f"/components/{name}/X/_css/a.css")
        assert status == 404, name
        assert (name in sys.modules) == before, f"{name} was imported by a request"
    assert not marker.exists()


def test_a_nul_byte_in_a_url_is_a_400_without_a_traceback_in_the_log(served, caplog):
    with caplog.at_level(logging.DEBUG):
        for path in ("/tour/scenes%00/x.jpg", "/vtour-viewer/%00", "/components/vtour%00/X/_css/a", "/%00",
                     "/static/%00x.js", "/static/extensions/panel/%00"):
            assert _get(served, path)[0] == 400, path
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert "Traceback" not in caplog.text


def test_serving_on_a_port_in_use_says_so_in_one_line(built, served, capsys):
    assert cli_main(["serve", str(built), "--port", str(served)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: serve: the port is in use (Address already in use); pass another --port")
    assert err.count("\n") == 1 and "Traceback" not in err


def _upgrade(port, origin):
    """The status of a websocket upgrade to the app with a session's token, sent with ``origin``."""
    token = re.search(r'"token":"([^"]+)"', _get(port, "/")[1].decode()).group(1)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(
            "GET",
            "/ws",
            headers={
                "Origin": origin,
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Protocol": f"bokeh, {token}",
            },
        )
        return conn.getresponse().status
    finally:
        conn.close()


def test_the_websocket_accepts_the_allowed_origins_and_refuses_others(served):
    assert _upgrade(served, "http://evil.example") == 403
    assert _upgrade(served, f"http://localhost:{served}") == 101
    assert _upgrade(served, "https://tours.example.org") == 101


# --- notes: --sources and --token (issue 11) -------------------------------------------------------


def test_serve_offers_sources_and_token_and_defaults_to_neither():
    parser = build_parser()
    plain = parser.parse_args(["serve", "DIR"])
    assert (plain.sources, plain.token) == (None, None)
    args = parser.parse_args(["serve", "DIR", "--sources", "tour.yaml", "--token", "t" * 20])
    assert (args.sources, args.token) == ("tour.yaml", "t" * 20)


def test_a_token_without_sources_exits_2_in_one_line(built, capsys):
    assert cli_main(["serve", str(built), "--port", "0", "--token", "t" * 20]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: serve: token: a token protects note edits, which need the sources; pass --sources")
    assert err.count("\n") == 1


def test_sources_that_are_missing_or_another_tours_are_refused_naming_them(built, tmp_path, capsys):
    assert cli_main(["serve", str(built), "--port", "0", "--sources", str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err
    assert "sources=" in err and "nope.yaml" in err and "the tour's sources are not found" in err
    other = small_tour(tmp_path, id="another")
    assert cli_main(["serve", str(built), "--port", "0", "--sources", str(other)]) == 2
    err = capsys.readouterr().err
    assert "the sources are tour 'another' and the served tour is 'small'" in err and err.count("\n") == 1


def test_a_weak_token_is_refused_before_serving(built, capsys):
    root = built.parent
    assert cli_main(["serve", str(built), "--port", "0", "--sources", str(root / "tour.yaml"), "--token", "abc"]) == 2
    err = capsys.readouterr().err
    assert "token='<hidden>': an edit token is at least 16 letters" in err and "abc" not in err


def test_demo_serves_the_samples_tour_yaml_as_the_sources(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from vtour.commands import demo

    seen = {}
    monkeypatch.setattr(demo, "sample_is_complete", lambda folder: True)
    monkeypatch.setattr(demo, "build_tour", lambda *a, **k: SimpleNamespace(out_dir=tmp_path / "export"))
    monkeypatch.setattr(demo, "serve_tour", lambda out, **kw: seen.update(kw))
    # the collections are built for real in tests/test_demo.py; here only what is served matters
    sites = {demo.DEMO_COLLECTION: tmp_path / "collections" / "bronzes"}
    monkeypatch.setattr(demo, "build_demo_collections", lambda *a, **k: SimpleNamespace(sites=sites))
    monkeypatch.setattr(demo, "collection_app", lambda *a, **k: "the collection browser")
    args = build_parser().parse_args(["demo", "--dir", str(tmp_path), "--port", "0"])
    assert demo.run(args) == 0
    assert seen["sources"] == tmp_path.absolute() / "tour.yaml" and seen["address"] == DEFAULT_ADDRESS
    assert seen["sites"] == sites and seen["apps"] == {"collection": "the collection browser"}


def test_the_edit_token_may_come_from_the_environment(monkeypatch):
    """``$VTOUR_TOKEN`` keeps the token out of the process list; ``--token`` still wins."""
    from vtour.cli import build_parser

    monkeypatch.setenv("VTOUR_TOKEN", "from-the-environment-123")
    assert build_parser().parse_args(["serve", "DIR"]).token == "from-the-environment-123"
    assert build_parser().parse_args(["serve", "DIR", "--token", "given-on-the-line-456"]).token == "given-on-the-line-456"
    monkeypatch.delenv("VTOUR_TOKEN")
    assert build_parser().parse_args(["serve", "DIR"]).token is None
