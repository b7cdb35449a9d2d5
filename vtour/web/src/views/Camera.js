const DEG = Math.PI / 180;
const r_ = (v, k) => v.map((c) => c * k);

/**
 * The panorama camera at the cube's centre: yaw, pitch, vertical fov (degrees, vtour/conventions.py:
 * front = -Z, right = +X, +Y up, yaw positive right, pitch positive up) and aspect, as the matrices
 * WebGL and the tile selection need. Same pose as a three.js camera with rotation order YXZ,
 * rotation (pitch, -yaw, 0), near 0.01, far 10.
 *
 * `viewProj` is column-major (uniformMatrix4fv); `ray` (mat3, column-major) maps normalised device
 * coordinates (x, y, 1) to the view ray through them; `forward`, `right`, `up` are unit world vectors;
 * `planes` the six frustum planes [nx, ny, nz, d] (inside: n . p + d >= 0).
 */
export class Camera {
  constructor({ near = 0.01, far = 10 } = {}) {
    this.near = near; this.far = far;
    this.yaw = 0; this.pitch = 0; this.fov = 75; this.aspect = 4 / 3;
    this.viewProj = new Float32Array(16);
    this.ray = new Float32Array(9);
    this.planes = Array.from({ length: 6 }, () => new Float64Array(4));
    this.set(0, 0, 75, 4 / 3);
  }

  /** Points the camera; all angles in degrees. */
  set(yaw, pitch, fov, aspect) {
    Object.assign(this, { yaw, pitch, fov, aspect });
    const y = yaw * DEG, p = pitch * DEG, cy = Math.cos(y), sy = Math.sin(y), cp = Math.cos(p), sp = Math.sin(p);
    this.forward = [cp * sy, sp, -cp * cy];
    this.right = [cy, 0, sy];
    this.up = [-sy * sp, cp, cy * sp];
    const f = 1 / Math.tan(fov * DEG / 2), a = f / aspect, n = this.near, fa = this.far;
    // view ray of normalised device coordinates (x, y): ray * (x, y, 1)
    this.ray.set([...r_(this.right, 1 / a), ...r_(this.up, 1 / f), ...this.forward]);
    const C = -(fa + n) / (fa - n), D = -2 * fa * n / (fa - n);
    const [r, u, w] = [this.right, this.up, this.forward];   // rows: a*right, f*up, -C*forward (+D), forward
    const m = this.viewProj;
    for (let i = 0; i < 3; i++) {
      m[4 * i] = a * r[i]; m[4 * i + 1] = f * u[i]; m[4 * i + 2] = -C * w[i]; m[4 * i + 3] = w[i];
    }
    m[12] = 0; m[13] = 0; m[14] = D; m[15] = 0;
    // Gribb-Hartmann planes from the rows of viewProj, in three.js's order (right, left, bottom, top, far, near)
    const row = (k) => [m[k], m[4 + k], m[8 + k], m[12 + k]];
    const r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3);
    [[r0, -1], [r0, 1], [r1, 1], [r1, -1], [r2, -1], [r2, 1]].forEach(([rk, s], i) => {
      const pl = this.planes[i];
      for (let j = 0; j < 4; j++) pl[j] = r3[j] + s * rk[j];
    });
    return this;
  }

  /** Whether the axis-aligned box [minX, minY, minZ, maxX, maxY, maxZ] meets the view frustum. */
  intersectsBox(box) {
    for (const [nx, ny, nz, d] of this.planes) {
      const x = nx > 0 ? box[3] : box[0], y = ny > 0 ? box[4] : box[1], z = nz > 0 ? box[5] : box[2];
      if (nx * x + ny * y + nz * z + d < 0) return false;
    }
    return true;
  }

  /** Normalised device coordinates [x, y] (-1..1, y up) of direction `d`, and its depth w along forward. */
  project(d) {
    const m = this.viewProj;
    const w = m[3] * d[0] + m[7] * d[1] + m[11] * d[2];
    return [(m[0] * d[0] + m[4] * d[1] + m[8] * d[2]) / w, (m[1] * d[0] + m[5] * d[1] + m[9] * d[2]) / w, w];
  }
}
