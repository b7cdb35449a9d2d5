/**
 * Whether this browser can show immersive VR: `navigator.xr.isSessionSupported("immersive-vr")`, false without
 * WebXR, outside a secure context, or when the question fails. `xr` defaults to navigator.xr.
 */
export async function xrSupported(xr = globalThis.navigator?.xr) {
  if (!xr || typeof xr.isSessionSupported !== "function") return false;
  try {
    return !!(await xr.isSessionSupported("immersive-vr"));
  } catch {
    return false;
  }
}

/** Asks for an immersive-vr session, with local-floor when the device has it (optional: local otherwise). */
export function requestVRSession(xr = globalThis.navigator?.xr) {
  if (!xr) return Promise.reject(new Error("WebXR: this browser has no navigator.xr"));
  return xr.requestSession("immersive-vr", { optionalFeatures: ["local-floor"] });
}

/** The session's floor-level reference space: local-floor, else local (then the floor is unknown: `floor` false). */
export async function floorSpace(session) {
  try {
    return { space: await session.requestReferenceSpace("local-floor"), floor: true };
  } catch {
    return { space: await session.requestReferenceSpace("local"), floor: false };
  }
}
