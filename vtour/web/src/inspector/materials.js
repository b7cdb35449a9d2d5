import * as THREE from "three";
import { NOT_MEASURED_MIN, glslColourFunctions } from "./colormap.js";

/**
 * The material of each inspector mode for one mesh (the "textured" mode is the mesh's own material).
 * Every material here respects the renderer's global clipping planes (a section clips in every mode).
 *
 * params: {attribute: geometry attribute of the scalar per vertex ("_deviation", "_change_<j>"),
 *          max: model units at the top of the deviation scale, limits: {minor, major} model units,
 *          notMeasured: |value| from which a vertex is "not measured" (colormap.js notMeasuredThreshold)}.
 */

/** Clay: sRGB 128 grey, matte, so that under neutral tone mapping a lit face shows mid-grey. */
export const CLAY_COLOUR = 0x808080;

const LINEAR = "vec3 vtourLinear(vec3 c) { return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(0.04045, c)); }";

/** A matte MeshStandardMaterial keeping `original`'s normal map (the scan's fine relief) and sidedness. */
function matte(original, options = {}) {
  return new THREE.MeshStandardMaterial({
    color: CLAY_COLOUR, roughness: 0.85, metalness: 0, side: original.side ?? THREE.FrontSide,
    normalMap: original.normalMap ?? null, normalScale: original.normalScale?.clone() ?? new THREE.Vector2(1, 1),
    ...options,
  });
}

/** A matte material whose base colour is the scalar attribute through the deviation ramp or the change classes. */
function scalarMaterial(original, kind, { attribute, max = 1, limits = { minor: 0, major: 1 }, notMeasured = NOT_MEASURED_MIN }) {
  const m = matte(original);
  const uniforms = {
    vtourMax: { value: max > 0 ? max : 1 },
    vtourMinor: { value: limits.minor }, vtourMajor: { value: limits.major }, vtourNotMeasured: { value: notMeasured },
  };
  m.userData.vtourUniforms = uniforms;
  // A sentinel vertex (not measured) must not bleed into its triangles' interpolated values: 1e30 fading to 0
  // across a triangle passes through every "major gain" value. So the vertex shader interpolates a separate
  // not-measured weight and a value of 0 there: the purple ends halfway along the edge, with no false rim.
  const colour = kind === "deviation" ? "vtourDeviationColour(vVtourValue / vtourMax)"
    : "vtourChangeColour(vVtourMissing > 0.5 ? vtourNotMeasured : vVtourValue, vtourMinor, vtourMajor, vtourNotMeasured)";
  m.onBeforeCompile = (shader) => {
    Object.assign(shader.uniforms, uniforms);
    shader.vertexShader = `attribute float ${attribute};\nuniform float vtourNotMeasured;\nvarying float vVtourValue;\n`
      + `varying float vVtourMissing;\n${shader.vertexShader}`
        .replace("#include <begin_vertex>", `#include <begin_vertex>
  vVtourMissing = abs(${attribute}) < vtourNotMeasured ? 0.0 : 1.0;
  vVtourValue = vVtourMissing > 0.5 ? 0.0 : ${attribute};`);
    shader.fragmentShader = `varying float vVtourValue;\nvarying float vVtourMissing;\nuniform float vtourMax;\n`
      + `uniform float vtourMinor;\nuniform float vtourMajor;\nuniform float vtourNotMeasured;\n${glslColourFunctions()}${LINEAR}\n`
      + shader.fragmentShader.replace("vec4 diffuseColor = vec4( diffuse, opacity );",
                                      `vec4 diffuseColor = vec4( vtourLinear(${colour}), opacity );`);
  };
  m.customProgramCacheKey = () => `vtour-${kind}-${attribute}`;
  return m;
}

/** X-ray: the surface glows where it turns away (Fresnel), additive, no depth: inner and hidden parts show. */
function xrayMaterial(original) {
  return new THREE.ShaderMaterial({
    uniforms: { colour: { value: new THREE.Color(0.35, 0.7, 1) } },
    vertexShader: `#include <common>
#include <clipping_planes_pars_vertex>
varying vec3 vNormalView;
varying vec3 vToCamera;
void main() {
  vec4 mvPosition = modelViewMatrix * vec4(position, 1.0);
  vNormalView = normalize(normalMatrix * normal);
  vToCamera = -mvPosition.xyz;
  gl_Position = projectionMatrix * mvPosition;
  #include <clipping_planes_vertex>
}`,
    fragmentShader: `#include <common>
#include <clipping_planes_pars_fragment>
uniform vec3 colour;
varying vec3 vNormalView;
varying vec3 vToCamera;
void main() {
  #include <clipping_planes_fragment>
  float facing = abs(dot(normalize(vNormalView), normalize(vToCamera)));
  gl_FragColor = vec4(colour * (0.06 + 0.6 * pow(1.0 - facing, 2.0)), 1.0);
}`,
    transparent: true, depthWrite: false, depthTest: false, blending: THREE.AdditiveBlending, side: THREE.DoubleSide,
    clipping: true,
  });
}

/** A new material for `mode` on a mesh whose own material is `original` (not for "textured"). */
export function modeMaterial(mode, original, params = {}) {
  switch (mode) {
    case "clay": return matte(original);
    case "normals": return new THREE.MeshNormalMaterial({ side: original.side ?? THREE.FrontSide,
                                                         normalMap: original.normalMap ?? null });
    case "wireframe": return new THREE.MeshBasicMaterial({ color: 0xd8d8d8, wireframe: true });
    case "xray": return xrayMaterial(original);
    case "deviation": case "change": return scalarMaterial(original, mode, params);
    default: throw new Error(`modeMaterial: no material for mode ${JSON.stringify(mode)}`);
  }
}

/** Sets the scale of a deviation / change material made by modeMaterial (no recompilation). */
export function updateScalarMaterial(material, { max, limits, notMeasured }) {
  const u = material.userData.vtourUniforms;
  if (!u) return;
  if (notMeasured > 0) u.vtourNotMeasured.value = notMeasured;
  if (max > 0) u.vtourMax.value = max;
  if (limits) { u.vtourMinor.value = limits.minor; u.vtourMajor.value = limits.major; }
}
