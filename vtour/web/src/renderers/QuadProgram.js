import { faceDirection } from "../geometry/CubeFaces.js";

// GLSL ES 1.00: runs on WebGL2 and WebGL1 alike. Every quad is the unit square a_corner in [0,1]^2
// mapped to a rectangle of face coordinates and on to the cube by the face's affine map u_face.
const VERTEX = `
attribute vec2 a_corner;
uniform mat4 u_viewProj;
uniform mat3 u_face;   // columns: d dir/du, d dir/dv, dir(0, 0)
uniform vec4 u_rect;   // u0 v0 u1 v1, face coordinates in [-1, 1]
uniform vec4 u_uv;     // s0 t0 s1 t1, texture coordinates (row 0 of the image at t = 0)
varying highp vec2 v_uv;
void main() {
  vec3 dir = u_face * vec3(mix(u_rect.xy, u_rect.zw, a_corner), 1.0);
  v_uv = mix(u_uv.xy, u_uv.zw, a_corner);
  gl_Position = u_viewProj * vec4(dir, 1.0);
}`;
// highp texture coordinates: the 1536 px preview strip's half-texel insets are below mediump's step
const FRAGMENT = `
#ifdef GL_FRAGMENT_PRECISION_HIGH
precision highp float;
#else
precision mediump float;
#endif
uniform sampler2D u_tex;
uniform float u_opacity;
varying highp vec2 v_uv;
void main() { gl_FragColor = vec4(texture2D(u_tex, v_uv).rgb, u_opacity); }`;

/** The affine map (column-major mat3) of each face: dir(u, v) = M (u, v, 1) (CubeFaces.faceDirection). */
const FACE_MATRICES = Object.fromEntries(["b", "d", "f", "l", "r", "u"].map((face) => {
  const o = faceDirection(face, 0, 0), du = faceDirection(face, 1, 0), dv = faceDirection(face, 0, 1);
  return [face, new Float32Array([du[0] - o[0], du[1] - o[1], du[2] - o[2], dv[0] - o[0], dv[1] - o[1], dv[2] - o[2], ...o])];
}));

/**
 * The one shader program of the panorama: textured quads on the unit cube. begin(viewProj) once a
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
    this.loc = Object.fromEntries(["u_viewProj", "u_face", "u_rect", "u_uv", "u_tex", "u_opacity"]
      .map((n) => [n, gl.getUniformLocation(program, n)]));
    this.buffer = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW); // a strip
  }

  /** Binds the program for a frame seen through `viewProj` (column-major Float32Array(16)). */
  begin(viewProj) {
    const gl = this.gl;
    gl.useProgram(this.program);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.uniformMatrix4fv(this.loc.u_viewProj, false, viewProj);
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
    gl.uniformMatrix3fv(this.loc.u_face, false, FACE_MATRICES[face]);
    gl.uniform4fv(this.loc.u_rect, rect);
    gl.uniform4fv(this.loc.u_uv, uv);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  }

  dispose() {
    this.gl.deleteBuffer(this.buffer);
    this.gl.deleteProgram(this.program);
  }
}
