import * as THREE from "three";
import { GLTFLoader } from "three/examples/jsm/loaders/GLTFLoader.js";
import { MeshoptDecoder } from "three/examples/jsm/libs/meshopt_decoder.module.js";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";

/**
 * A three.js canvas in `container` showing one glTF object at a time, turned with OrbitControls and
 * drawn only when something changes. Lives in the model bundle (vtour-model.js), which the viewer
 * imports on the first model hotspot opened: the panorama itself needs no three.js.
 */
export class ModelStage {
  constructor(container) {
    this.container = container;
    const renderer = this.renderer = new THREE.WebGLRenderer({ antialias: true });
    renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    renderer.setClearColor(0x202020, 1);
    container.appendChild(renderer.domElement);
    const scene = this.scene = new THREE.Scene();
    scene.add(new THREE.HemisphereLight(0xffffff, 0x444444, 1.2));
    const sun = new THREE.DirectionalLight(0xffffff, 1.5);
    sun.position.set(1, 2, 3);
    scene.add(sun);
    this.camera = new THREE.PerspectiveCamera(40, 1, 0.01, 1000);
    this.controls = new OrbitControls(this.camera, renderer.domElement);
    this.controls.enableDamping = false;
    this.draw = () => { if (!this.disposed) renderer.render(scene, this.camera); };
    this.controls.addEventListener("change", this.draw);
    this.loader = new GLTFLoader().setMeshoptDecoder(MeshoptDecoder);
    this.current = null;
    this._observer = new ResizeObserver(() => this.resize());
    this._observer.observe(container);
    this.resize();
  }

  resize() {
    const w = Math.max(1, this.container.clientWidth), h = Math.max(1, this.container.clientHeight);
    this.renderer.setSize(w, h);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.draw();
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

  /** Shows `object` instead of the current one (disposed); `frame` points the camera at it. */
  show(object, frame) {
    if (this.current) { this.scene.remove(this.current); disposeObject(this.current); }
    this.current = object;
    this.scene.add(object);
    if (frame) {
      const box = new THREE.Box3().setFromObject(object);
      const size = box.getSize(new THREE.Vector3()).length() || 1;
      const centre = box.getCenter(new THREE.Vector3());
      this.controls.target.copy(centre);
      this.camera.position.copy(centre).add(new THREE.Vector3(0, size * 0.2, size * 1.3));
      this.camera.near = size / 1000; this.camera.far = size * 100;
      this.camera.updateProjectionMatrix();
      this.controls.update();
    }
    this.draw();
  }

  /** Frees an object that load() returned and show() never took. */
  discard(object) { disposeObject(object); }

  dispose() {
    this.disposed = true;
    this._observer.disconnect();
    this.controls.dispose();
    if (this.current) disposeObject(this.current);
    this.current = null;
    this.renderer.dispose();
    this.renderer.forceContextLoss?.();
    this.renderer.domElement.remove();
  }
}

function disposeObject(object) {
  object.traverse((o) => {
    o.geometry?.dispose();
    for (const m of [].concat(o.material || [])) {
      for (const value of Object.values(m)) if (value?.isTexture) value.dispose();
      m.dispose();
    }
  });
}
