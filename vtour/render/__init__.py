"""Panoramas rendered from a 3D scan of a space, by ray casting (open3d's Embree scene).

``render_equirect(mesh, viewpoint, width)`` is the whole step; ``prepare_scene`` builds the
ray-casting scene once for many viewpoints; ``links_between`` and ``look_at`` give the (yaw, pitch)
from a viewpoint to other viewpoints or to objects, with a line-of-sight check, so hotspots are
computed from the geometry. ``write_renders`` is what ``vtour render`` does.
"""

from vtour.render.raycast import pixel_directions, render_equirect
from vtour.render.scene import RenderScene, prepare_scene, shade
from vtour.render.sight import Sight, links_between, look_at
from vtour.render.write import DEFAULT_RENDER_OPTIONS, RenderOptions, RenderResult, write_renders

__all__ = [
    "DEFAULT_RENDER_OPTIONS",
    "RenderOptions",
    "RenderResult",
    "RenderScene",
    "Sight",
    "links_between",
    "look_at",
    "pixel_directions",
    "prepare_scene",
    "render_equirect",
    "shade",
    "write_renders",
]
