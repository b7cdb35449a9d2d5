// Loads every .glb named in ?files=a,b with three.js's GLTFLoader (+ MeshoptDecoder), reports what
// it decoded in window.result, and renders the last one so a screenshot shows it.
import * as THREE from "three";
import { GLTFLoader } from "three/addons/loaders/GLTFLoader.js";
import { MeshoptDecoder } from "three/addons/libs/meshopt_decoder.module.js";

const files = new URLSearchParams(location.search).get("files").split(",");
const loader = new GLTFLoader().setMeshoptDecoder(MeshoptDecoder);

function summarize(file, gltf) {
  const out = { file, triangles: 0, vertices: 0, textured: false, attributes: [], extras: gltf.parser.json.asset.extras };
  gltf.scene.updateMatrixWorld(true);
  const box = new THREE.Box3().setFromObject(gltf.scene);
  gltf.scene.traverse((o) => {
    if (!o.isMesh) return;
    const g = o.geometry;
    out.triangles += (g.index ? g.index.count : g.attributes.position.count) / 3;
    out.vertices += g.attributes.position.count;
    out.attributes = Object.keys(g.attributes).sort();
    const map = o.material.map;
    out.textured ||= Boolean(map && map.image && map.image.width > 0);
    out.normalMap ||= Boolean(o.material.normalMap && o.material.normalMap.image);
    out.roughnessMap ||= Boolean(o.material.roughnessMap && o.material.roughnessMap.image);
  });
  out.min = box.min.toArray();
  out.max = box.max.toArray();
  return out;
}

async function main() {
  const results = [];
  let last = null;
  for (const file of files) {
    // fetched whole, then parsed: loadAsync reads the body through a stream reader, which Chromium
    // may report as a failed request (net::ERR_ABORTED) although every byte arrived
    const res = await fetch(file);
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${file}`);
    const gltf = await loader.parseAsync(await res.arrayBuffer(), new URL(".", res.url).href);
    results.push(summarize(file, gltf));
    last = gltf;
  }
  const renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: true });
  renderer.setSize(innerWidth, innerHeight);
  document.body.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  scene.add(new THREE.AmbientLight(0xffffff, 2.0));
  scene.add(last.scene);
  const box = new THREE.Box3().setFromObject(last.scene);
  const centre = box.getCenter(new THREE.Vector3());
  const radius = box.getSize(new THREE.Vector3()).length() / 2;
  const camera = new THREE.PerspectiveCamera(40, innerWidth / innerHeight, radius / 100, radius * 100);
  camera.position.copy(centre).add(new THREE.Vector3(0, 0, radius * 3));
  camera.lookAt(centre);
  renderer.render(scene, camera);
  window.result = results;
}

main().catch((err) => { window.loadError = String(err && err.stack || err); console.error(err); });
