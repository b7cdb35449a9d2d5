import { directionOf } from "./xrMath.js";

// GLSL ES 1.00 (WebGL1 and 2). One quad per mark, facing the panorama's centre at `u_center` (a direction times
// MARK_DISTANCE: in front of the cube, whose faces are at distance >= 1), spanned by u_axisX / u_axisY.
const VERTEX = `
attribute vec2 a_corner;
uniform mat4 u_viewProj;
uniform vec3 u_center;
uniform vec3 u_axisX;
uniform vec3 u_axisY;
varying vec2 v_p;
void main() {
  v_p = a_corner;
  gl_Position = u_viewProj * vec4(u_center + a_corner.x * u_axisX + a_corner.y * u_axisY, 1.0);
}`;
const FRAGMENT = `
precision mediump float;
varying vec2 v_p;
uniform vec4 u_color;     // the ring's colour
uniform float u_fill;     // 0..1: the inner disc (highlighted: pointed at)
uniform float u_progress; // 0..1: the gaze dwell, an arc clockwise from the top
uniform float u_kind;     // 0: hotspot ring, 1: pointer cursor, 2: controller beam, 3: title label (u_tex)
uniform sampler2D u_tex;
void main() {
  float r = length(v_p);
  vec4 c;
  if (u_kind > 2.5) {         // the label's canvas, row 0 at the top
    c = texture2D(u_tex, vec2(0.5 + 0.5 * v_p.x, 0.5 - 0.5 * v_p.y));
    if (c.a < 0.01) discard;
  } else if (u_kind > 1.5) {         // along x from the hand (-1) outwards (1), fading; soft across y
    c = vec4(1.0, 1.0, 1.0, 0.85 * (1.0 - 0.5 * (v_p.x + 1.0)) * (1.0 - abs(v_p.y)));
  } else if (r > 1.0) {
    discard;
  } else if (u_kind > 0.5) {
    c = r < 0.6 ? vec4(1.0) : vec4(0.0, 0.0, 0.0, 0.8);
  } else if (r > 0.7) {
    c = r > 0.88 ? vec4(0.0, 0.0, 0.0, 0.75) : u_color;
  } else {
    c = vec4(u_color.rgb, 0.25 + 0.5 * u_fill);
    float a = atan(v_p.x, v_p.y);
    float frac = (a < 0.0 ? a + 6.2831853 : a) / 6.2831853;
    // dark blue on the highlighted ring's yellow disc (contrast about 8:1): the arc shows on any panorama
    if (u_progress > 0.0 && r > 0.4 && frac <= u_progress) c = vec4(0.05, 0.15, 0.6, 1.0);
  }
  gl_FragColor = c;
}`;

/** Where marks are drawn: inside the unit cube (faces at distance 1 and more), so always in front of it. */
export const MARK_DISTANCE = 0.9;

/** Colours: link hotspots white, info hotspots light blue; pointed-at ones yellow. */
const COLORS = { link: [1, 1, 1, 0.95], info: [0.55, 0.8, 1, 0.9], hot: [1, 0.83, 0, 1] };

/**
 * The WebXR mode's marks, drawn in the panorama renderer's WebGL context over the panorama of one eye: a ring
 * per hotspot (its angular radius `radiusDeg`; filled when pointed at, with the gaze dwell's progress as an arc)
 * and a dot where each controller ray points, and the title of what is pointed at (drawLabel). Its own tiny program; leaves blending off and the program unbound
 * state to PanoRenderer, which sets what it needs each frame (QuadProgram.begin).
 */
export class HotspotMarks {
  constructor(gl) {
    this.gl = gl;
    const program = this.program = gl.createProgram();
    for (const [type, src] of [[gl.VERTEX_SHADER, VERTEX], [gl.FRAGMENT_SHADER, FRAGMENT]]) {
      const shader = gl.createShader(type);
      gl.shaderSource(shader, src);
      gl.compileShader(shader);
      if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS) && !gl.isContextLost()) {
        throw new Error(`HotspotMarks: shader does not compile: ${gl.getShaderInfoLog(shader)}`);
      }
      gl.attachShader(program, shader);
      gl.deleteShader(shader);
    }
    gl.bindAttribLocation(program, 0, "a_corner");
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS) && !gl.isContextLost()) {
      throw new Error(`HotspotMarks: program does not link: ${gl.getProgramInfoLog(program)}`);
    }
    this.loc = Object.fromEntries(["u_viewProj", "u_center", "u_axisX", "u_axisY", "u_color", "u_fill", "u_progress", "u_kind", "u_tex"]
      .map((n) => [n, gl.getUniformLocation(program, n)]));
    this.buffer = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  }

  /**
   * Draws `marks` seen by `camera` (viewProj) into the bound framebuffer and viewport: each {yaw, pitch,
   * radiusDeg, kind: "link" | "info" | "cursor", hot (bool), progress (0..1)}.
   */
  draw(camera, marks) {
    const gl = this.gl;
    if (!marks.length || gl.isContextLost()) return;
    gl.useProgram(this.program);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.uniformMatrix4fv(this.loc.u_viewProj, false, camera.viewProj);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    for (const m of marks) {
      const d = directionOf(m.yaw, m.pitch);
      // tangent axes: right = d x up (up = +Y; at the poles +Z instead), then up' = right x d
      const ref = Math.abs(d[1]) > 0.99 ? [0, 0, 1] : [0, 1, 0];
      let x = [d[1] * ref[2] - d[2] * ref[1], d[2] * ref[0] - d[0] * ref[2], d[0] * ref[1] - d[1] * ref[0]];
      const n = Math.hypot(...x);
      x = x.map((v) => v / n);
      const y = [x[1] * d[2] - x[2] * d[1], x[2] * d[0] - x[0] * d[2], x[0] * d[1] - x[1] * d[0]];
      const s = MARK_DISTANCE * Math.tan(m.radiusDeg * Math.PI / 180);
      gl.uniform3fv(this.loc.u_center, d.map((v) => v * MARK_DISTANCE));
      gl.uniform3fv(this.loc.u_axisX, x.map((v) => v * s));
      gl.uniform3fv(this.loc.u_axisY, y.map((v) => v * s));
      gl.uniform4fv(this.loc.u_color, m.hot ? COLORS.hot : COLORS[m.kind] || COLORS.link);
      gl.uniform1f(this.loc.u_fill, m.hot ? 1 : 0);
      gl.uniform1f(this.loc.u_progress, m.progress || 0);
      gl.uniform1f(this.loc.u_kind, m.kind === "cursor" ? 1 : 0);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    }
    gl.disable(gl.BLEND);
  }

  /**
   * Draws each controller's beam, two thin fading strips crossed, from its hand `origin` along `dir` for `length` metres (all in
   * the reference space), seen by `camera` whose viewProj includes the eye's position: the one thing of the XR
   * mode at a finite distance, so drawn in true stereo (the panorama and the rings are at infinity).
   */
  drawBeams(camera, beams) {
    const gl = this.gl;
    if (!beams.length || gl.isContextLost()) return;
    gl.useProgram(this.program);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.uniformMatrix4fv(this.loc.u_viewProj, false, camera.viewProj);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    gl.uniform1f(this.loc.u_kind, 2);
    const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
    for (const { origin, dir, length = 2, width = 0.004 } of beams) {
      const n = Math.hypot(...dir) || 1, d = dir.map((v) => v / n);
      let y = cross(d, Math.abs(d[1]) > 0.99 ? [1, 0, 0] : [0, 1, 0]);
      const m = Math.hypot(...y);
      y = y.map((v) => v / m * width);
      gl.uniform3fv(this.loc.u_center, origin.map((v, i) => v + d[i] * length / 2));
      gl.uniform3fv(this.loc.u_axisX, d.map((v) => v * length / 2));
      // two strips crossed along the beam: one of them faces the eye whichever side it is seen from
      for (const axis of [y, cross(d, y)]) {
        gl.uniform3fv(this.loc.u_axisY, axis);
        gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      }
    }
    gl.disable(gl.BLEND);
  }

  /**
   * Draws `text` (set as canvas text, never parsed) on a dark rounded plate centred `belowDeg` under the direction
   * (yaw, pitch), `heightDeg` tall, level with the eyes of `camera` (its `right`, panorama frame): readable
   * wherever it is, a hotspot at a pole included (where "up" has no horizontal). The texture of each text is made
   * once and kept until dispose().
   */
  drawLabel(camera, { yaw, pitch, text, belowDeg = 6, heightDeg = 3 }) {
    const gl = this.gl;
    if (!text || gl.isContextLost()) return;
    const label = this._label(text);
    if (!label) return;
    const d = directionOf(yaw, Math.max(-89, pitch - belowDeg));
    // the eye's right made perpendicular to d (d is within the eye's view, so never along its right)
    const r = camera.right || [1, 0, 0], k = r[0] * d[0] + r[1] * d[1] + r[2] * d[2];
    let x = r.map((v, i) => v - k * d[i]);
    const n = Math.hypot(...x) || 1;
    x = x.map((v) => v / n);
    const y = [x[1] * d[2] - x[2] * d[1], x[2] * d[0] - x[0] * d[2], x[0] * d[1] - x[1] * d[0]];
    const h = MARK_DISTANCE * Math.tan(heightDeg * Math.PI / 360), w = h * label.aspect;
    gl.useProgram(this.program);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.uniformMatrix4fv(this.loc.u_viewProj, false, camera.viewProj);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);   // the canvas is premultiplied
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, label.texture);
    gl.uniform1i(this.loc.u_tex, 0);
    gl.uniform1f(this.loc.u_kind, 3);
    gl.uniform3fv(this.loc.u_center, d.map((v) => v * MARK_DISTANCE));
    gl.uniform3fv(this.loc.u_axisX, x.map((v) => v * w));
    gl.uniform3fv(this.loc.u_axisY, y.map((v) => v * h));
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.disable(gl.BLEND);
  }

  /** {texture, aspect} of `text` on its plate (made on first use), or null without a 2D canvas. */
  _label(text) {
    this._labels ||= new Map();
    let label = this._labels.get(text);
    if (label) return label;
    const canvas = globalThis.document?.createElement("canvas");
    const ctx = canvas?.getContext("2d");
    if (!ctx) return null;
    const px = 40, pad = 16, font = `${px}px system-ui, sans-serif`;
    ctx.font = font;
    const width = Math.min(1024, Math.ceil(ctx.measureText(text).width) + 2 * pad), height = px + 2 * pad;
    canvas.width = width; canvas.height = height;
    ctx.font = font;
    ctx.fillStyle = "rgba(0, 0, 0, 0.8)";
    ctx.beginPath();
    ctx.roundRect ? ctx.roundRect(0, 0, width, height, 14) : ctx.rect(0, 0, width, height);
    ctx.fill();
    ctx.fillStyle = "#fff";
    ctx.textBaseline = "middle";
    ctx.fillText(text, pad, height / 2, width - 2 * pad);
    const gl = this.gl, texture = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, true);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, canvas);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    label = { texture, aspect: width / height };
    if (this._labels.size > 64) this._dropLabels();
    this._labels.set(text, label);
    return label;
  }

  _dropLabels() {
    if (!this.gl.isContextLost()) for (const { texture } of this._labels?.values() || []) this.gl.deleteTexture(texture);
    this._labels?.clear();
  }

  dispose() {
    this._dropLabels();
    if (this.gl.isContextLost()) return;
    this.gl.deleteBuffer(this.buffer);
    this.gl.deleteProgram(this.program);
  }
}
