"""Narration (audio + WebVTT captions) and the kiosk: section, from tour.yaml to the built tour.json."""

from __future__ import annotations

import json
import os
import wave

import pytest
import yaml
from tour_helpers import small_tour

from vtour.tour import build_tour, read_tour, schema_problems
from vtour.tour.assemble import kiosk_settings
from vtour.tour.validate import validate_built, validate_path, validate_tour

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
    assert "a link hotspot cannot have narration" in _text(_problems(path))


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
    # a changed file gets a new name (no stale cache in a kiosk)
    _wav(tmp_path / "narration" / "s0.en.wav", seconds=0.5)
    build_tour(path, out, cache_dir=tmp_path / "cache")
    doc2 = json.loads((out / "tour.json").read_text())
    assert doc2["scenes"][0]["narration"]["audio"]["en"] != scene["audio"]["en"]
    assert doc2["scenes"][0]["narration"]["audio"]["fr"] == scene["audio"]["fr"]
    assert not (out / scene["audio"]["en"]).exists()


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
