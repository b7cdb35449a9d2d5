"""vtour.serve: the serving defaults, the built-tour check, and Panel imported only when serving."""

import subprocess
import sys

import pytest

from vtour.cli import build_parser
from vtour.errors import VtourError
from vtour.serve import DEFAULT_ADDRESS, DEFAULT_PORT, serve_tour


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
