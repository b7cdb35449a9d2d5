/**
 * Screen point <-> view direction for the tour editor, in double precision: the inverse of views/Camera.js
 * (whose `viewProj` and `ray` are Float32Arrays for WebGL: good to a few 1e-6 deg, not to the 0.001 deg the
 * editor reports). Conventions (vtour/conventions.py): front -Z, right +X, up +Y; yaw positive right, folded
 * into [-180, 180); pitch positive up, in [-90, 90]; screen points in CSS px from the viewport's top-left
 * corner, y down. A camera here is anything with Camera's `forward`, `right`, `up` (unit world vectors),
 * `fov` (vertical, deg) and `aspect` (width / height).
 */
import { wrapYaw } from "../views/PanoView.js";

const DEG = Math.PI / 180;

/** Yaw and pitch in degrees of a direction [x, y, z] (any length > 0); yaw in [-180, 180). */
export function yawPitchOf([x, y, z]) {
  return { yaw: wrapYaw(Math.atan2(x, -z) / DEG), pitch: Math.atan2(y, Math.hypot(x, z)) / DEG };
}

/** Half extents of the view plane at distance 1: [tan(hfov / 2), tan(vfov / 2)]. */
function halfExtents(camera) {
  const ty = Math.tan(camera.fov * DEG / 2);
  return [ty * camera.aspect, ty];
}

/** Unit direction under screen point (x, y) of a `width` x `height` px view. */
export function directionAt(camera, x, y, width, height) {
  const [tx, ty] = halfExtents(camera);
  const nx = (2 * x / width - 1) * tx, ny = (1 - 2 * y / height) * ty;
  const { right: r, up: u, forward: f } = camera;
  const d = [0, 1, 2].map((i) => r[i] * nx + u[i] * ny + f[i]);
  const n = Math.hypot(d[0], d[1], d[2]);
  return d.map((c) => c / n);
}

/** {yaw, pitch} in degrees of the direction under screen point (x, y) (directionAt). */
export function yawPitchAt(camera, x, y, width, height) {
  return yawPitchOf(directionAt(camera, x, y, width, height));
}

/**
 * Screen point {x, y} (px) of direction `d`, and `ahead` (its component along the view, > 0 in front): the
 * forward map directionAt inverts, as Camera.project computes it, in double precision.
 */
export function screenPointOf(camera, d, width, height) {
  const [tx, ty] = halfExtents(camera);
  const dot = (a) => a[0] * d[0] + a[1] * d[1] + a[2] * d[2];
  const w = dot(camera.forward);
  return { x: (dot(camera.right) / w / tx + 1) / 2 * width, y: (1 - dot(camera.up) / w / ty) / 2 * height, ahead: w };
}
