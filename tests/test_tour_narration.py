"""Narration (audio + WebVTT captions) and the kiosk: section, from tour.yaml to the built tour.json."""

from __future__ import annotations

import json
import os
import wave

import pytest
import yaml
from tour_helpers import deep_zoom_tour, edit_tour, small_tour

from vtour.tour import assemble, build_tour, read_tour, schema_problems
from vtour.tour.assemble import kiosk_settings, media_name, media_names, tour_document, write_tour_folder
from vtour.tour.validate import captions_problem, validate_built, validate_path, validate_tour

VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n"


def _wav(path, seconds=0.2, rate=16000):
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(seconds * rate))
    return path


def _tour(tmp_path, scene_narration=None, hotspot_narration=None, **extra):
    """The small tour (en, fr) with narration files under narration/ and the given fields."""
    _wav(tmp_path / "narration" / "s0.en.wav")
    _wav(tmp_path / "narration" / "s0.fr.wav", seconds=0.3)
    (tmp_path / "narration" / "s0.en.vtt").write_text(VTT, encoding="utf-8")
    (tmp_path / "narration" / "s0.fr.vtt").write_text(VTT.replace("Hello", "Bonjour"), encoding="utf-8")
    path = small_tour(tmp_path, **extra)
    data = yaml.safe_load(path.read_text())
    if scene_narration is not None:
        data["scenes"][0]["narration"] = scene_narration
    if hotspot_narration is not None:
        data["scenes"][0]["hotspots"][1]["narration"] = hotspot_narration
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


FULL = {
    "audio": {"en": "narration/s0.en.wav", "fr": "narration/s0.fr.wav"},
    "captions": {"en": "narration/s0.en.vtt", "fr": "narration/s0.fr.vtt"},
}


def _problems(path):
    tour, problems = read_tour(path)
    return problems + validate_tour(tour)


def _text(problems):
    return "\n".join(str(p) for p in problems)


def test_narration_is_read_from_a_plain_path_or_a_mapping_per_language(tmp_path):
    path = _tour(tmp_path, scene_narration="narration/s0.en.wav", hotspot_narration=FULL)
    tour, problems = read_tour(path)
    assert problems == []
    assert tour.scenes[0].narration.audio == {"en": "narration/s0.en.wav"}
    assert tour.scenes[0].narration.captions == {}
    assert tour.scenes[0].hotspots[1].narration.captions == FULL["captions"]
    assert validate_tour(tour) == []


def test_narration_shape_problems_name_the_field_and_say_what_to_write(tmp_path):
    path = _tour(tmp_path, scene_narration={"audoi": "narration/s0.en.wav"}, hotspot_narration=[1])
    text = _text(_problems(path))
    assert "scenes[0].narration.audoi" in text and "did you mean 'audio'?" in text
    assert "scenes[0].hotspots[1].narration" in text and "expected a file or a mapping" in text


def test_narration_files_are_checked_format_language_webvtt_and_inside_the_folder(tmp_path):
    (tmp_path / "narration").mkdir()
    (tmp_path / "narration" / "bad.vtt").write_text("1\n00:00:00,000 --> 00:00:01,000\nSRT\n", encoding="utf-8")
    (tmp_path / "narration" / "latin1.vtt").write_bytes("WEBVTT\n\ncafé".encode("latin-1"))
    (tmp_path / "narration" / "clip.flac").write_bytes(b"fLaC")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.wav"
    _wav(outside)
    os.symlink(outside, tmp_path / "narration" / "link.wav")
    path = _tour(
        tmp_path,
        scene_narration={
            "audio": {"en": "narration/clip.flac", "fr": "narration/missing.mp3", "de": "narration/s0.en.wav"},
            "captions": {"en": "narration/bad.vtt", "fr": "narration/latin1.vtt"},
        },
        hotspot_narration={"audio": "narration/link.wav", "captions": {"fr": "narration/s0.fr.vtt"}},
    )
    problems = _problems(path)
    text = _text(problems)
    assert "scenes[0].narration.audio.en" in text and "'narration/clip.flac' is not in a format browsers play" in text
    assert "narration audio 'narration/missing.mp3' not found" in text
    assert "scenes[0].narration.audio.de" in text and "language 'de' is not one of the tour's languages" in text
    assert "captions 'narration/bad.vtt' is not WebVTT" in text and "first line WEBVTT" in text
    assert "captions 'narration/latin1.vtt' is not UTF-8 text" in text
    assert "'narration/link.wav' is a link to" in text and "outside the tour folder" in text
    assert "captions in fr but no narration audio in fr" in text
    assert all(p.fix for p in problems)


def test_narration_on_a_link_hotspot_is_a_problem(tmp_path):
    path = _tour(tmp_path)
    data = yaml.safe_load(path.read_text())
    data["scenes"][0]["hotspots"][0]["narration"] = "narration/s0.en.wav"
    path.write_text(yaml.safe_dump(data))
    assert "a link hotspot cannot have narration: the viewer never plays it" in _text(_problems(path))


def test_narration_on_an_info_hotspot_that_opens_a_deep_zoom_image_is_a_problem(tmp_path):
    """The viewer offers a hotspot's narration only in the info dialog; a deep-zoom image opens the
    image viewer instead (vtour/web/src/Viewer.js activate), where it would never be heard."""
    _tour(tmp_path)
    path = deep_zoom_tour(tmp_path)
    edit_tour(path, lambda d: d["scenes"][0]["hotspots"][2].update(narration="narration/s0.en.wav"))
    tour, problems = read_tour(path)
    assert problems == [] and not tour.plays_narration(tour.scenes[0].hotspots[2])
    (problem,) = validate_tour(tour)
    assert str(problem).startswith("tour.yaml:") and "scenes[0].hotspots[2].narration" in str(problem)
    assert "opens the deep-zoom image 'mural' cannot have narration" in problem.message
    assert "info hotspot without a deep-zoom image" in problem.fix
    # an info hotspot with a photo (its dialog shows it) plays it: no problem
    edit_tour(path, lambda d: d["scenes"][0]["hotspots"][1].update(narration="narration/s0.en.wav"))
    edit_tour(path, lambda d: d["scenes"][0]["hotspots"][2].pop("narration"))
    tour, _ = read_tour(path)
    assert tour.plays_narration(tour.scenes[0].hotspots[1]) and validate_tour(tour) == []


def test_a_language_whose_audio_is_null_is_a_problem_naming_it_and_the_others_are_kept(tmp_path):
    path = _tour(tmp_path, scene_narration={"audio": {"en": "narration/s0.en.wav", "fr": None}})
    tour, problems = read_tour(path)
    (problem,) = problems
    assert "scenes[0].narration.audio.fr" in str(problem) and "no audio file given for fr" in problem.message
    assert "remove the fr line" in problem.fix
    assert tour.scenes[0].narration.audio == {"en": "narration/s0.en.wav"}
    for narration in ({"audio": None}, {"audio": None, "captions": {"en": "narration/s0.en.vtt"}}):
        text = _text(_problems(_tour(tmp_path, scene_narration=narration)))
        assert "scenes[0].narration.audio: narration without audio" in text


def test_captions_must_be_vtt_files(tmp_path):
    (tmp_path / "narration").mkdir()
    (tmp_path / "narration" / "s0.en.srt").write_text(VTT, encoding="utf-8")  # WebVTT inside, but named .srt
    path = _tour(tmp_path, scene_narration={"audio": "narration/s0.en.wav", "captions": "narration/s0.en.srt"})
    problems = _problems(path)
    text = _text(problems)
    assert "scenes[0].narration.captions.en" in text
    assert "captions 'narration/s0.en.srt' are not a .vtt file (.srt)" in text and all(p.fix for p in problems)


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n"])
def test_webvtt_with_any_of_its_line_terminators_is_accepted(tmp_path, eol):
    """WebVTT ends a line with CRLF, LF or a CR alone (an old Mac editor's): browsers read all three."""
    path = _tour(tmp_path, scene_narration={"audio": "narration/s0.en.wav", "captions": "narration/eol.vtt"})
    (tmp_path / "narration" / "eol.vtt").write_bytes(("\ufeff" + VTT).replace("\n", eol).encode())
    assert captions_problem(tmp_path / "narration" / "eol.vtt") is None
    assert _problems(path) == []
    (tmp_path / "narration" / "eol.vtt").write_bytes(f"WEBVTTX{eol}{eol}00:00.000 --> 00:01.000{eol}Hi".encode())
    assert "is not WebVTT: its first line is 'WEBVTTX'" in _text(_problems(path))


def test_the_build_copies_narration_into_media_with_content_names_and_writes_tour_json(tmp_path):
    path = _tour(tmp_path, scene_narration=FULL, hotspot_narration={"audio": {"en": "narration/s0.en.wav"}})
    out = tmp_path / "out"
    build_tour(path, out, cache_dir=tmp_path / "cache")
    doc = json.loads((out / "tour.json").read_text())
    assert schema_problems(doc) == []
    scene = doc["scenes"][0]["narration"]
    assert list(scene) == ["audio", "captions"] and list(scene["audio"]) == ["en", "fr"]
    for files in scene.values():
        for lang, rel in files.items():
            assert rel.startswith("media/s0.") and (out / rel).is_file()
            source = FULL["audio" if rel.endswith(".wav") else "captions"][lang]
            assert (out / rel).read_bytes() == (tmp_path / source).read_bytes()
    hotspot = doc["scenes"][0]["hotspots"][1]["narration"]
    assert hotspot == {"audio": {"en": scene["audio"]["en"]}}  # the same file: one copy
    assert "narration" not in doc["scenes"][1]
    assert validate_built(out) == []
    (out / scene["captions"]["fr"]).unlink()
    assert "scenes[0].narration.captions.fr" in _text(validate_built(out))
    tampered = json.loads((out / "tour.json").read_text())
    tampered["scenes"][0]["narration"]["audio"]["de"] = scene["audio"]["en"]
    (out / "tour.json").write_text(json.dumps(tampered))
    assert "narration audio language 'de' is not one of the tour's languages" in _text(validate_built(out))
    tampered["scenes"][0]["hotspots"][1]["deepZoom"] = "mural"  # a tour.json made elsewhere
    (out / "tour.json").write_text(json.dumps(tampered))
    assert "scenes[0].hotspots[1].narration: narration on a hotspot that does not open the info dialog" in _text(
        validate_built(out)
    )
    # a changed file gets a new name (no stale cache in a kiosk)
    _wav(tmp_path / "narration" / "s0.en.wav", seconds=0.5)
    build_tour(path, out, cache_dir=tmp_path / "cache")
    doc2 = json.loads((out / "tour.json").read_text())
    assert doc2["scenes"][0]["narration"]["audio"]["en"] != scene["audio"]["en"]
    assert doc2["scenes"][0]["narration"]["audio"]["fr"] == scene["audio"]["fr"]
    assert not (out / scene["audio"]["en"]).exists()


def test_each_narration_file_is_streamed_once_into_media_and_tour_json_names_the_bytes_copied(tmp_path, monkeypatch):
    """The build reads no narration file whole, reads each once (hashed on the way, in pieces, as it is
    copied), and tour.json names the bytes copied even if a source changes after the copy."""
    import hashlib
    from pathlib import Path

    path = _tour(tmp_path, scene_narration=FULL, hotspot_narration={"audio": {"en": "narration/s0.en.wav"}})
    sources = {(tmp_path / rel).resolve() for files in FULL.values() for rel in files.values()}
    opened: list = []
    real_open, real_read_bytes = open, Path.read_bytes

    def counting_open(file, mode="r", *args, **kwargs):
        if Path(file).resolve() in sources:
            opened.append((Path(file).name, mode))
        return real_open(file, mode, *args, **kwargs)

    def no_whole_read(self):
        assert self.resolve() not in sources, f"{self} read whole"
        return real_read_bytes(self)

    monkeypatch.setattr(assemble, "open", counting_open, raising=False)
    monkeypatch.setattr(Path, "read_bytes", no_whole_read)
    monkeypatch.setattr(assemble, "MEDIA_CHUNK", 1000)  # several pieces per file
    real_copy = assemble.copy_media
    copied_bytes: dict = {}

    def changed_after_the_copy(tour, folder):
        media = real_copy(tour, folder)
        copied_bytes["fr"] = real_read_bytes(tmp_path / "narration" / "s0.fr.wav")
        _wav(tmp_path / "narration" / "s0.fr.wav", seconds=0.7)  # the source changes once copied
        return media

    monkeypatch.setattr("vtour.tour.build.copy_media", changed_after_the_copy)
    out = tmp_path / "out"
    build_tour(path, out, cache_dir=tmp_path / "cache")
    # each source opened once in all (s0.en.wav, named twice, too), for reading
    assert sorted(n for n, _ in opened) == sorted(Path(p).name for p in sources)
    assert all("r" in m for _, m in opened)
    doc = json.loads((out / "tour.json").read_text())
    fr = doc["scenes"][0]["narration"]["audio"]["fr"]
    data = copied_bytes["fr"]
    assert data != real_read_bytes(tmp_path / "narration" / "s0.fr.wav")
    assert fr == media_name("narration/s0.fr.wav", hashlib.sha256(data).hexdigest())
    assert real_read_bytes(out / fr) == data
    assert sorted(p.name for p in (out / "media").iterdir()) == sorted(
        Path(rel).name for files in doc["scenes"][0]["narration"].values() for rel in files.values()
    ), "no temporary file left, one file per content"
    assert validate_built(out) == []


def test_media_copied_first_is_read_once_in_all(tmp_path, monkeypatch):
    """copy_media, then tour_document and write_tour_folder with its names: one read of each file."""
    from pathlib import Path

    from vtour.tour.assemble import copy_media

    path = _tour(tmp_path, scene_narration=FULL)
    result = build_tour(path, tmp_path / "out")
    dirs = {k: {s.id: tmp_path / ".vtour-cache" / "small" / f"{k}s" / s.key for s in result.stages if s.kind == k}
            for k in ("scene", "model")}
    tour, _ = read_tour(path)
    opened: list = []
    real_open = open
    monkeypatch.setattr(assemble, "open", lambda f, *a, **k: opened.append(Path(f).name) or real_open(f, *a, **k),
                        raising=False)
    folder = tmp_path / "again"
    for sub in ("scenes", "models"):  # the stage outputs, as the build links them
        (folder / sub).mkdir(parents=True)
    for sid, stage in dirs["scene"].items():
        os.symlink(stage, folder / "scenes" / sid)
    media = copy_media(tour, folder)
    doc = tour_document(tour, dirs["scene"], dirs["model"], media=media)
    write_tour_folder(tour, doc, folder, media=media)
    sources = sorted(Path(rel).name for files in FULL.values() for rel in files.values())
    assert sorted(n for n in opened if n in sources) == sources
    assert json.loads((folder / "tour.json").read_text()) == json.loads((tmp_path / "out" / "tour.json").read_text())


def test_the_same_content_under_the_same_name_is_one_media_file(tmp_path):
    """Two copies of one recording in different folders get the same name in media/: one file."""
    path = _tour(tmp_path, scene_narration={"audio": {"en": "narration/s0.en.wav"}})
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "s0.en.wav").write_bytes((tmp_path / "narration" / "s0.en.wav").read_bytes())
    edit_tour(path, lambda d: d["scenes"][0]["hotspots"][1].update(narration="copy/s0.en.wav"))
    out = tmp_path / "out"
    build_tour(path, out, cache_dir=tmp_path / "cache")
    doc = json.loads((out / "tour.json").read_text())
    name = doc["scenes"][0]["narration"]["audio"]["en"]
    assert doc["scenes"][0]["hotspots"][1]["narration"]["audio"]["en"] == name
    assert [p.name for p in (out / "media").iterdir()] == [name.split("/")[1]]
    tour, _ = read_tour(path)
    assert media_names(tour) == {
        "narration/s0.en.wav": name,
        "copy/s0.en.wav": name,
    }


def test_the_schema_refuses_a_narration_without_audio_or_with_captions_not_vtt():
    base = {"format": "vtour-tour", "version": 1, "id": "t", "title": {"en": "T"}, "languages": ["en"],
            "start": "a", "models": [], "scenes": []}
    scene = {"id": "a", "title": {"en": "A"}, "northOffset": 0, "hotspots": [], "view": {"yaw": 0, "pitch": 0, "fov": 70},
             "panorama": {}}
    doc = dict(base, scenes=[dict(scene, narration={"captions": {"en": "media/a.srt"}})])
    text = _text(schema_problems(doc))
    assert "audio" in text and "media/a.srt" in text


def test_kiosk_section_becomes_settings_kiosk_in_camel_case_and_wins_over_settings(tmp_path):
    path = _tour(
        tmp_path,
        kiosk={"idle_seconds": 90, "countdownSeconds": 10.5,
               "attract": {"scenes": ["s1", "s0"], "seconds_per_scene": 20, "narration": False}},
        settings={"kiosk": {"idleReturnSeconds": 30, "idleSeconds": 5, "attract": {"secondsPerScene": 7, "x": 1}}},
    )
    tour, problems = read_tour(path)
    assert problems == [] and validate_tour(tour) == []
    assert kiosk_settings(tour) == {
        "idleReturnSeconds": 30,
        "idleSeconds": 90,
        "countdownSeconds": 10.5,
        "attract": {"secondsPerScene": 20, "x": 1, "scenes": ["s1", "s0"], "narration": False},
    }
    out = tmp_path / "out"
    build_tour(path, out, cache_dir=tmp_path / "cache")
    doc = json.loads((out / "tour.json").read_text())
    assert doc["settings"]["kiosk"] == kiosk_settings(tour)
    assert schema_problems(doc) == []


def test_kiosk_only_writes_the_keys_given(tmp_path):
    tour, _ = read_tour(_tour(tmp_path, kiosk={"attract": {}}))
    assert kiosk_settings(tour) == {"attract": {}}
    tour, _ = read_tour(_tour(tmp_path, kiosk={"idle_seconds": 60}))
    assert kiosk_settings(tour) == {"idleSeconds": 60}
    tour, _ = read_tour(_tour(tmp_path))
    assert tour.kiosk is None and kiosk_settings(tour) is None


@pytest.mark.parametrize(
    ("kiosk", "expected"),
    [
        ({"idle_seconds": -1}, "kiosk.idle_seconds: -1 seconds is negative"),
        ({"countdown_seconds": ".inf"}, "kiosk.countdown_seconds: expected a number, got"),
        ({"attract": {"seconds_per_scene": 0}}, "0 seconds per scene is not above 0"),
        ({"attract": {"scenes": ["s0", "s2x"]}}, "kiosk.attract.scenes[1]: unknown scene 's2x' in the attract loop"),
        ({"attract": {"scenes": "s0"}}, "expected a list of scene ids"),
        ({"attract": {"scenes": []}}, "the attract loop lists no scene"),
        ({"attract": {"narration": "yes"}}, "kiosk.attract.narration: expected true or false"),
        ({"idle_second": 3}, "did you mean 'idle_seconds'?"),
        ([1], "kiosk: expected a mapping"),
    ],
)
def test_kiosk_problems_name_the_field_and_value(tmp_path, kiosk, expected):
    path = _tour(tmp_path, kiosk=kiosk)
    text = _text(_problems(path))
    assert expected in text


def test_an_unknown_attract_scene_gets_a_close_match(tmp_path):
    path = _tour(tmp_path, kiosk={"attract": {"scenes": ["s01"]}})
    text = _text(validate_path(path))
    assert "unknown scene 's01'" in text and ("did you mean 's0'?" in text or "did you mean 's1'?" in text)
    path = _tour(tmp_path, kiosk={"attract": {"scenes": ["zzzz"]}})
    assert "use one of ['s0', 's1']" in _text(validate_path(path))


@pytest.mark.parametrize(
    ("settings_kiosk", "expected"),
    [
        ({"idleSeconds": -5}, "settings.kiosk.idleSeconds: -5 seconds is negative"),
        ({"countdownSeconds": "10"}, "settings.kiosk.countdownSeconds: expected a number of seconds, got '10'"),
        ({"idleReturnSeconds": True}, "settings.kiosk.idleReturnSeconds: expected a number of seconds, got True"),
        ({"attract": {"secondsPerScene": 0}}, "settings.kiosk.attract.secondsPerScene: 0 seconds per scene is not"),
        ({"attract": {"scenes": ["s0", "s9"]}}, "settings.kiosk.attract.scenes[1]: unknown scene 's9' in the attract"),
        ({"attract": {"scenes": "s0"}}, "settings.kiosk.attract.scenes: expected a list of scene ids"),
        ({"attract": {"scenes": []}}, "settings.kiosk.attract.scenes: the attract loop lists no scene"),
        ({"attract": {"narration": "yes"}}, "settings.kiosk.attract.narration: expected true or false, got 'yes'"),
        ({"attract": [1]}, "settings.kiosk.attract: expected a mapping"),
        ("fast", "settings.kiosk: expected a mapping"),
        ({"idleSeconds": 90000}, "settings.kiosk.idleSeconds: 90000 seconds is more than a day (86400 s)"),
    ],
)
def test_settings_kiosk_is_validated_before_the_build_naming_the_field_and_value(tmp_path, settings_kiosk, expected):
    path = _tour(tmp_path, settings={"kiosk": settings_kiosk})
    problems = _problems(path)
    assert expected in _text(problems) and all(p.fix for p in problems)
    assert str(problems[0]).startswith("tour.yaml:")


def test_a_settings_kiosk_value_that_kiosk_replaces_is_not_checked(tmp_path):
    """kiosk: wins key by key; the settings.kiosk value it replaces never reaches tour.json."""
    path = _tour(
        tmp_path,
        kiosk={"idle_seconds": 30, "attract": {"scenes": ["s1"], "seconds_per_scene": 5, "narration": False}},
        settings={"kiosk": {"idleSeconds": -5, "attract": {"scenes": ["gone"], "secondsPerScene": 0, "narration": 1}}},
    )
    assert _problems(path) == []
    tour, _ = read_tour(path)
    assert kiosk_settings(tour) == {"idleSeconds": 30, "attract": {"scenes": ["s1"], "secondsPerScene": 5,
                                                                   "narration": False}}


@pytest.mark.parametrize(
    ("kiosk", "where"),
    [
        ({"idle_seconds": 86401}, "kiosk.idle_seconds"),
        ({"countdown_seconds": 1e9}, "kiosk.countdown_seconds"),
        ({"attract": {"seconds_per_scene": 100000}}, "kiosk.attract.seconds_per_scene"),
    ],
)
def test_kiosk_times_are_at_most_a_day(tmp_path, kiosk, where):
    problems = _problems(_tour(tmp_path, kiosk=kiosk))
    (problem,) = problems
    assert f"{where}: " in str(problem) and "seconds is more than a day (86400 s)" in problem.message
    assert "at most 86400 seconds" in problem.fix
    day = {"idle_seconds": 86400, "countdown_seconds": 86400, "attract": {"seconds_per_scene": 86400}}
    assert _problems(_tour(tmp_path, kiosk=day)) == []


def test_the_schema_bounds_kiosk_times_by_a_day():
    from vtour.tour.document import KIOSK_MAX_SECONDS
    from vtour.tour.schema import tour_schema

    kiosk = tour_schema()["$defs"]["kiosk"]["properties"]
    for times in (kiosk, kiosk["attract"]["properties"]):
        for key, spec in times.items():
            if key.endswith("Seconds") or key == "secondsPerScene":
                assert spec["maximum"] == KIOSK_MAX_SECONDS == 86400, key
    base = {"format": "vtour-tour", "version": 1, "id": "t", "title": {"en": "T"}, "languages": ["en"],
            "start": "a", "models": [], "scenes": []}
    for settings, bad in (({"idleSeconds": 86400, "attract": {"secondsPerScene": 86400}}, False),
                          ({"countdownSeconds": 86401}, True), ({"attract": {"secondsPerScene": 86400.5}}, True)):
        text = _text(schema_problems(dict(base, settings={"kiosk": settings})))
        assert ("86400" in text) is bad, text
