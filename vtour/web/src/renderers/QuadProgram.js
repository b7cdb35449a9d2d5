import { faceDirection } from "../geometry/CubeFaces.js";

// GLSL ES 1.00: runs on WebGL2 and WebGL1 alike. Every quad is the unit square a_corner in [0,1]^2
// mapped to a rectangle of face coordinates and on to the cube by the face's affine map u_face. The
// geometry only decides which pixels a quad covers: each fragment finds its texture coordinates where
// its own view ray meets the face plane. Interpolated coordinates go wrong when a corner lies in the
// eye's plane (clip w = 0, e.g. a cube edge at yaw 45): SwiftShader then smears one texel over the face.
const VERTEX = `
attribute vec2 a_corner;
uniform mat4 u_viewProj;
uniform mat3 u_face;   // columns: d dir/du, d dir/dv, dir(0, 0)
uniform vec4 u_rect;   // u0 v0 u1 v1, face coordinates in [-1, 1]
void main() {
  vec3 dir = u_face * vec3(mix(u_rect.xy, u_rect.zw, a_corner), 1.0);
  gl_Position = u_viewProj * vec4(dir, 1.0);
}`;
// highp: face coordinates of the 1536 px preview strip's half-texel insets are below mediump's step
const FRAGMENT = `
#ifdef GL_FRAGMENT_PRECISION_HIGH
precision highp float;
#else
precision mediump float;
#endif
uniform sampler2D u_tex;
uniform float u_opacity;
uniform vec2 u_viewport;  // viewport size, px
uniform vec2 u_origin;    // viewport's lower-left corner in the drawing buffer, px (WebXR: one eye's half)
uniform mat3 u_ray;       // columns: right * tan(hfov/2), up * tan(vfov/2), forward
uniform mat3 u_toFace;    // rows: d dir/du, d dir/dv, dir(0, 0) (orthonormal): (u, v, 1) * (dir . normal)
uniform vec4 u_rectF;     // as u_rect
uniform vec4 u_uv;        // s0 t0 s1 t1, texture coordinates of the rectangle (row 0 of the image at t = 0)
void main() {
  vec3 d = u_ray * vec3((gl_FragCoord.xy - u_origin) / u_viewport * 2.0 - 1.0, 1.0);
  vec3 f = u_toFace * d;
  vec2 t = clamp((f.xy / f.z - u_rectF.xy) / (u_rectF.zw - u_rectF.xy), 0.0, 1.0);
  gl_FragColor = vec4(texture2D(u_tex, mix(u_uv.xy, u_uv.zw, t)).rgb, u_opacity);
}`;

/** Per face: the affine map dir(u, v) = M (u, v, 1) (CubeFaces.faceDirection) and its inverse on the plane. */
const FACE_MATRICES = Object.fromEntries(["b", "d", "f", "l", "r", "u"].map((face) => {
  const o = faceDirection(face, 0, 0), du = faceDirection(face, 1, 0), dv = faceDirection(face, 0, 1);
  const a = [du[0] - o[0], du[1] - o[1], du[2] - o[2]], b = [dv[0] - o[0], dv[1] - o[1], dv[2] - o[2]];
  // column-major: M has columns a, b, o; toFace has rows a, b, o (the axes are orthonormal)
  return [face, { toCube: new Float32Array([...a, ...b, ...o]),
                  toFace: new Float32Array([a[0], b[0], o[0], a[1], b[1], o[1], a[2], b[2], o[2]]) }];
}));

/**
 * The one shader program of the panorama: textured quads on the unit cube. begin(camera, w, h) once a
 * frame, then draw() per quad. dispose() deletes the program and its buffer.
 */
export class QuadProgram {
  /** @param {WebGLRenderingContext|WebGL2RenderingContext} gl */
  constructor(gl) {
    this.gl = gl;
    const program = this.program = gl.createProgram();
    for (const [type, src] of [[gl.VERTEX_SHADER, VERTEX], [gl.FRAGMENT_SHADER, FRAGMENT]]) {
      const shader = gl.createShader(type);
      gl.shaderSource(shader, src);
      gl.compileShader(shader);
      if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS) && !gl.isContextLost()) {
        throw new Error(`QuadProgram: shader does not compile: ${gl.getShaderInfoLog(shader)}`);
      }
      gl.attachShader(program, shader);
      gl.deleteShader(shader); // flagged: freed with the program
    }
    gl.bindAttribLocation(program, 0, "a_corner");
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS) && !gl.isContextLost()) {
      throw new Error(`QuadProgram: program does not link: ${gl.getProgramInfoLog(program)}`);
    }
    this.loc = Object.fromEntries(["u_viewProj", "u_face", "u_rect", "u_rectF", "u_uv", "u_tex", "u_opacity",
                                                        "u_viewport", "u_origin", "u_ray", "u_toFace"]
      .map((n) => [n, gl.getUniformLocation(program, n)]));
    this.buffer = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW); // a strip
  }

  /**
   * Binds the program for a frame seen by `camera` (views/Camera.js, or anything with its viewProj and ray) on a
   * viewport of `width` x `height` px whose lower-left corner is at (x, y) of the drawing buffer.
   */
  begin(camera, width, height, x = 0, y = 0) {
    const gl = this.gl;
    gl.useProgram(this.program);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.uniformMatrix4fv(this.loc.u_viewProj, false, camera.viewProj);
    gl.uniformMatrix3fv(this.loc.u_ray, false, camera.ray);
    gl.uniform2f(this.loc.u_viewport, width, height);
    gl.uniform2f(this.loc.u_origin, x, y);
    gl.uniform1i(this.loc.u_tex, 0);
    gl.activeTexture(gl.TEXTURE0);
    this._opacity = null;
  }

  /**
   * Draws the rectangle `rect` [u0, v0, u1, v1] of `face` textured with `uv` [s0, t0, s1, t1] of `texture`.
   * Opacity below 1 blends over what is drawn (scene cross-fades).
   */
  draw(texture, face, rect, uv, opacity = 1) {
    const gl = this.gl;
    if (opacity !== this._opacity) {
      this._opacity = opacity;
      gl.uniform1f(this.loc.u_opacity, opacity);
      if (opacity < 1) { gl.enable(gl.BLEND); gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA); }
      else gl.disable(gl.BLEND);
    }
    gl.bindTexture(gl.TEXTURE_2D, texture);
    const m = FACE_MATRICES[face];
    gl.uniformMatrix3fv(this.loc.u_face, false, m.toCube);
    gl.uniformMatrix3fv(this.loc.u_toFace, false, m.toFace);
    gl.uniform4fv(this.loc.u_rect, rect);
    gl.uniform4fv(this.loc.u_rectF, rect);
    gl.uniform4fv(this.loc.u_uv, uv);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  }

  dispose() {
    this.gl.deleteBuffer(this.buffer);
    this.gl.deleteProgram(this.program);
  }
}
