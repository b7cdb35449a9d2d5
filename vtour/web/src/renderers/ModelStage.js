import * as THREE from "three";
import { GLTFLoader } from "three/examples/jsm/loaders/GLTFLoader.js";
import { MeshoptDecoder } from "three/examples/jsm/libs/meshopt_decoder.module.js";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { EventEmitter } from "../EventEmitter.js";
import { modeMaterial, updateScalarMaterial } from "../inspector/materials.js";
import { DEFAULT_LIGHT } from "../inspector/state.js";
import { floorSpace, requestVRSession } from "../xr/support.js";

/** Where the statue stands in VR: this far in front of the visitor (horizontally), metres. */
export const XR_DISTANCE_M = 1.5;

/**
 * The camera's near and far planes in VR, metres: the scene is scaled to metres there, so the planes the dialog
 * fits around the object in model units (a statue in mm: a near plane of metres) would cut it away. 2 cm lets the
 * visitor bring their eyes to the surface; 100 m is past any room.
 */
export const XR_NEAR_M = 0.02;
export const XR_FAR_M = 100;

/** Metres per model unit (vtour/conventions.py UNIT_METRES); "unknown" models are written at scale 1. */
export const UNIT_METRES = Object.freeze({ m: 1, cm: 0.01, mm: 0.001 });

/**
 * A three.js canvas in `container` showing one glTF object at a time, turned with OrbitControls and drawn
 * only when something changes. Lives in the model bundle (vtour-model.js), which the viewer imports on the
 * first model opened: the panorama itself needs no three.js.
 *
 * What the inspector and its tools use (issue 11's interface spec, "ModelStage"):
 *  - `scene`, `camera`, `renderer`, `controls`, `canvas`, `current` (the object shown, or null);
 *  - `overlay`: a <div> over the canvas for HTML labels (pointer-events none; children may turn them on);
 *  - `helpers`: a THREE.Group drawn in a second pass with NO clipping planes (outlines, measure lines, pins);
 *  - `bounds`: the THREE.Sphere (world) around the object shown, for sizes that follow the model;
 *  - `draw()` requests one frame; events "render" (after each frame) and "objectchange" (a new object shown);
 *  - `pick(clientX, clientY)` -> {point, normal (world, facing the camera), distance} or null, ignoring what
 *    `renderer.clippingPlanes` removes; `getView()` / `setView(view)`: {position, target, fov};
 *  - `units` ("mm" | "cm" | "m" | "unknown") and `unitsPerMetre` (model units per world unit: 1000 for mm).
 * Light and material modes: setLight(light) (state.js's light), setMode(mode, params) (materials.js).
 * Life size in VR: enterXR() starts a WebXR immersive-vr session (three's renderer.xr, reference space local-floor)
 * showing the object at its real size (1 / unitsPerMetre metres per unit) standing on the floor XR_DISTANCE_M in
 * front of the visitor, its front (+Z) towards them, seen through near and far planes in metres (XR_NEAR_M,
 * XR_FAR_M; the dialog's own are given back afterwards); a model of "unknown" units is refused (no size to be true
 * to). exitXR() ends it; xrState() says where it stands. Events "xrstart", "xrend" (also when dispose() ends the
 * session: the last thing it emits).
 * Colours are tone mapped with Khronos PBR Neutral, so a mid-grey base colour lit head-on shows mid-grey.
 *
 * Options: units (string, default "unknown"), background (hex colour, default 0x202020).
 */
export class ModelStage extends EventEmitter {
  constructor(container, { units = "unknown", background = 0x202020 } = {}) {
    super();
    this.container = container;
    this.units = units in UNIT_METRES ? units : "unknown";
    this.unitsPerMetre = 1 / (UNIT_METRES[this.units] ?? 1);
    const renderer = this.renderer = new THREE.WebGLRenderer({ antialias: true });
    renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    renderer.setClearColor(background, 1);
    renderer.toneMapping = THREE.NeutralToneMapping;
    renderer.shadowMap.enabled = true;
    renderer.shadowMap.type = THREE.PCFSoftShadowMap;
    this.canvas = renderer.domElement;
    this.canvas.className = "vtour-model-canvas";
    this.overlay = document.createElement("div");
    this.overlay.className = "vtour-model-overlay";
    // over the canvas whatever the page's styles: labels placed in it line up with the picture
    this.overlay.style.cssText = "position: absolute; inset: 0; pointer-events: none; overflow: hidden;";
    if (getComputedStyle(container).position === "static") container.style.position = "relative";
    container.append(this.canvas, this.overlay);
    this.scene = new THREE.Scene();
    this.ambient = new THREE.AmbientLight(0xffffff, 1);
    this.sun = new THREE.DirectionalLight(0xffffff, Math.PI);
    this.sun.shadow.mapSize.set(2048, 2048);
    this.scene.add(this.ambient, this.sun, this.sun.target);
    this.helperScene = new THREE.Scene();
    this.helperScene.add(new THREE.HemisphereLight(0xffffff, 0x666666, Math.PI));
    this.helpers = new THREE.Group();
    this.helperScene.add(this.helpers);
    this.camera = new THREE.PerspectiveCamera(40, 1, 0.01, 1000);
    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.enableDamping = false;
    this.controls.addEventListener("change", () => { this._fitClip(); this.draw(); });
    this.loader = new GLTFLoader().setMeshoptDecoder(MeshoptDecoder);
    this.current = null;
    this.bounds = new THREE.Sphere(new THREE.Vector3(), 1);
    this.light = { ...DEFAULT_LIGHT };
    this.mode = "textured";
    this.modeParams = {};
    this.frames = 0;
    this.draw = this.draw.bind(this);  // handed to listeners as is
    this._raycaster = new THREE.Raycaster();
    this._observer = new ResizeObserver(() => this.resize());
    this._observer.observe(container);
    this.resize();
    this.setLight(this.light);
  }

  /** Requests one frame (several requests before it come to one). */
  draw() {
    if (this.disposed || this._frame) return;
    this._frame = requestAnimationFrame(() => { this._frame = 0; this.render(); });
  }

  /** Draws now: the scene (with the renderer's clipping planes), then `helpers` without them. */
  render() {
    if (this.disposed || this.xrSession) return;   // in VR the session's frames draw (enterXR)
    const r = this.renderer, planes = r.clippingPlanes;
    r.render(this.scene, this.camera);
    if (this.helpers.children.length) {
      r.clippingPlanes = [];
      r.autoClear = false;
      r.render(this.helperScene, this.camera);
      r.autoClear = true;
      r.clippingPlanes = planes;
    }
    this.frames++;
    this.emit("render");
  }

  resize() {
    const w = Math.max(1, this.container.clientWidth), h = Math.max(1, this.container.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.draw();
    this.emit("resize");
  }

  /**
   * Loads a .glb (meshopt-compressed or not); resolves to its scene, not yet shown.
   * Fetched whole with arrayBuffer(), not GLTFLoader.load(): three's FileLoader reads every body
   * through a stream reader (for progress events), and Chromium then reports the finished request as
   * failed (net::ERR_ABORTED) when the reader reaches the end before the network completes it.
   */
  async load(url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`ModelStage: HTTP ${res.status} for ${url}`);
    const gltf = await this.loader.parseAsync(await res.arrayBuffer(), new URL(".", res.url || url).href);
    return gltf.scene;
  }

  /**
   * Shows `object` instead of the current one (disposed), in the current mode and light. `frame` points the
   * camera at it; otherwise the camera stays exactly where it is (a finer level replaces a coarser one).
   */
  show(object, frame) {
    if (this.current) { this.scene.remove(this.current); disposeObject(this.current); }
    this.current = object;
    this.scene.add(object);
    object.updateMatrixWorld(true);
    const box = new THREE.Box3().setFromObject(object);
    if (!box.isEmpty()) box.getBoundingSphere(this.bounds);
    object.traverse((o) => {
      if (!o.isMesh) return;
      o.userData.vtourOriginal = o.material;
      o.castShadow = o.receiveShadow = true;
      if (!o.geometry.attributes.normal) o.geometry.computeVertexNormals();
    });
    if (frame) this.frameObject();
    this._applyMode();
    this.setLight(this.light);
    this.emit("objectchange", object);
    this.draw();
  }

  /**
   * Points the camera at the object shown, from the front (+Z) and a little above (9 degrees), as far as
   * makes its bounding sphere fit the narrower of the two fields of view (a phone held upright included).
   */
  frameObject() {
    const { center, radius } = this.bounds, r = radius || 1, cam = this.camera;
    const vertical = THREE.MathUtils.degToRad(cam.fov);
    const horizontal = 2 * Math.atan(Math.tan(vertical / 2) * cam.aspect);
    const distance = r / Math.sin(Math.min(vertical, horizontal) / 2);
    this.controls.target.copy(center);
    cam.position.copy(center).addScaledVector(new THREE.Vector3(0, 0.15, 1).normalize(), distance);
    this._fitClip();
    this.controls.update();
  }

  /** Near and far planes around the object, whatever the camera's distance. */
  _fitClip() {
    if (this.xrSession) return;   // metres in VR (enterXR)
    const r = this.bounds.radius || 1, d = this.camera.position.distanceTo(this.bounds.center);
    this.camera.near = THREE.MathUtils.clamp((d - r) * 0.5, r / 1000, r / 100);
    this.camera.far = d + r * 4;
    this.camera.updateProjectionMatrix();
  }

  /** Whether every mesh of the object shown has the geometry attribute `name` (e.g. "_deviation"). */
  hasAttribute(name) {
    let all = !!this.current, any = false;
    this.current?.traverse((o) => { if (o.isMesh) { any = true; all &&= !!o.geometry.attributes[name]; } });
    return all && any;
  }

  /** The largest magnitude of the scalar attribute `name` over the object shown (0 when absent). */
  attributeMax(name) {
    let max = 0;
    this.current?.traverse((o) => {
      const a = o.isMesh && o.geometry.attributes[name];
      if (a) for (let i = 0; i < a.count; i++) max = Math.max(max, Math.abs(a.getX(i)));
    });
    return max;
  }

  /** Triangles of the object shown. */
  triangles() {
    let n = 0;
    this.current?.traverse((o) => {
      if (!o.isMesh) return;
      const g = o.geometry;
      n += (g.index ? g.index.count : g.attributes.position.count) / 3;
    });
    return n;
  }

  /**
   * Draws every mesh with `mode`'s material (materials.js; "textured": its own). `params` for the deviation
   * and change modes: {attribute, max, limits}. The same mode and attribute again keeps the materials (a new
   * max or limits only sets their uniforms).
   */
  setMode(mode, params = {}) {
    const same = mode === this.mode && params.attribute === this.modeParams.attribute;
    this.mode = mode;
    this.modeParams = { ...params };
    if (same) this.current?.traverse((o) => { if (o.isMesh) updateScalarMaterial(o.material, params); });
    else this._applyMode();
    this.draw();
  }

  _applyMode() {
    this.current?.traverse((o) => {
      if (!o.isMesh) return;
      const original = o.userData.vtourOriginal;
      if (o.material !== original) o.material.dispose();
      const needs = this.modeParams.attribute;
      const mode = (this.mode === "deviation" || this.mode === "change") && !o.geometry.attributes[needs]
        ? "clay" : this.mode;
      o.material = mode === "textured" ? original : modeMaterial(mode, original, this.modeParams);
      o.castShadow = o.receiveShadow = mode !== "xray" && mode !== "wireframe";
    });
  }

  /**
   * The key light from `azimuth`, `elevation` (degrees, the model's frame: 0/0 = from +Z, 90 elevation = from
   * above), `ambient` fill and `exposure`; `shadows` casts the key light's shadow map. Intensities are in units of
   * pi so that a white light at 1 shows a Lambertian surface facing it at its base colour.
   */
  setLight(light) {
    this.light = { ...this.light, ...light };
    const { azimuth, elevation, ambient, exposure, shadows } = this.light;
    const az = THREE.MathUtils.degToRad(azimuth), el = THREE.MathUtils.degToRad(elevation);
    const dir = new THREE.Vector3(Math.sin(az) * Math.cos(el), Math.sin(el), Math.cos(az) * Math.cos(el));
    const { center, radius } = this.bounds, r = radius || 1;
    this.sun.target.position.copy(center);
    this.sun.position.copy(center).addScaledVector(dir, r * 3);
    this.sun.intensity = Math.PI;
    this.ambient.intensity = Math.PI * ambient;
    this.renderer.toneMappingExposure = exposure;
    this.sun.castShadow = !!shadows;
    const cam = this.sun.shadow.camera;
    Object.assign(cam, { left: -r * 1.1, right: r * 1.1, top: r * 1.1, bottom: -r * 1.1, near: r * 0.5, far: r * 6 });
    cam.updateProjectionMatrix();
    this.sun.shadow.bias = -0.0005;
    this.sun.shadow.normalBias = r * 0.004;
    this.draw();
  }

  /**
   * The surface under the client point: {point, normal (world, unit, towards the camera), distance (world)}, or
   * null. Hits on the side that the renderer's clipping planes remove are skipped, so a section's cut face
   * picks what is behind it.
   */
  pick(clientX, clientY) {
    if (!this.current) return null;
    const rect = this.canvas.getBoundingClientRect();
    const ndc = new THREE.Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.camera.updateMatrixWorld();  // right after setView(), before a frame is drawn
    this._raycaster.setFromCamera(ndc, this.camera);
    const planes = this.renderer.clippingPlanes || [];
    for (const hit of this._raycaster.intersectObject(this.current, true)) {
      if (!hit.face || planes.some((p) => p.distanceToPoint(hit.point) < 0)) continue;
      const normal = hit.face.normal.clone().transformDirection(hit.object.matrixWorld);
      if (normal.dot(this._raycaster.ray.direction) > 0) normal.negate();
      return { point: hit.point.clone(), normal, distance: hit.distance };
    }
    return null;
  }

  /** Turns the camera about the target: `azimuthDeg` to the right, `elevationDeg` up (kept off the poles). */
  orbit(azimuthDeg, elevationDeg) {
    const offset = this.camera.position.clone().sub(this.controls.target);
    const s = new THREE.Spherical().setFromVector3(offset);
    s.theta -= THREE.MathUtils.degToRad(azimuthDeg);
    s.phi = THREE.MathUtils.clamp(s.phi - THREE.MathUtils.degToRad(elevationDeg), 0.01, Math.PI - 0.01);
    this.camera.position.copy(this.controls.target).add(offset.setFromSpherical(s));
    this._fitClip();
    this.controls.update();
  }

  /** Moves the camera towards the target (`factor` < 1) or away (> 1). */
  dolly(factor) {
    const offset = this.camera.position.clone().sub(this.controls.target).multiplyScalar(factor);
    this.camera.position.copy(this.controls.target).add(offset);
    this._fitClip();
    this.controls.update();
  }

  /** The camera: {position: [x, y, z], target: [x, y, z], fov: deg}, world coordinates. */
  getView() {
    return { position: this.camera.position.toArray(), target: this.controls.target.toArray(), fov: this.camera.fov };
  }

  /** Moves the camera to `view` (getView's form; a missing fov keeps the current one). */
  setView(view) {
    this.camera.position.fromArray(view.position);
    this.controls.target.fromArray(view.target);
    if (Number.isFinite(view.fov)) this.camera.fov = view.fov;
    this._fitClip();
    this.controls.update();
    this.draw();
  }

  /**
   * A PNG of the view at `width` x `height` pixels (helpers included, HTML overlay not), as a Blob. The drawing
   * buffer is resized for one frame within this task (never composited on screen) and given back.
   */
  async screenshot(width, height) {
    const max = this.renderer.getContext().getParameter(this.renderer.getContext().MAX_VIEWPORT_DIMS);
    if (!(width >= 1 && height >= 1) || width > max[0] || height > max[1]) {
      throw new Error(`ModelStage: screenshot size ${width} x ${height} px is outside 1 x 1 .. ${max[0]} x ${max[1]} px`);
    }
    const r = this.renderer, ratio = r.getPixelRatio(), size = r.getSize(new THREE.Vector2());
    r.setPixelRatio(1);
    r.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.render();
    // toBlob takes its snapshot of the drawing buffer now; the encoding finishes later
    const blob = new Promise((resolve, reject) => this.canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error("ModelStage: the browser could not encode the screenshot"))), "image/png"));
    r.setPixelRatio(ratio);
    r.setSize(size.x, size.y, false);
    this.camera.aspect = size.x / size.y;
    this.camera.updateProjectionMatrix();
    this.render();
    return blob;
  }

  // -- life size in VR -----------------------------------------------------------------------------------

  /** Metres per model unit, or null when the units are unknown. */
  get metresPerUnit() { return this.units === "unknown" ? null : UNIT_METRES[this.units]; }

  /**
   * Shows the object at life size in an immersive-vr session (`xr`: default navigator.xr; call it from a click).
   * Resolves to the XRSession once presenting. Throws when the units are unknown or nothing is shown. The whole
   * scene (object, lights) is scaled to metres and placed on the first frame, when the visitor's head is known;
   * a finer level loaded meanwhile takes the same place. Section planes are off while in VR.
   */
  async enterXR({ xr = globalThis.navigator?.xr, distance = XR_DISTANCE_M } = {}) {
    if (this.xrSession) return this.xrSession;
    if (!this.metresPerUnit) {
      throw new Error("ModelStage: the model's units are unknown, so it has no life size; give the model's units (mm, cm or m) in tour.yaml");
    }
    if (!this.current) throw new Error("ModelStage: no object shown yet; wait for the model to load");
    const session = await requestVRSession(xr);
    const r = this.renderer;
    // the headset may end it at any await below: then nothing must wait for its frames
    let endedEarly = false;
    const onEarlyEnd = () => { endedEarly = true; };
    session.addEventListener("end", onEarlyEnd);
    let ended = null;
    try {
      const { floor } = await floorSpace(session);
      if (endedEarly) throw new Error("ModelStage: the VR session ended while it was starting");
      if (this.disposed) throw new Error("ModelStage: disposed while the VR session was starting");
      r.xr.enabled = true;
      r.xr.setReferenceSpaceType(floor ? "local-floor" : "local");
      const cam = this.camera;
      this._xrSaved = { view: this.getView(), planes: r.clippingPlanes, background: this.scene.background,
                        near: cam.near, far: cam.far };
      r.clippingPlanes = [];
      this.xrSession = session;
      cam.near = XR_NEAR_M;
      cam.far = XR_FAR_M;
      cam.updateProjectionMatrix();
      this._xr = { floorY: floor ? 0 : -1.6, distance, placed: null, frames: 0 };
      this._xrFloor = makeFloor();
      this.scene.add(this._xrFloor);
      // after three has given the canvas back (its own "end" listener restores size and framebuffer)
      ended = () => { r.xr.removeEventListener("sessionend", ended); this._xrEnded(); };
      r.xr.addEventListener("sessionend", ended);
      await r.xr.setSession(session);
      if (endedEarly) throw new Error("ModelStage: the VR session ended while it was starting");
    } catch (e) {
      session.removeEventListener("end", onEarlyEnd);
      if (ended) r.xr.removeEventListener("sessionend", ended);
      if (this.xrSession) this._xrEnded();   // the stage as before (no "xrend": there was no "xrstart")
      if (!endedEarly) session.end().catch(() => {});
      throw e;
    }
    session.removeEventListener("end", onEarlyEnd);
    cancelAnimationFrame(this._frame);
    this._frame = 0;
    r.setAnimationLoop((time, frame) => this._xrFrame(frame));
    this._xrStarted = true;
    this.emit("xrstart");
    return session;
  }

  /**
   * Ends the VR session (the stage then draws as before). Resolves when it has ended, or at once when the runtime
   * refuses to end it (session.end() rejects: the stage then stops drawing for it and draws as before).
   */
  async exitXR() {
    const session = this.xrSession;
    if (!session) return;
    const ended = new Promise((resolve) => { const off = this.on("xrend", () => { off(); resolve(); }); });
    try {
      await session.end();
    } catch (e) {
      console.warn(`ModelStage: session.end() failed (${e?.message || e}); leaving VR anyway`);
      if (this.xrSession === session) this._xrEnded();
      return;
    }
    await ended;
  }

  _xrFrame(frame) {
    if (this.disposed || !this.xrSession) return;
    if (!this._xr.placed && frame) {
      const pose = frame.getViewerPose(this.renderer.xr.getReferenceSpace());
      if (pose) this._placeForXR(pose.transform);
    }
    if (this._xr.placed) {
      this.renderer.render(this.scene, this.camera);
      this._xr.frames += 1;
    }
  }

  /**
   * Scales the scene to metres and stands the object's bounding box on the floor, `distance` in front of the
   * head (`transform`: an XRRigidTransform in the floor space), turned so that its front (+Z) faces the head.
   */
  _placeForXR(transform) {
    const s = this.metresPerUnit, scene = this.scene;
    scene.position.set(0, 0, 0); scene.rotation.set(0, 0, 0); scene.scale.set(1, 1, 1);
    scene.updateMatrixWorld(true);
    const box = new THREE.Box3().setFromObject(this.current);
    const o = transform.orientation, p = transform.position;
    const forward = new THREE.Vector3(0, 0, -1).applyQuaternion(new THREE.Quaternion(o.x, o.y, o.z, o.w));
    forward.y = 0;
    if (forward.lengthSq() < 1e-6) forward.set(0, 0, -1);
    forward.normalize();
    const target = new THREE.Vector3(p.x, this._xr.floorY, p.z).addScaledVector(forward, this._xr.distance);
    const angle = Math.atan2(-forward.x, -forward.z);   // the object's +Z turned to -forward: towards the head
    const foot = new THREE.Vector3((box.min.x + box.max.x) / 2, box.min.y, (box.min.z + box.max.z) / 2);
    scene.scale.setScalar(s);
    scene.rotation.set(0, angle, 0);
    scene.position.copy(target).sub(foot.multiplyScalar(s).applyAxisAngle(new THREE.Vector3(0, 1, 0), angle));
    scene.updateMatrixWorld(true);
    // the floor mark stays in metres around the object's feet, whatever the scene's scale
    const floor = this._xrFloor;
    floor.matrixAutoUpdate = false;
    floor.matrix.copy(scene.matrix).invert()
      .multiply(new THREE.Matrix4().makeTranslation(target.x, this._xr.floorY + 0.002, target.z));
    this._xr.placed = { head: [p.x, p.y, p.z], target: target.toArray(), angle };
  }

  /**
   * Where the object stands in VR: {presenting, units, metresPerUnit, modelHeightMetres (its world bounding box's
   * height), modelSizeMetres [x, y, z], modelPosition [x, y, z] (the box's bottom centre, metres, floor space),
   * head [x, y, z] (when placed), distanceMetres (horizontal, head to box centre), facing (cos of the angle
   * between the object's front and the direction to the head: 1 = facing), frames}.
   */
  xrState() {
    const st = { presenting: !!this.xrSession, units: this.units, metresPerUnit: this.metresPerUnit,
                 modelHeightMetres: null, modelSizeMetres: null, modelPosition: null, head: null, distanceMetres: null,
                 facing: null, frames: this._xr?.frames ?? 0 };
    const placed = this._xr?.placed;
    if (!this.xrSession || !placed || !this.current) return st;
    this.scene.updateMatrixWorld(true);
    const box = new THREE.Box3().setFromObject(this.current);
    const size = box.getSize(new THREE.Vector3()), c = box.getCenter(new THREE.Vector3());
    const front = new THREE.Vector3(0, 0, 1).applyAxisAngle(new THREE.Vector3(0, 1, 0), placed.angle);
    const toHead = new THREE.Vector3(placed.head[0] - c.x, 0, placed.head[2] - c.z);
    Object.assign(st, { modelHeightMetres: size.y, modelSizeMetres: size.toArray(), modelPosition: [c.x, box.min.y, c.z],
                        head: placed.head, distanceMetres: toHead.length(), facing: front.dot(toHead.normalize()) });
    return st;
  }

  _xrEnded() {
    const r = this.renderer;
    r.setAnimationLoop(null);
    r.xr.enabled = false;
    this.xrSession = null;
    if (this._xrFloor) {
      this.scene.remove(this._xrFloor);
      this._xrFloor.traverse((o) => { o.geometry?.dispose(); o.material?.dispose(); });
      this._xrFloor = null;
    }
    this.scene.position.set(0, 0, 0); this.scene.rotation.set(0, 0, 0); this.scene.scale.set(1, 1, 1);
    this.scene.updateMatrixWorld(true);
    const saved = this._xrSaved;
    this._xrSaved = null;
    if (this.disposed) return;
    // a WebXR emulator that presented the canvas itself puts it back last: under the overlay again
    if (this.canvas.parentNode === this.container && this.overlay.parentNode === this.container &&
        this.canvas.nextSibling !== this.overlay) this.container.insertBefore(this.canvas, this.overlay);
    if (saved) {
      r.clippingPlanes = saved.planes;
      Object.assign(this.camera, { near: saved.near, far: saved.far });
      this.setView(saved.view);   // and its planes fitted again
    }
    this.resize();
    this.draw();
    if (this._xrStarted) { this._xrStarted = false; this.emit("xrend"); }
  }

  /** Frees an object that load() returned and show() never took. */
  discard(object) { disposeObject(object); }

  dispose() {
    this.disposed = true;
    if (this.xrSession) {
      this.xrSession.end().catch(() => {});
      // the listeners go below, before the session's own end
      if (this._xrStarted) { this._xrStarted = false; this.emit("xrend"); }
    }
    cancelAnimationFrame(this._frame);
    this._observer.disconnect();
    this.controls.dispose();
    if (this.current) disposeObject(this.current);
    this.current = null;
    this.renderer.dispose();
    this.renderer.forceContextLoss?.();
    this.canvas.remove();
    this.overlay.remove();
    this.removeAllListeners();
  }
}

/** The VR floor mark: a 1 m grid 6 m across and a ring of 0.5 m radius at the object's feet (metres). */
function makeFloor() {
  const group = new THREE.Group();
  group.name = "vtour-xr-floor";
  const grid = new THREE.GridHelper(6, 6, 0x888888, 0x555555);
  const ring = new THREE.Mesh(new THREE.RingGeometry(0.48, 0.5, 64).rotateX(-Math.PI / 2),
                              new THREE.MeshBasicMaterial({ color: 0xcccccc, side: THREE.DoubleSide }));
  group.add(grid, ring);
  return group;
}

function disposeObject(object) {
  object.traverse((o) => {
    o.geometry?.dispose();
    const materials = new Set([].concat(o.material || [], o.userData?.vtourOriginal || []));
    for (const m of materials) {
      for (const value of Object.values(m)) if (value?.isTexture) value.dispose();
      m.dispose();
    }
  });
}
