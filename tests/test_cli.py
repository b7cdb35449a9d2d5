"""The ``vtour`` command: every subcommand listed, errors as one line, flags derived from the options."""

from __future__ import annotations

import argparse
import re
from dataclasses import fields

import pytest

from vtour import cli
from vtour.commands import model as model_command
from vtour.commands import pano as pano_command
from vtour.errors import VtourError
from vtour.model import DEFAULT_LEVELS, Level, ModelOptions
from vtour.option_spec import Option, declared
from vtour.pano import PanoOptions
from vtour.pano.coverage import Coverage


class Built(Exception):
    """Raised by the stand-in builders: carries the options the command would have built with."""

    def __init__(self, options):
        super().__init__("built")
        self.options = options


def _capture(monkeypatch):
    def fake_build(inputs, out, options):
        raise Built(options)

    monkeypatch.setattr(pano_command, "build_pano", fake_build)
    monkeypatch.setattr(model_command, "build_model", fake_build)


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Subcommand name -> its parser (argparse has no public accessor)."""
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices


def _options(monkeypatch, *argv):
    """The options ``vtour pano x.jpg -o o ARGV`` (or ``vtour model ...``) hands to the builder."""
    _capture(monkeypatch)
    command, *rest = argv
    with pytest.raises(Built) as caught:
        cli.main([command, "x.jpg" if command == "pano" else "x.obj", "-o", "out", *rest])
    return caught.value.options


def test_every_subcommand_is_listed_in_vtour_help(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    listed = re.findall(r"^    (\S+)\s", text, flags=re.M)
    registered = list(_commands(cli.build_parser()))
    assert listed == registered
    assert len(registered) == len(cli.COMMANDS)
    assert {"pano", "model", "render", "sample", "demo", "build", "validate", "import", "serve", "package"} <= set(
        listed
    )


def test_a_vtour_error_exits_2_with_one_line_naming_field_and_value_and_no_traceback(capsys, monkeypatch):
    _capture(monkeypatch)
    assert cli.main(["pano", "x.jpg", "-o", "out", "--tile-size", "100"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: pano: tile_size=100: tile size must be a power of two")


def test_debug_lets_the_error_through_with_its_traceback(monkeypatch):
    _capture(monkeypatch)
    with pytest.raises(VtourError) as caught:
        cli.main(["--debug", "model", "x.obj", "-o", "out", "--position-bits", "20"])
    assert caught.value.field == "position_bits" and caught.value.value == 20
    assert caught.value.__traceback__ is not None


def test_no_flags_give_the_default_options(monkeypatch):
    assert _options(monkeypatch, "pano") == PanoOptions()
    assert _options(monkeypatch, "model") == ModelOptions()


#: One flag of each field, and the value it must give; a field on the command line without an
#: entry here fails test_every_flag_has_a_parsing_case.
PANO_CASES = {
    "mode": (["--mode", "cube"], "cube"),
    "tile_size": (["--tile-size", "256"], 256),
    "face_size": (["--face-size", "1024"], 1024),
    "quality": (["--quality", "70"], 70),
    "antialias": (["--no-antialias"], False),
    "interpolation": (["--interpolation", "linear"], "linear"),
    "coverage": (["--hfov", "120", "--vfov", "60", "--yaw", "-30", "--pitch", "10"], Coverage(120, 60, -30, 10)),
    "cube_order": (["--cube-order", "rlfbud"], "rlfbud"),
    "max_pixels": (["--max-pixels", "1000"], 1000),
    "jobs": (["--jobs", "3"], 3),
    "work_megapix": (["--work-megapix", "0.3"], 0.3),
    "compose_megapix": (["--compose-megapix", "2.5"], 2.5),
    "stitch_mode": (["--stitch-mode", "scans"], "scans"),
}
MODEL_CASES = {
    "lods": (["--lods", "1k:256", "5000:512"], (Level(1000, 256), Level(5000, 512))),
    "texture_format": (["--texture-format", "webp"], "webp"),
    "texture_quality": (["--texture-quality", "75"], 75),
    "uncompressed": (["--uncompressed"], True),
    "position_bits": (["--position-bits", "12"], 12),
    "units": (["--units", "cm"], "cm"),
    "title": (["--title", "Bust"], "Bust"),
    "licence": (["--license", "CC BY 4.0"], "CC BY 4.0"),
    "drop_fragments": (["--drop-fragments", "0.05"], 0.05),
    "color_weight": (["--color-weight", "0.5"], 0.5),
    "deviation_samples": (["--deviation-samples", "5000"], 5000),
}


@pytest.mark.parametrize(("command", "name", "argv", "value"),
                         [("pano", k, *v) for k, v in PANO_CASES.items()]
                         + [("model", k, *v) for k, v in MODEL_CASES.items()])
def test_each_flag_parses_to_the_field_it_names_and_leaves_the_others_at_their_default(
        monkeypatch, command, name, argv, value):
    got = _options(monkeypatch, command, *argv)
    default = PanoOptions() if command == "pano" else ModelOptions()
    assert getattr(got, name) == value != getattr(default, name)
    assert all(getattr(got, f.name) == getattr(default, f.name) for f in fields(default) if f.name != name)


def _on_cli(cls) -> set[str]:
    return {f.name for f, opt in declared(cls) if opt.flag is not None or opt.parts}


def test_every_flag_has_a_parsing_case():
    assert set(PANO_CASES) == _on_cli(PanoOptions)
    assert set(MODEL_CASES) == _on_cli(ModelOptions)


@pytest.mark.parametrize("cls", [PanoOptions, ModelOptions])
def test_every_options_field_is_on_the_command_line_or_says_why_not(cls):
    options = dict(declared(cls))  # raises TypeError for a field declared without an Option
    assert [f.name for f in fields(cls)] == [f.name for f in options]
    for f, opt in options.items():
        assert isinstance(opt, Option)
        assert opt.flag is not None or opt.parts or len(opt.why) > 10, f.name
    off = {f.name for f, opt in options.items() if opt.flag is None and not opt.parts}
    assert off == ({"background"} if cls is PanoOptions else set())


def test_an_option_without_a_flag_or_a_reason_cannot_be_declared():
    with pytest.raises(ValueError, match="does not say why"):
        Option(None, "a setting nobody can reach")


def test_the_stitch_shortcut_and_the_help_defaults_come_from_the_options(monkeypatch, capsys):
    assert _options(monkeypatch, "pano", "--stitch").mode == "stitch"
    assert _options(monkeypatch, "model", "--lods", "20k:512").lods == DEFAULT_LEVELS[:1]
    with pytest.raises(SystemExit):
        cli.main(["model", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default 20000:512 150000:2048 500000:4096)" in text
    assert "--licence LICENCE, --license LICENCE" in text


def test_yaw_or_pitch_alone_leaves_the_coverage_to_the_image_as_before(monkeypatch):
    assert _options(monkeypatch, "pano", "--yaw", "30").coverage is None
    assert _options(monkeypatch, "pano", "--vfov", "90").coverage == Coverage(360, 90, 0, 0)


#: The flags the command had before they were derived from the fields: none may disappear.
FLAGS_BEFORE = {
    "pano": "--mode --stitch --stitch-mode --tile-size --face-size --quality --interpolation --no-antialias "
            "--hfov --vfov --yaw --pitch --cube-order --max-pixels --jobs",
    "model": "--lods --uncompressed --texture-format --texture-quality --units --title --licence --license "
             "--position-bits --drop-fragments",
}


@pytest.mark.parametrize("command", ["pano", "model"])
def test_every_flag_the_command_had_is_still_offered(command):
    sub = _commands(cli.build_parser())[command]
    offered = {s for action in sub._actions for s in action.option_strings}
    assert set(FLAGS_BEFORE[command].split()) <= offered
