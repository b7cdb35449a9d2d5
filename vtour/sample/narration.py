"""The sample grotto's narration: short synthesized WAV files (a soft chime over a drone; no voice:
nothing to download, nothing recorded) and WebVTT captions whose text is what the scene or the
hotspot says, in en and zh. Seeded like the rest of the sample: the same seed gives the same bytes.
"""

from __future__ import annotations

import io
import re
import wave

import numpy as np

#: Sample rate (Hz), length (s) and peak level of the narration audio: 16-bit mono, about 144 kB.
RATE, SECONDS, PEAK = 16000, 4.5, 0.35
#: A pentatonic scale (Hz) the chime's notes are drawn from.
SCALE = (392.0, 440.0, 523.25, 587.33, 659.25, 784.0)
#: The folder of the narration files in the sample.
FOLDER = "narration"


def chime(rng: np.random.Generator, seconds: float = SECONDS, rate: int = RATE) -> np.ndarray:
    """``(seconds * rate,) float32`` in [-1, 1]: a low drone swelling and fading, with a few
    struck notes (each a decaying fundamental and two soft partials)."""
    n = round(seconds * rate)
    t = np.arange(n, dtype=np.float64) / rate
    root = float(rng.choice((110.0, 130.81, 146.83)))
    swell = np.sin(np.pi * t / seconds) ** 2
    drone = 0.35 * swell * (np.sin(2 * np.pi * root * t) + 0.3 * np.sin(2 * np.pi * 1.5 * root * t + 0.7))
    notes = np.zeros(n)
    starts = np.sort(rng.uniform(0.1, seconds - 1.2, size=4))
    for start in starts:
        f = float(rng.choice(SCALE))
        dt = np.clip(t - start, 0.0, None)
        on = t >= start
        envelope = on * np.exp(-dt * 2.2) * np.minimum(dt * 200.0, 1.0)  # 5 ms attack: no click
        notes += envelope * (
            np.sin(2 * np.pi * f * dt) + 0.25 * np.sin(2 * np.pi * 2 * f * dt) + 0.1 * np.sin(2 * np.pi * 3.01 * f * dt)
        )
    signal = drone + 0.5 * notes
    fade = np.minimum(1.0, np.minimum(t, seconds - t) / 0.15)  # 150 ms in and out
    signal *= fade
    return (PEAK * signal / max(float(np.abs(signal).max()), 1e-9)).astype(np.float32)


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    """16-bit mono PCM WAV of ``samples`` in [-1, 1] (the stdlib writer: no timestamps)."""
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buffer.getvalue()


def _timestamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def split_cues(text: str, cues: int = 3) -> list[str]:
    """``text`` in up to ``cues`` parts of about equal length, broken after a sentence or clause
    (., ,, :, ;, 。, ，, ：, ；) where there is one (two clauses: two parts, never a word cut in
    half), else between words (or characters, for zh)."""
    text = " ".join(text.split())
    pieces = [p for p in re.split(r"(?<=[.,;:。，；：])\s*", text) if p]
    if len(pieces) < min(cues, 2):
        pieces = text.split(" ") if " " in text else list(text)
    joiner = "" if " " not in text else " "
    target = len(text) / cues
    out: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{joiner}{piece}" if current else piece
        if current and len(current) >= target and len(out) < cues - 1:
            out.append(current.strip())
            current = piece
        else:
            current = candidate
    if current:
        out.append(current.strip())
    return out


def webvtt(text: str, seconds: float = SECONDS, cues: int = 3) -> str:
    """WebVTT captions of ``text`` over ``seconds``: its parts (:func:`split_cues`) one after
    another, each for a share of the time proportional to its length."""
    parts = split_cues(text, cues)
    total = sum(len(p) for p in parts) or 1
    lines = ["WEBVTT", ""]
    start = 0.0
    for k, part in enumerate(parts, 1):
        end = seconds if k == len(parts) else start + seconds * len(part) / total
        lines += [str(k), f"{_timestamp(start)} --> {_timestamp(end)}", part, ""]
        start = end
    return "\n".join(lines)


def narration_files(rng: np.random.Generator, name: str, texts: dict) -> tuple[dict, dict[str, bytes]]:
    """tour.yaml's ``narration:`` for ``texts`` (``{lang: text}``) and its files (path -> bytes):
    ``narration/<name>.<lang>.wav`` and ``.vtt`` per language, the audio drawn from ``rng``."""
    entry: dict = {"audio": {}, "captions": {}}
    files: dict[str, bytes] = {}
    for lang, text in texts.items():
        audio, captions = f"{FOLDER}/{name}.{lang}.wav", f"{FOLDER}/{name}.{lang}.vtt"
        files[audio] = wav_bytes(chime(rng))
        files[captions] = webvtt(text).encode("utf-8")
        entry["audio"][lang], entry["captions"][lang] = audio, captions
    return entry, files
