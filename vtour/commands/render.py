"""``vtour render MESH --at X,Y,Z [...] -o DIR``: equirect panoramas from a 3D scan of a space."""

from __future__ import annotations

import argparse

from vtour.render.write import DEFAULT_RENDER_OPTIONS as D
from vtour.render.write import parse_point, write_renders


def _colour(text: str) -> tuple[int, int, int]:
    parts = text.split(",")
    if len(parts) != 3 or not all(p.strip().isdigit() and int(p) <= 255 for p in parts):
        raise argparse.ArgumentTypeError(f"expected R,G,B in 0..255, got {text!r}")
    r, g, b = (int(p) for p in parts)
    return r, g, b


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "render",
        help="equirect panoramas from a 3D scan of a space (ray casting)",
        description="Ray-cast an equirect panorama of a textured or vertex-coloured "
        "mesh (OBJ, PLY, glTF...) at each viewpoint, with mip-mapped "
        "textures and supersampled edges; write DIR/<name>.jpg, "
        "optionally DIR/<name>_depth.png (16-bit, millimetres), and "
        "DIR/links.json (yaw, pitch and line of sight between viewpoints).",
    )
    p.add_argument("mesh", metavar="MESH", help="mesh of the space, in metres")
    p.add_argument(
        "--at",
        action="append",
        required=True,
        type=str,
        metavar="X,Y,Z",
        help="a viewpoint (repeat for several); +Y is up",
    )
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--names", metavar="A,B,...", help="one name per viewpoint (default view1, view2...)")
    p.add_argument("--width", type=int, default=D.width, help=f"panorama width, px (default {D.width})")
    p.add_argument(
        "--supersample",
        type=int,
        default=D.supersample,
        help=f"rays per edge pixel along each axis (default {D.supersample})",
    )
    p.add_argument(
        "--full-supersample",
        dest="adaptive",
        action="store_false",
        help="supersample every pixel, not only edges (slower)",
    )
    p.add_argument("--depth", action="store_true", help="also write <name>_depth.png (16-bit, mm)")
    p.add_argument(
        "--headlight",
        type=float,
        default=D.headlight,
        help=f"lamp-at-camera shading, 0..1 (default {D.headlight}: the texture as is)",
    )
    p.add_argument(
        "--background",
        type=_colour,
        default=D.background,
        metavar="R,G,B",
        help="colour where nothing is hit (default 0,0,0)",
    )
    p.add_argument("--quality", type=int, default=D.quality, help=f"JPEG quality (default {D.quality})")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    points = [parse_point(a) for a in args.at]
    names = [n.strip() for n in args.names.split(",")] if args.names else None
    options = D.replace(
        width=args.width,
        supersample=args.supersample,
        adaptive=args.adaptive,
        depth=args.depth,
        headlight=args.headlight,
        background=args.background,
        quality=args.quality,
    )
    r = write_renders(args.mesh, points, args.out, options, names=names)
    print(
        f"{r.out_dir}: {len(points)} panorama(s), {r.rays / 1e6:.1f} M rays in {r.seconds:.1f} s "
        f"= {r.rays_per_second / 1e6:.2f} M rays/s"
    )
    for link in r.links:
        seen = "visible" if link["visible"] else f"blocked at {link['blocked_at']:.2f}"
        print(
            f"  {link['from']} -> {link['to']}: yaw {link['yaw']:.1f}, pitch {link['pitch']:.1f}, "
            f"{link['distance']:.2f} ({seen})"
        )
    return 0
