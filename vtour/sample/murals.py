"""Procedural textures of the sample grotto, in the manner of a Dunhuang painted cave.

Every function draws with OpenCV into an ``(h, w, 3)`` uint8 sRGB image from a seeded
``numpy.random.Generator``, so the same seed gives the same bytes. Sizes are in pixels; the
caller picks them from the surface size and a texel density. Palette: mineral pigments as they
look today (red ochre, malachite green, lapis blue, yellow ochre, lead white darkened to brown-grey
on the skin), on a warm clay-plaster ground.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

RED = (158, 58, 38)
GREEN = (58, 128, 106)
BLUE = (48, 78, 140)
OCHRE = (196, 150, 76)
WHITE = (232, 222, 198)
INK = (52, 36, 30)
SKIN = (122, 96, 84)
GOLD = (205, 170, 90)
GROUND = (214, 190, 150)
PALETTE = (RED, GREEN, BLUE, OCHRE)


def _bgr(c):  # cv2 draws in whatever channel order the array has; we keep RGB throughout
    return tuple(int(v) for v in c)


def plaster(rng: np.random.Generator, h: int, w: int, base=GROUND) -> np.ndarray:
    """Clay plaster: the base colour with low-frequency stains and fine grain."""
    stains = cv2.resize(
        rng.normal(0, 1, (max(2, h // 64), max(2, w // 64), 1)).astype(np.float32),
        (w, h),
        interpolation=cv2.INTER_CUBIC,
    )
    grain = rng.normal(0, 1, (h, w)).astype(np.float32)
    shade = 1.0 + 0.06 * stains.reshape(h, w) + 0.025 * grain
    return np.clip(np.asarray(base, np.float32) * shade[..., None], 0, 255).astype(np.uint8)


def border(img: np.ndarray, y0: int, y1: int, colours=(RED, INK)) -> None:
    """Horizontal band of rules between rows y0 and y1."""
    h = y1 - y0
    img[y0:y1] = colours[0]
    t = max(1, h // 8)
    img[y0 : y0 + t] = colours[1]
    img[y1 - t : y1] = colours[1]


def valance(img: np.ndarray, y0: int, height: int, rng: np.random.Generator) -> None:
    """Hanging-curtain frieze (chuiman): alternating coloured triangles and bells."""
    w = img.shape[1]
    step = max(8, height)
    for k, x in enumerate(range(0, w, step)):
        colour = PALETTE[k % 4]
        pts = np.array([[x, y0], [x + step, y0], [x + step // 2, y0 + height]], np.int32)
        cv2.fillPoly(img, [pts], _bgr(colour), cv2.LINE_AA)
        cv2.polylines(img, [pts], True, _bgr(INK), max(1, height // 20), cv2.LINE_AA)
        cv2.circle(img, (x + step // 2, y0 + height), max(2, height // 8), _bgr(GOLD), -1, cv2.LINE_AA)


def seated_figure(img: np.ndarray, cx: int, cy: int, size: int, robe, halo, *, detail: bool = True) -> None:
    """A seated Buddha seen from the front: mandorla, halo, crossed legs, robe, head and ushnisha.

    ``(cx, cy)`` is the centre of the body, ``size`` its total height in pixels.
    """
    s = size
    lw = max(1, s // 60)
    if detail:
        cv2.ellipse(img, (cx, cy), (int(0.42 * s), int(0.55 * s)), 0, 0, 360, _bgr(BLUE), -1, cv2.LINE_AA)
        cv2.ellipse(img, (cx, cy), (int(0.42 * s), int(0.55 * s)), 0, 0, 360, _bgr(OCHRE), 2 * lw, cv2.LINE_AA)
    head = (cx, cy - int(0.28 * s))
    cv2.circle(img, head, int(0.2 * s), _bgr(halo), -1, cv2.LINE_AA)
    cv2.circle(img, head, int(0.2 * s), _bgr(INK), lw, cv2.LINE_AA)
    cv2.ellipse(img, (cx, cy + int(0.28 * s)), (int(0.34 * s), int(0.1 * s)), 0, 0, 360, _bgr(robe), -1, cv2.LINE_AA)
    body = np.array(
        [
            [cx - int(0.16 * s), cy - int(0.14 * s)],
            [cx + int(0.16 * s), cy - int(0.14 * s)],
            [cx + int(0.24 * s), cy + int(0.26 * s)],
            [cx - int(0.24 * s), cy + int(0.26 * s)],
        ],
        np.int32,
    )
    cv2.fillPoly(img, [body], _bgr(robe), cv2.LINE_AA)
    cv2.polylines(img, [body], True, _bgr(INK), lw, cv2.LINE_AA)
    cv2.circle(img, head, int(0.09 * s), _bgr(SKIN), -1, cv2.LINE_AA)
    cv2.circle(img, (head[0], head[1] - int(0.09 * s)), int(0.045 * s), _bgr(INK), -1, cv2.LINE_AA)
    if detail and s >= 60:
        for k in range(1, 4):  # robe folds
            y = cy - int(0.14 * s) + k * int(0.1 * s)
            cv2.ellipse(img, (cx, y), (int(0.12 * s), int(0.04 * s)), 0, 0, 180, _bgr(INK), lw, cv2.LINE_AA)
        cv2.circle(img, (cx, cy + int(0.05 * s)), int(0.05 * s), _bgr(SKIN), -1, cv2.LINE_AA)  # hands


def standing_figure(img: np.ndarray, cx: int, top: int, size: int, robe, scarf) -> None:
    """A bodhisattva: halo, crowned head, long robe, scarf loops."""
    s = size
    lw = max(1, s // 80)
    head = (cx, top + int(0.12 * s))
    cv2.circle(img, head, int(0.1 * s), _bgr(GREEN), -1, cv2.LINE_AA)
    cv2.circle(img, head, int(0.1 * s), _bgr(OCHRE), 2 * lw, cv2.LINE_AA)
    body = np.array(
        [
            [cx - int(0.07 * s), top + int(0.2 * s)],
            [cx + int(0.07 * s), top + int(0.2 * s)],
            [cx + int(0.11 * s), top + s],
            [cx - int(0.11 * s), top + s],
        ],
        np.int32,
    )
    cv2.fillPoly(img, [body], _bgr(robe), cv2.LINE_AA)
    cv2.polylines(img, [body], True, _bgr(INK), lw, cv2.LINE_AA)
    cv2.circle(img, head, int(0.045 * s), _bgr(SKIN), -1, cv2.LINE_AA)
    crown = np.array(
        [
            [head[0] - int(0.05 * s), head[1] - int(0.03 * s)],
            [head[0], head[1] - int(0.1 * s)],
            [head[0] + int(0.05 * s), head[1] - int(0.03 * s)],
        ],
        np.int32,
    )
    cv2.fillPoly(img, [crown], _bgr(GOLD), cv2.LINE_AA)
    t = np.linspace(0, 1, 40)
    for side in (-1, 1):
        xs = cx + side * (0.08 + 0.06 * np.sin(t * math.pi)) * s
        ys = top + (0.25 + 0.6 * t) * s
        cv2.polylines(img, [np.stack([xs, ys], 1).astype(np.int32)], False, _bgr(scarf), 2 * lw, cv2.LINE_AA)


def apsara(img: np.ndarray, cx: int, cy: int, size: int, direction: int, colour) -> None:
    """A flying celestial: a small figure trailing long ribbons."""
    s = size
    lw = max(1, s // 40)
    t = np.linspace(0, 1, 60)
    for k, c in enumerate((colour, GREEN, RED)):
        xs = cx - direction * t * s * 1.4
        ys = cy + np.sin(t * 2 * math.pi + k) * 0.12 * s + k * 0.05 * s
        cv2.polylines(img, [np.stack([xs, ys], 1).astype(np.int32)], False, _bgr(c), 2 * lw, cv2.LINE_AA)
    cv2.ellipse(img, (cx, cy), (int(0.3 * s), int(0.09 * s)), 10 * direction, 0, 360, _bgr(colour), -1, cv2.LINE_AA)
    cv2.circle(img, (cx + direction * int(0.3 * s), cy - int(0.05 * s)), int(0.07 * s), _bgr(SKIN), -1, cv2.LINE_AA)


def rosette(img: np.ndarray, cx: int, cy: int, r: int, petals: int, colours) -> None:
    """A lotus rosette: rings of petals around a seed head."""
    for ring, (scale, colour) in enumerate(zip((1.0, 0.7, 0.42), colours)):
        for k in range(petals):
            a = 360.0 * (k + 0.5 * ring) / petals
            pr = int(r * scale)
            c = (int(cx + 0.55 * pr * math.cos(math.radians(a))), int(cy + 0.55 * pr * math.sin(math.radians(a))))
            cv2.ellipse(
                img, c, (max(1, int(0.45 * pr)), max(1, int(0.18 * pr))), a, 0, 360, _bgr(colour), -1, cv2.LINE_AA
            )
    cv2.circle(img, (cx, cy), max(1, int(0.22 * r)), _bgr(GOLD), -1, cv2.LINE_AA)


def scroll(img: np.ndarray, y0: int, y1: int) -> None:
    """A vine scroll band: a sine stem with alternating leaves."""
    w = img.shape[1]
    h = y1 - y0
    img[y0:y1] = RED
    xs = np.arange(0, w, 2)
    ys = y0 + h / 2 + 0.3 * h * np.sin(xs / h * math.pi)
    cv2.polylines(img, [np.stack([xs, ys], 1).astype(np.int32)], False, _bgr(WHITE), max(1, h // 14), cv2.LINE_AA)
    for k, x in enumerate(range(h // 2, w, h)):
        y = int(y0 + h / 2 + 0.3 * h * np.sin(x / h * math.pi))
        cv2.ellipse(
            img,
            (x, y),
            (max(1, h // 4), max(1, h // 9)),
            45 if k % 2 else -45,
            0,
            360,
            _bgr(GREEN if k % 2 else BLUE),
            -1,
            cv2.LINE_AA,
        )


def thousand_buddhas(img: np.ndarray, x0: int, y0: int, x1: int, y1: int, cell: int) -> None:
    """The 'thousand Buddhas' pattern: rows of small seated figures, colours cycling diagonally."""
    for r, cy in enumerate(range(y0 + cell // 2, y1 - cell // 2 + 1, cell)):
        for c, cx in enumerate(range(x0 + cell // 2, x1 - cell // 2 + 1, cell)):
            k = (r + c) % 4
            seated_figure(img, cx, cy + cell // 8, int(cell * 0.9), PALETTE[k], PALETTE[(k + 2) % 4], detail=False)


def wall(
    rng: np.random.Generator, w: int, h: int, *, scene: str = "preaching"
) -> tuple[np.ndarray, tuple[float, float]]:
    """A painted wall: valance on top, a thousand-Buddhas register, the main scene, a scroll dado.

    ``scene``: ``"preaching"`` (a Buddha between bodhisattvas and flying apsaras) or ``"buddhas"``
    (thousand Buddhas all over). Returns the image and the (u, v) centre of its main figure, for an
    info hotspot.
    """
    img = plaster(rng, h, w)
    px = h / 3.0  # pixels per metre on a 3 m wall
    valance(img, 0, int(0.18 * px), rng)
    border(img, int(0.18 * px), int(0.22 * px))
    main_top, main_bottom = int(0.75 * px), int(2.45 * px)
    thousand_buddhas(img, 0, int(0.24 * px), w, main_top, int(0.25 * px))
    border(img, main_top, main_top + int(0.04 * px), (GREEN, INK))
    centre = (0.5, 0.5)
    if scene == "preaching":
        cx, cy, size = w // 2, (main_top + main_bottom) // 2 + int(0.1 * px), int(1.2 * px)
        rosette(img, cx, cy - int(0.35 * size), int(0.32 * size), 12, (OCHRE, RED, GREEN))
        seated_figure(img, cx, cy, size, RED, GREEN)
        for side in (-1, 1):
            standing_figure(
                img,
                cx + side * int(0.65 * size),
                cy - int(0.45 * size),
                int(0.95 * size),
                GREEN if side < 0 else BLUE,
                RED,
            )
            apsara(img, cx + side * int(1.1 * size), main_top + int(0.25 * px), int(0.5 * px), -side, BLUE)
        for k in range(int(rng.integers(10, 16))):
            fx = int(rng.uniform(0.05, 0.95) * w)
            if abs(fx - cx) < 1.1 * size:
                continue
            fy = int(rng.uniform(main_top + 0.5 * px, main_bottom - 0.2 * px))
            rosette(img, fx, fy, int(rng.uniform(0.06, 0.11) * px), 8, (PALETTE[k % 4], WHITE, RED))
        centre = (cx / w, cy / h)
    else:
        thousand_buddhas(img, 0, main_top + int(0.05 * px), w, main_bottom, int(0.25 * px))
        centre = (0.5, (main_top + main_bottom) / 2 / h)
    border(img, main_bottom, main_bottom + int(0.04 * px), (GREEN, INK))
    scroll(img, main_bottom + int(0.06 * px), int(2.75 * px))
    img[int(2.75 * px) :] = (np.asarray(img[int(2.75 * px) :], np.float32) * 0.75).astype(np.uint8)
    return age(rng, img), centre


def caisson(rng: np.random.Generator, size: int) -> np.ndarray:
    """The central ceiling panel (zaojing): nested squares turned 45 degrees around a lotus."""
    img = plaster(rng, size, size, WHITE)
    c = size // 2
    for k, colour in enumerate((RED, GREEN, BLUE, OCHRE, RED)):
        half = int(size * (0.5 - 0.08 * k))
        if k % 2 == 0:
            cv2.rectangle(img, (c - half, c - half), (c + half - 1, c + half - 1), _bgr(colour), -1)
        else:
            pts = np.array([[c, c - half], [c + half, c], [c, c + half], [c - half, c]], np.int32)
            cv2.fillPoly(img, [pts], _bgr(colour), cv2.LINE_AA)
        cv2.rectangle(img, (c - half, c - half), (c + half - 1, c + half - 1), _bgr(INK), max(1, size // 200))
    rosette(img, c, c, int(size * 0.17), 16, (WHITE, GOLD, RED))
    for k in range(8):  # flying ribbons in the corners
        a = math.pi / 4 + k * math.pi / 2
        rosette(
            img,
            int(c + 0.4 * size * math.cos(a)),
            int(c + 0.4 * size * math.sin(a)),
            int(size * 0.05),
            8,
            (WHITE, OCHRE, GREEN),
        )
    return age(rng, img)


def slope(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A ceiling slope: thousand Buddhas between bands."""
    img = plaster(rng, h, w)
    border(img, 0, max(2, h // 30), (GREEN, INK))
    thousand_buddhas(img, 0, h // 30, w, h - h // 30, max(8, h // 7))
    border(img, h - max(2, h // 30), h, (RED, INK))
    return age(rng, img)


def niche_back(rng: np.random.Generator, w: int, h: int) -> tuple[np.ndarray, tuple[float, float]]:
    """The niche's back wall: a great mandorla and halo behind the statue, flames, flowers."""
    img = plaster(rng, h, w, OCHRE)
    cx, cy = w // 2, int(0.42 * h)
    for k, colour in enumerate((RED, GREEN, BLUE, GOLD, RED, GREEN)):
        ax = int((0.48 - 0.055 * k) * w)
        ay = int((0.5 - 0.06 * k) * h)
        cv2.ellipse(img, (cx, cy + int(0.1 * h)), (ax, ay), 0, 0, 360, _bgr(colour), -1, cv2.LINE_AA)
    for k in range(24):  # flame tongues on the mandorla's rim
        a = math.pi * (0.1 + 0.8 * k / 23)
        x = int(cx - 0.46 * w * math.cos(a))
        y = int(cy + 0.1 * h - 0.48 * h * math.sin(a))
        cv2.circle(img, (x, y), max(2, w // 60), _bgr(GOLD), -1, cv2.LINE_AA)
    rosette(img, cx, int(0.28 * h), int(0.14 * w), 14, (WHITE, GOLD, RED))
    return age(rng, img), (0.5, 0.28)


def floor(rng: np.random.Generator, w: int, h: int, tile: int) -> np.ndarray:
    """Worn floor tiles with lotus medallions."""
    img = plaster(rng, h, w, (150, 120, 92))
    for y in range(0, h, tile):
        for x in range(0, w, tile):
            cv2.rectangle(img, (x, y), (x + tile - 1, y + tile - 1), _bgr((95, 72, 55)), max(1, tile // 32))
            rosette(img, x + tile // 2, y + tile // 2, int(tile * 0.3), 8, ((170, 140, 104), (130, 100, 76), OCHRE))
    return age(rng, img, 0.5)


def age(rng: np.random.Generator, img: np.ndarray, amount: float = 1.0) -> np.ndarray:
    """Fading, soot and flaking: what thirteen centuries do to mineral paint."""
    h, w = img.shape[:2]
    soot = cv2.resize(
        rng.random((max(2, h // 128), max(2, w // 128))).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC
    )
    flakes = (
        cv2.resize(
            rng.random((max(2, h // 16), max(2, w // 16))).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR
        )
        > 1 - 0.05 * amount
    )
    out = img.astype(np.float32) * (1 - 0.18 * amount * np.clip(soot, 0, 1))[..., None]
    out = 0.88 * out + 0.12 * np.asarray(GROUND, np.float32)  # fading towards the ground
    out[flakes] = 0.6 * out[flakes] + 0.4 * np.asarray(GROUND, np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)
