/**
 * vtour's viewer bundle. Two entries in one ES module:
 *
 *  - mount(element, tourUrl, options) -> Viewer: for the static index.html (and anything else);
 *  - render({model, el}): Panel's pn.custom.JSComponent entry (vtour/serve.py, TourViewer), which
 *    syncs scene, yaw, pitch, fov and language both ways and sends hotspot events to Python.
 */
import { Viewer, DEFAULT_OPTIONS } from "./Viewer.js";

export { Viewer, DEFAULT_OPTIONS };

export function mount(element, tourUrl, options = {}) {
  if (!element) throw new Error("mount: no element given");
  return new Viewer(element, tourUrl, options);
}

const SYNCED = ["yaw", "pitch", "fov"];

export function render({ model, el }) {
  const box = document.createElement("div");
  box.style.cssText = "width:100%;height:100%;min-height:300px;position:relative";
  el.appendChild(box);
  const view = SYNCED.every((k) => typeof model[k] === "number") ? { yaw: model.yaw, pitch: model.pitch, fov: model.fov } : null;
  const viewer = new Viewer(box, model.tour_url, { urlState: false, scene: model.scene || null, view,
                                                   language: model.language || null, ...(model.options || {}) });
  // Python <- browser: at most every 150 ms while the view moves, and once when it stops
  let timer = 0;
  const push = () => {
    timer = 0;
    const s = viewer.state;
    for (const k of SYNCED) if (Math.abs((model[k] ?? NaN) - s[k]) > 1e-3 || model[k] == null) model[k] = Math.round(s[k] * 1000) / 1000;
  };
  viewer.on("viewchange", () => { if (!timer) timer = setTimeout(push, 150); });
  viewer.on("scenechange", (id) => { if (model.scene !== id) model.scene = id; push(); });
  viewer.on("languagechange", (lang) => { if (model.language !== lang) model.language = lang; });
  viewer.on("hotspot", (h) => model.send_msg({ event: "hotspot", hotspot: h }));
  viewer.ready.then(() => {
    if (model.language !== viewer.language) model.language = viewer.language;
    if (model.scene !== viewer.sceneId) model.scene = viewer.sceneId;
    push();
    model.send_msg({ event: "ready", state: viewer.state });
  }, (err) => model.send_msg({ event: "error", message: String(err?.message || err) }));
  // Python -> browser
  model.on("scene", () => { if (viewer.tour && model.scene && model.scene !== viewer.sceneId) viewer.goTo(model.scene).catch(() => {}); });
  for (const k of SYNCED) {
    model.on(k, () => {
      const s = viewer.state;
      if (typeof model[k] === "number" && Math.abs(model[k] - s[k]) > 1e-3) viewer.setView({ [k]: model[k] });
    });
  }
  model.on("language", () => { if (model.language) viewer.setLanguage(model.language); });
  model.on("remove", () => { clearTimeout(timer); viewer.dispose(); });
}
