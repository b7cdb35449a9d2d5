import * as THREE from "three";
import { GLTFLoader } from "three/examples/jsm/loaders/GLTFLoader.js";
import { MeshoptDecoder } from "three/examples/jsm/libs/meshopt_decoder.module.js";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { Dialog } from "./Dialog.js";

/** Largest texture edge picked for the refined level: 4k textures crash iOS browsers (NOTES.md). */
export const MODEL_MAX_TEXTURE = 2048;
/** Largest triangle count picked for the refined level in a visitor's view. */
export const MODEL_MAX_TRIANGLES = 1_500_000;

/**
 * A statue in 3D: a dialog with its own three.js canvas, OrbitControls, and progressive loading:
 * the coarsest LOD (lods[0]) first, then the finest LOD within MODEL_MAX_TEXTURE and
 * MODEL_MAX_TRIANGLES, which replaces it when decoded. `loaded` lists the LOD paths shown, in order.
 * Events are callbacks: onLoad(path). Rendering runs only while open.
 */
export class ModelDialog extends Dialog {
  constructor(container, { onLoad = () => {}, ...options } = {}) {
    super(container, { className: "vtour-model", ...options });
    this.onLoadCb = onLoad;
    this.loaded = [];
    this.status = document.createElement("p");
    this.status.className = "vtour-model-status";
    this.status.setAttribute("aria-live", "polite");
    this.stage = document.createElement("div");
    this.stage.className = "vtour-model-stage";
    this.caption = document.createElement("p");
    this.caption.className = "vtour-model-caption";
  }

  /**
   * @param {{title: string, description: string, lods: Array<{url: string, path: string,
   *          triangles?: number, textureSize?: number}>}} model
   */
  show(model) {
    this._teardown();
    this.body.replaceChildren(this.stage, this.status, this.caption);
    this.caption.textContent = model.description || "";
    this.open(model.title);
    this.loaded = [];
    const renderer = new THREE.WebGLRenderer({ antialias: true });
    renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    renderer.setClearColor(0x202020, 1);
    this.stage.appendChild(renderer.domElement);
    const scene = new THREE.Scene();
    scene.add(new THREE.HemisphereLight(0xffffff, 0x444444, 1.2));
    const sun = new THREE.DirectionalLight(0xffffff, 1.5);
    sun.position.set(1, 2, 3);
    scene.add(sun);
    const camera = new THREE.PerspectiveCamera(40, 1, 0.01, 1000);
    const controls = new OrbitControls(camera, renderer.domElement);
    controls.enableDamping = false;
    const draw = () => renderer.render(scene, camera);
    controls.addEventListener("change", draw);
    const resize = () => {
      const w = Math.max(1, this.stage.clientWidth), h = Math.max(1, this.stage.clientHeight);
      renderer.setSize(w, h); camera.aspect = w / h; camera.updateProjectionMatrix(); draw();
    };
    const observer = new ResizeObserver(resize);
    observer.observe(this.stage);
    this._view = { renderer, scene, camera, controls, observer, current: null, token: {} };
    resize();
    this._progressive(model, this._view.token);
  }

  async _progressive(model, token) {
    const lods = model.lods || [];
    if (!lods.length) { this.status.textContent = "No 3D levels"; return; }
    const fine = lods.filter((l) => (l.textureSize ?? 0) <= MODEL_MAX_TEXTURE && (l.triangles ?? 0) <= MODEL_MAX_TRIANGLES);
    const order = [lods[0]];
    const best = fine[fine.length - 1];
    if (best && best !== lods[0]) order.push(best);
    const loader = new GLTFLoader().setMeshoptDecoder(MeshoptDecoder);
    for (const [i, lod] of order.entries()) {
      this.status.textContent = i === 0 ? "Loading\u2026" : "Refining\u2026";
      let gltf;
      try { gltf = await loader.loadAsync(lod.url); } catch (e) {
        if (token !== this._view?.token) return;
        this.status.textContent = `Could not load ${lod.path}`;
        console.error(`ModelDialog: ${lod.url}: ${e}`);
        return;
      }
      if (token !== this._view?.token) { this._disposeObject(gltf.scene); return; }
      this._setObject(gltf.scene, i === 0);
      this.loaded.push(lod.path);
      this.onLoadCb(lod.path);
    }
    this.status.textContent = "";
  }

  _setObject(object, frame) {
    const v = this._view;
    if (v.current) { v.scene.remove(v.current); this._disposeObject(v.current); }
    v.current = object;
    v.scene.add(object);
    if (frame) {
      const box = new THREE.Box3().setFromObject(object);
      const size = box.getSize(new THREE.Vector3()).length() || 1;
      const centre = box.getCenter(new THREE.Vector3());
      v.controls.target.copy(centre);
      v.camera.position.copy(centre).add(new THREE.Vector3(0, size * 0.2, size * 1.3));
      v.camera.near = size / 1000; v.camera.far = size * 100;
      v.camera.updateProjectionMatrix();
      v.controls.update();
    }
    v.renderer.render(v.scene, v.camera);
  }

  _disposeObject(object) {
    object.traverse((o) => {
      o.geometry?.dispose();
      for (const m of [].concat(o.material || [])) {
        for (const value of Object.values(m)) if (value?.isTexture) value.dispose();
        m.dispose();
      }
    });
  }

  _teardown() {
    const v = this._view;
    if (!v) return;
    this._view = null;
    v.observer.disconnect();
    v.controls.dispose();
    if (v.current) this._disposeObject(v.current);
    v.renderer.dispose();
    v.renderer.forceContextLoss?.();
    v.renderer.domElement.remove();
  }

  close() { super.close(); this._teardown(); }
  dispose() { this._teardown(); super.dispose(); }
}
