"""Render speed: vtour's renderer against open3d's raw ``cast_rays`` on the sample grotto.

The sample's cave and 1 M-triangle statue, seen from the "chamber" viewpoint. Three numbers:

* raw: open3d casting one ray per pixel centre, nothing else (the ceiling for any renderer on it);
* vtour, supersample 1: the same rays plus texture filtering (ray-cone mip levels, trilinear);
* vtour, supersample 2 adaptive: the default (edge pixels re-cast with 2 x 2 rays);
* vtour, supersample 2 full: every pixel 2 x 2 (what the adaptive pass saves).

Prints rays/s and pixels/s of each and the ratios to raw. ``python benchmarks/bench_render.py
[--width 4096]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from vtour.render import pixel_directions, prepare_scene, render_equirect
from vtour.sample import DEFAULT_SAMPLE_OPTIONS
from vtour.sample.cave import combine
from vtour.sample.write import STATUE_AT, VIEWPOINTS, sample_world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=4096)
    args, _ = parser.parse_known_args()
    room, figure, _ = sample_world(DEFAULT_SAMPLE_OPTIONS)
    world = combine([room, figure.replace(positions=figure.positions + STATUE_AT)])
    t = time.perf_counter()
    scene = prepare_scene(world)
    print(f"scene: {world.triangle_count:,} triangles, BVH and tables in {time.perf_counter() - t:.1f} s")
    origin = np.array(VIEWPOINTS[1][1], np.float32)
    width, height = args.width, args.width // 2
    pixels = width * height

    t = time.perf_counter()
    rays = 0
    band = max(1, (1 << 20) // width)
    for r0 in range(0, height, band):
        rr, cc = np.meshgrid(np.arange(r0, min(height, r0 + band)) + 0.5, np.arange(width) + 0.5, indexing="ij")
        dirs = pixel_directions(width, rr.ravel(), cc.ravel())
        r = np.empty((len(dirs), 6), np.float32)
        r[:, :3], r[:, 3:] = origin, dirs
        scene.cast(r)
        rays += len(dirs)
    raw_s = time.perf_counter() - t
    raw = rays / raw_s
    print(f"{'open3d cast_rays, 1 ray/pixel':38s} {raw / 1e6:6.2f} M rays/s  {pixels / raw_s / 1e6:6.2f} M px/s  1.00x")
    for label, ss, adaptive in (("vtour, supersample 1", 1, True), ("vtour, supersample 2 adaptive", 2, True),
                                ("vtour, supersample 2 full", 2, False)):
        stats: dict = {}
        render_equirect(scene, origin, width, supersample=ss, adaptive=adaptive, headlight=0.4, stats=stats)
        px_s = pixels / stats["seconds"]
        print(f"{label:38s} {stats['rays_per_second'] / 1e6:6.2f} M rays/s  {px_s / 1e6:6.2f} M px/s  "
              f"{stats['rays_per_second'] / raw:.2f}x raw rays/s, {px_s / (pixels / raw_s):.2f}x raw px/s "
              f"({stats['refined_pixels'] / pixels:.0%} pixels refined)")


if __name__ == "__main__":
    main()
