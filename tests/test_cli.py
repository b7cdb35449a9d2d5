"""The ``vtour`` command: every subcommand listed, errors as one line, flags derived from the options."""

from __future__ import annotations

import argparse
import errno
import re
import signal
import socket
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from vtour import cli
from vtour.commands import model as model_command
from vtour.commands import pano as pano_command
from vtour.errors import VtourError
from vtour.model import DEFAULT_LEVELS, Level, ModelOptions
from vtour.option_spec import Option, declared
from vtour.pano import PanoOptions
from vtour.pano.coverage import Coverage


class Built(BaseException):
    """Raised by the stand-in builders: carries the options the command would have built with (a
    BaseException, which the command line turns into one line unless ``--debug`` lets it through)."""

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
        cli.main(["--debug", command, "x.jpg" if command == "pano" else "x.obj", "-o", "out", *rest])
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
    "tile_format": (["--tile-format", "webp"], "webp"),
    "quality": (["--quality", "70"], 70),
    "antialias": (["--no-antialias"], False),
    "interpolation": (["--interpolation", "cubic"], "cubic"),
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


@pytest.mark.parametrize(
    ("command", "name", "argv", "value"),
    [("pano", k, *v) for k, v in PANO_CASES.items()] + [("model", k, *v) for k, v in MODEL_CASES.items()],
)
def test_each_flag_parses_to_the_field_it_names_and_leaves_the_others_at_their_default(
    monkeypatch, command, name, argv, value
):
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


# --- what the command line says when something fails (D9, D23, silent exit) -----------------------


def _fail_with(monkeypatch, exc):
    """``vtour build`` raising ``exc`` from its work."""
    from vtour.commands import build as build_command

    def run(args):
        raise exc

    monkeypatch.setattr(build_command, "run", run)


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyError("scenes"), AssertionError(), ValueError("a\nb")])
def test_any_unexpected_exception_prints_one_line_naming_it_and_exits_1(monkeypatch, capsys, exc):
    _fail_with(monkeypatch, exc)
    assert cli.main(["build", "tour.yaml"]) == 1
    err = _one_line(capsys)
    name = type(exc).__name__
    assert err.startswith(f"error: build: unexpected {name}")
    assert err.rstrip().endswith("(a bug in vtour; --debug shows the traceback to report)")
    if str(exc):
        assert " ".join(str(exc).split()) in err


class _Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no text")


class _LibraryBaseException(BaseException):
    """What some native bindings raise: not an Exception, so ``except Exception`` misses it."""


def _opencv_error() -> BaseException:
    """A real cv2.error: OpenCV's remap refuses a source of 32767 px or more, with a multi-line message."""
    import cv2
    import numpy as np

    try:
        cv2.remap(np.zeros((1, 32768), np.uint8), np.zeros((1, 1), np.float32), np.zeros((1, 1), np.float32), 1)
    except cv2.error as exc:
        return exc
    pytest.skip("this OpenCV remaps sources of 32768 px")


def _from_a_worker() -> BaseException:
    from concurrent.futures import ThreadPoolExecutor

    def tile():
        raise ValueError("tile 3/f/1/2 failed")

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(tile).exception()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: SystemExit(1), 1),  # sys.exit(1) deep in a library: it used to end vtour with no word
        (lambda: SystemExit(4), 4),
        (lambda: SystemExit("libfoo: cannot continue"), 1),
        (lambda: GeneratorExit(), 1),
        (lambda: _LibraryBaseException("native failure"), 1),
        (lambda: _Unprintable(), 1),
        (lambda: RuntimeError(""), 1),
        (_opencv_error, 1),
        (_from_a_worker, 1),
        (lambda: VtourError("pano", "bad\nvalue", field="face_size", value=3), 2),
        (lambda: OSError(errno.EIO, "Input/output error", "/data/x.jpg"), 2),
        (lambda: MemoryError(), 3),
    ],
)
def test_any_exception_reaching_the_command_line_prints_one_line_and_exits_non_zero(monkeypatch, capsys, make, code):
    exc = make()
    _fail_with(monkeypatch, exc)
    assert cli.main(["build", "tour.yaml"]) == code != 0
    err = _one_line(capsys)
    assert err.startswith("error: ") and len(err.strip()) > len("error: build: ")
    if isinstance(exc, SystemExit | GeneratorExit | _LibraryBaseException | _Unprintable):
        assert type(exc).__name__ in err or "exit status" in err or "libfoo" in err


def test_a_command_that_cannot_be_imported_is_one_line_not_a_traceback(monkeypatch, capsys):
    real = cli.importlib.import_module

    def broken(name):
        if name == "vtour.commands.image":
            raise ImportError("libvips.so.42: cannot open shared object file")
        return real(name)

    monkeypatch.setattr(cli.importlib, "import_module", broken)
    assert cli.main(["pano", "x.jpg"]) == 1
    err = _one_line(capsys)
    assert err.startswith("error: cannot start: ImportError: libvips.so.42") and "reinstall" in err


def test_a_real_vtour_process_never_fails_silently(tmp_path):
    """In a child process, as a user runs it: a library's bare sys.exit(1) and a crash in a worker both
    end with one line on stderr and a non-zero status."""
    for body in ("raise SystemExit(1)", "import cv2, numpy as np; cv2.remap(np.zeros((1, 40000), np.uint8), "
                 "np.zeros((1, 1), np.float32), np.zeros((1, 1), np.float32), 1)"):
        code = (
            "import sys\nfrom vtour import cli\nfrom vtour.commands import build\n"
            f"def run(args):\n    {body}\n"
            "build.run = run\nsys.exit(cli.main(['build', 'tour.yaml']))\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert proc.returncode != 0
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: build: "), proc.stderr


def test_debug_shows_the_traceback_of_an_unexpected_exception(monkeypatch):
    _fail_with(monkeypatch, RuntimeError("boom"))
    with pytest.raises(RuntimeError, match="boom"):
        cli.main(["--debug", "build", "tour.yaml"])


TEMP = "/data/out/.mogao.tmp-0a1b2c3d/scenes/a/0.jpg"


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            OSError(errno.ENOSPC, "No space left on device", TEMP),
            "error: build: /data/out/mogao/scenes/a/0.jpg: the disk is full (No space left on device); "
            "free some space, or write the output to another disk",
        ),
        (
            PermissionError(errno.EACCES, "Permission denied", "/data/out/.mogao.tmp-0a1b2c3d"),
            "error: build: /data/out/mogao: permission denied; "
            "check that you may write there (its folder's permissions), or write elsewhere",
        ),
        (
            OSError(errno.EADDRINUSE, "Address already in use"),
            "error: build: the port is in use (Address already in use); "
            "pass another --port (0: any free one), or stop the program that holds it",
        ),
        (
            socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
            "error: build: unknown host (Name or service not known); check the host name or address",
        ),
        (
            TimeoutError(),
            "error: build: timed out; check that the server or scheduler it waits for is running and reachable, "
            "then try again",
        ),
        (
            OSError("Timed out trying to connect to tcp://10.9.9.9:8786 after 30 s"),
            "error: build: timed out (Timed out trying to connect to tcp://10.9.9.9:8786 after 30 s); check that "
            "the server or scheduler it waits for is running and reachable, then try again",
        ),
        (
            FileNotFoundError(errno.ENOENT, "No such file or directory", "/data/x/.vtour-import.tmp-0a1b2c3d/a.jpg"),
            "error: build: /data/x/a.jpg: No such file or directory; check the path",
        ),
    ],
)
def test_an_os_error_says_what_happened_with_the_users_own_path(monkeypatch, capsys, exc, expected):
    _fail_with(monkeypatch, exc)
    assert cli.main(["build", "tour.yaml"]) == 2
    assert _one_line(capsys) == expected + "\n"


def test_hidden_temporary_paths_are_mapped_back_to_the_users_path():
    from vtour.output import temp_path

    out = Path("/data/export/mogao")
    beside = temp_path(out)
    inside = temp_path(out / out.name)  # staging inside a writable output whose parent is not writable
    assert cli.user_paths(f"{beside}/tour.json") == "/data/export/mogao/tour.json"
    assert cli.user_paths(f"cannot write {inside}/scenes: x") == "cannot write /data/export/mogao/scenes: x"
    assert cli.user_paths(f"{temp_path(out / 'vtour-import')}/a.jpg") == "/data/export/mogao/a.jpg"
    assert cli.user_paths(str(temp_path(out, "old"))) == "/data/export/mogao"
    assert cli.user_paths("/data/.config/tour.yaml") == "/data/.config/tour.yaml"


def test_a_vtour_error_never_names_a_hidden_temporary_path(monkeypatch, capsys):
    _fail_with(monkeypatch, VtourError("pano", "cannot write the tile", path="/o/.pano.tmp-0a1b2c3d/0/f/0/0.jpg"))
    assert cli.main(["build", "tour.yaml"]) == 2
    assert _one_line(capsys) == "error: pano: /o/pano/0/f/0/0.jpg: cannot write the tile\n"


def test_out_of_memory_blames_max_pixels_only_in_a_command_that_has_it(monkeypatch, capsys):
    _fail_with(monkeypatch, MemoryError())
    assert cli.main(["build", "tour.yaml"]) == 3
    err = _one_line(capsys)
    assert err == (
        "error: build: out of memory; the input needs more memory than this machine has: "
        "use smaller inputs or a machine with more memory\n"
    )
    monkeypatch.setattr(pano_command, "build_pano", lambda *a: (_ for _ in ()).throw(MemoryError()))
    assert cli.main(["pano", "x.jpg", "-o", "out"]) == 3
    assert _one_line(capsys) == (
        "error: pano: out of memory; lower --max-pixels or --face-size, or use a machine with more memory\n"
    )


SIGTERM_CHILD = """
import pathlib, sys, time
from vtour import cli
from vtour.commands import build

def slow(args):
    try:
        print("ready", flush=True)
        time.sleep(60)
    finally:
        pathlib.Path(sys.argv[1]).write_text("cleaned up")

build.run = slow
sys.exit(cli.main(["build", "tour.yaml"]))
"""


def test_sigterm_is_handled_like_ctrl_c_so_the_cleanup_runs(tmp_path):
    marker = tmp_path / "cleaned"
    proc = subprocess.Popen(
        [sys.executable, "-c", SIGTERM_CHILD, str(marker)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline() == "ready\n", proc.stderr.read()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 143 and marker.read_text() == "cleaned up"
    assert err == "build: stopped by SIGTERM; no partial output was left behind\n"


def test_the_sigterm_handler_is_restored_when_main_returns(monkeypatch):
    _fail_with(monkeypatch, RuntimeError("boom"))
    before = signal.getsignal(signal.SIGTERM)
    cli.main(["build", "tour.yaml"])
    assert signal.getsignal(signal.SIGTERM) is before


def test_libvips_info_lines_stay_off_stderr_and_vtours_own_info_stays(tmp_path):
    from PIL import Image

    Image.new("RGB", (300, 200), (200, 100, 50)).save(tmp_path / "a.png")
    vtour = Path(sys.executable).parent / "vtour"
    run = subprocess.run(
        [str(vtour), "image", str(tmp_path / "a.png"), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "VIPS" not in run.stderr, run.stderr
    assert "image: 300 x 200 px" in run.stderr  # vtour's own INFO
