/**
 * vtour's viewer bundle. Two entries in one ES module:
 *
 *  - mount(element, tourUrl, options) -> Viewer: for the static index.html (and anything else);
 *  - render({model, el}): Panel's pn.custom.JSComponent entry (vtour/serve.py, TourViewer), which
 *    syncs scene, yaw, pitch, fov and language both ways, sends hotspot events to Python, bridges the
 *    conservator's inspector (inspectorBridge below), the deep-zoom image dialog (imageBridge below) and the
 *    tour editor's edit mode (render).
 */
import { Viewer, DEFAULT_OPTIONS } from "./Viewer.js";
import { Kiosk } from "./kiosk/Kiosk.js";

export { Viewer, DEFAULT_OPTIONS, Kiosk };

/**
 * The viewer in `element`. With the option `kiosk` (an object: kiosk/Kiosk.js, docs/kiosk.md) the page is a
 * visitor-centre kiosk: `viewer.kiosk` is its controller (attract loop, idle countdown, lockdown, staff exit,
 * the launcher's bridge), disposed with the viewer.
 */
export function mount(element, tourUrl, options = {}) {
  if (!element) throw new Error("mount: no element given");
  const viewer = new Viewer(element, tourUrl, options);
  if (options.kiosk && typeof options.kiosk === "object") {
    const kiosk = viewer.kiosk = new Kiosk(viewer, options.kiosk);
    const dispose = viewer.dispose.bind(viewer);
    viewer.dispose = () => { kiosk.dispose(); dispose(); };
  }
  return viewer;
}

const SYNCED = ["yaw", "pitch", "fov"];
/** Viewer events of the editor (option edit) that go to Python as they are (TourViewer.on_edit). */
const EDIT_EVENTS = ["editclick", "hotspotmove", "hotspotselect"];

/** `url` with ?v=<n> (TourViewer.reload: a build's new tour.json, not the browser's cached one). */
function versioned(url, n) {
  const u = new URL(url, document.baseURI);
  u.searchParams.set("v", String(n));
  return u.href;
}

/**
 * Panel's entry. The editor's parameters (TourViewer edit, tool, selected_hotspot, edit_hotspots, reload) drive the
 * Viewer's setEditing / setHotspots; incrementing `reload` disposes the viewer and makes a new one on tour_url?v=<n>
 * at the scene asked for and the view shown. A scene Python asks for that the tour does not have is not shown:
 * Python hears {event: "missingscene", scene} (and scene null once a scene of the tour is shown).
 */
export function render({ model, el }) {
  const box = document.createElement("div");
  box.style.cssText = "width:100%;height:100%;min-height:300px;position:relative";
  el.appendChild(box);
  const edit = !!model.edit;
  let viewer = null, wiring = null, timer = 0, hotspotsTimer = 0;
  let missing = null;  // the scene id Python last heard was missing, or null
  const setMissing = (id) => {
    if (missing === id) return;
    missing = id;
    model.send_msg({ event: "missingscene", scene: id });
  };
  // Python <- browser: at most every 150 ms while the view moves, and once when it stops
  const push = () => {
    timer = 0;
    if (!viewer) return;
    const s = viewer.state;
    for (const k of SYNCED) if (Math.abs((model[k] ?? NaN) - s[k]) > 1e-3 || model[k] == null) model[k] = Math.round(s[k] * 1000) / 1000;
  };
  const applyHotspots = () => {  // after the same batch's scene change: the list is that scene's
    hotspotsTimer = 0;
    viewer?.setHotspots(model.edit_hotspots ?? null, { scene: model.scene || viewer.sceneId });
  };
  const start = (url, { scene, view, language }) => {
    const v = viewer = new Viewer(box, url, { urlState: false, scene, view, language, ...(model.options || {}),
                                               ...(edit ? { edit: true } : {}) });
    if (edit) {
      v.setEditing({ tool: model.tool ?? null, selected: model.selected_hotspot ?? null });
      if (model.edit_hotspots) v.setHotspots(model.edit_hotspots, { scene: scene || null });
    }
    let first = true;
    const offs = [
      v.on("viewchange", () => { if (!timer) timer = setTimeout(push, 150); }),
      v.on("scenechange", (id) => {
        const asked = model.scene;
        // the editor asked for a scene not built yet: the viewer shows another one, Python keeps its wish
        if (first && edit && asked && asked !== id && !v.tour.scene(asked)) setMissing(asked);
        else { if (model.scene !== id) model.scene = id; setMissing(null); }
        first = false;
        push();
      }),
      v.on("languagechange", (lang) => { if (model.language !== lang) model.language = lang; }),
      v.on("hotspot", (h) => model.send_msg({ event: "hotspot", hotspot: h })),
      ...EDIT_EVENTS.map((name) => v.on(name, (e) => model.send_msg({ event: name, ...e }))),
    ];
    v.ready.then(() => {
      if (viewer !== v) return;
      if (model.language !== v.language) model.language = v.language;
      if (missing === null && model.scene !== v.sceneId) model.scene = v.sceneId;
      push();
      model.send_msg({ event: "ready", state: v.state });
    }, (err) => model.send_msg({ event: "error", message: String(err?.message || err) }));
    const bridges = [inspectorBridge(model, v), imageBridge(model, v)];
    wiring = { dispose() { for (const off of offs) off(); for (const b of bridges) b.dispose(); } };
  };
  const stop = () => {
    wiring?.dispose();
    viewer?.dispose();
    wiring = viewer = null;
  };
  const view = SYNCED.every((k) => typeof model[k] === "number") ? { yaw: model.yaw, pitch: model.pitch, fov: model.fov } : null;
  start(model.tour_url, { scene: model.scene || null, view, language: model.language || null });
  // Python -> browser
  model.on("scene", () => {
    const id = model.scene;
    if (!viewer?.tour || !id) return;
    if (!viewer.tour.scene(id)) { setMissing(id); return; }  // left where it is
    if (id !== viewer.sceneId) viewer.goTo(id).catch(() => {});
    else setMissing(null);
  });
  for (const k of SYNCED) {
    model.on(k, () => {
      if (!viewer) return;
      const s = viewer.state;
      if (typeof model[k] === "number" && Math.abs(model[k] - s[k]) > 1e-3) viewer.setView({ [k]: model[k] });
    });
  }
  model.on("language", () => { if (model.language) viewer?.setLanguage(model.language); });
  if (edit) {
    model.on("tool", () => viewer?.setEditing({ tool: model.tool ?? null }));
    model.on("selected_hotspot", () => viewer?.setEditing({ selected: model.selected_hotspot ?? null }));
  }
  model.on("edit_hotspots", () => { clearTimeout(hotspotsTimer); hotspotsTimer = setTimeout(applyHotspots, 0); });
  model.on("reload", () => {
    if (!viewer) return;
    // the scene Python asks for (a scene just built, maybe), at the view shown if it is the one shown
    const scene = model.scene || viewer.sceneId;
    const view = viewer.view && scene === viewer.sceneId ? viewer.view.get() : null;
    const language = viewer.language || model.language || null;
    stop();
    missing = null;
    start(versioned(model.tour_url, model.reload), { scene, view, language });
  });
  model.on("remove", () => { clearTimeout(timer); clearTimeout(hotspotsTimer); stop(); });
}

/** TourViewer's light parameters and the keys of the inspector state's `light` they stand for. */
const LIGHT_PARAMS = [["light_azimuth", "azimuth"], ["light_elevation", "elevation"], ["ambient", "ambient"],
                      ["exposure", "exposure"], ["shadows", "shadows"]];
/** TourViewer's parameters and the inspector state's keys they stand for. */
const STATE_PARAMS = [["mode", "mode"], ["section", "section"], ["finest", "finest"], ["compare", "compare"],
                      ["previous", "previous"], ["change_limits", "changeLimits"]];
/** What the inspector shows, read-only in Python. */
const SHOWN_PARAMS = ["level", "triangles", "deviation"];
/** State keys that belong to one model (its previous scans), and their values for a model opened afresh. */
const PER_MODEL = { previous: 0, changeLimits: null };

/** Equal as the inspector's state goes: numbers within a millionth, objects by their JSON. */
function same(a, b) {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a));
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The inspector state (inspector/state.js) that the Panel model's parameters describe. */
function stateOf(model) {
  const light = {};
  for (const [p, k] of LIGHT_PARAMS) light[k] = model[p];
  const out = { light };
  for (const [p, k] of STATE_PARAMS) out[k] = model[p] ?? null;
  return out;
}

/** The parts of `wanted` (stateOf) that differ from the inspector's `current` state, or null. */
function difference(wanted, current) {
  const out = {};
  const light = {};
  for (const [, k] of LIGHT_PARAMS) if (!same(wanted.light[k], current.light?.[k])) light[k] = wanted.light[k];
  if (Object.keys(light).length) out.light = light;
  for (const [, k] of STATE_PARAMS) if (!same(wanted[k], current[k])) out[k] = wanted[k];
  return Object.keys(out).length ? out : null;
}

/** A state value as Python's parameter holds it: change limits as {minor, major} only (ChangeLimits). */
function forPython(k, v) {
  if (k === "changeLimits" && v) return { minor: v.minor, major: v.major };
  return v ?? null;
}

/**
 * Python <-> the conservator's inspector, through the Viewer's API (openModel, closeModel, inspector.set /
 * state / screenshot, events "modelopen", "modelclose", "inspectorchange"). TourViewer's `model` opens and
 * closes it; its mode, light, section, finest, compare, previous and change_limits are applied with
 * inspector.set when Python changes them, and the inspector's state (already throttled by the viewer) is
 * written back, with the level shown, its triangles and deviation. Opened from Python, the inspector starts at
 * the parameters, and changes Python makes while it loads are applied once it is ready; opened by the visitor,
 * the parameters follow it. previous and change_limits belong to one model: what an inspector reported is not
 * carried into the next model opened (values Python set since are). Python's take_screenshot arrives as a
 * message: the view is saved as a PNG download and Python hears its name and size. Returns {dispose()}.
 */
function inspectorBridge(model, viewer) {
  let openId = null;        // the model the viewer has open (its events say)
  let opening = null;       // the id being opened from Python, until its inspector is ready
  let reported = {};        // PER_MODEL values as the open model's inspector last reported them
  const pull = (s) => {     // inspector -> Python
    if (!s || opening) return;
    for (const [p, k] of LIGHT_PARAMS) if (s.light && !same(model[p], s.light[k])) model[p] = s.light[k];
    for (const [p, k] of [...STATE_PARAMS, ...SHOWN_PARAMS.map((q) => [q, q])]) {
      if (k in s && !same(model[p], forPython(k, s[k]))) model[p] = forPython(k, s[k]);
      if (k in PER_MODEL && k in s) reported[k] = forPython(k, s[k]);
    }
  };
  /**
   * The state a model opens with: the parameters, less what the last model's inspector reported of its own (those
   * go back to PER_MODEL's, in Python too; called while `opening`, so that apply does not send them meanwhile).
   */
  const startState = () => {
    const state = stateOf(model);
    for (const [p, k] of STATE_PARAMS) {
      if (k in PER_MODEL && k in reported && same(state[k], reported[k])) model[p] = state[k] = PER_MODEL[k];
    }
    reported = {};
    return state;
  };
  const apply = () => {     // Python -> inspector
    const inspector = viewer.inspector;
    if (!inspector || opening) return;
    const change = difference(stateOf(model), inspector.state());
    if (!change) return;
    try {
      inspector.set(change);
    } catch (err) {  // a value the inspector refuses (state.js names it): Python hears why
      model.send_msg({ event: "modelerror", model: openId, message: String(err.message || err) });
    }
  };
  let disposed = false;     // a reload replaced this viewer
  const open = () => {
    if (disposed || !viewer.tour) return;  // after ready
    const id = model.model || null;
    if (!id) {
      opening = null;
      if (openId) viewer.closeModel();
      return;
    }
    if (id === openId || id === opening) return;
    opening = id;
    viewer.openModel(id, startState()).then(() => {
      if (opening !== id) return;
      opening = null;
      apply();
      pull(viewer.inspector?.state());
    }, (err) => {
      if (opening === id) opening = null;
      model.send_msg({ event: "modelerror", model: id, message: String(err?.message || err) });
      if (model.model === id) model.model = openId;  // back to what is open
    });
  };
  const offs = [
    viewer.on("modelopen", (id) => {
      openId = id;
      if (opening && opening !== id) opening = null;  // the visitor opened another one meanwhile
      if (model.model !== id) model.model = id;
    }),
    viewer.on("modelclose", () => {  // also when openModel replaces the open model: then Python keeps the new id
      openId = null;
      if (opening) return;
      if (model.model !== null) model.model = null;
      for (const k of SHOWN_PARAMS) if (model[k] !== null) model[k] = null;
    }),
    viewer.on("inspectorchange", pull),
  ];
  const screenshot = async ({ width = null, scale = 1 } = {}) => {
    const inspector = viewer.inspector;
    if (!inspector) throw new Error("no model is open in the inspector");
    const shot = await inspector.screenshot(width ? { width } : { scale });
    const file = `${inspector.model.id}-${inspector.state().mode}-${shot.width}x${shot.height}.png`;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(shot.blob);
    a.download = file;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    model.send_msg({ event: "screenshot", file, width: shot.width, height: shot.height, bytes: shot.blob.size });
  };
  const onMessage = (msg) => {
    if (msg?.event !== "screenshot") return;
    screenshot(msg).catch((err) => model.send_msg({ event: "screenshoterror", message: String(err?.message || err) }));
  };
  viewer.ready.then(open, () => {});
  const listen = (prop, fn) => { model.on(prop, fn); offs.push(() => model.off?.(prop, fn)); };
  listen("model", open);
  listen("msg:custom", onMessage);
  for (const p of [...LIGHT_PARAMS.map(([q]) => q), ...STATE_PARAMS.map(([q]) => q)]) listen(p, apply);
  return { dispose() { disposed = true; for (const off of offs) off(); } };
}

/** Throttle of the image region sent to Python while the image view moves, ms (as the panorama's view). */
const REGION_MS = 150;

/** [x, y, w, h] as Python's `region` holds it (four ints), or null for anything else. */
function regionOf(r) {
  return Array.isArray(r) && r.length === 4 && r.every(Number.isFinite) ? r.map((v) => Math.round(v)) : null;
}

/**
 * Python <-> the deep-zoom image dialog, through the Viewer's API (openImage, closeImage, imageRegion,
 * showImageRegion, events "imageopen", "imageclose", "imageview"). TourViewer's `image` opens the image (at `region`
 * when Python gives one) and closes it (null); `region` set from Python shows that part of the open image. The
 * visitor's image, and the part in view as they zoom and pan (at most every REGION_MS, and once when it stops), are
 * written back; both are null once the dialog closes. An image the tour lacks is refused: Python hears
 * {event: "imageerror", image, message} and `image` goes back to what is open. Returns {dispose()}.
 */
function imageBridge(model, viewer) {
  let openId = null;      // the image the viewer has open (its events say)
  let opening = null;     // the id being opened from Python, until it is shown
  let sent = null;        // the region last written to Python (JSON): its echo is not a request to move
  let timer = 0, openTimer = 0, disposed = false;
  const push = () => {    // browser -> Python
    timer = 0;
    if (disposed || opening || !openId) return;
    const r = regionOf(viewer.imageRegion);
    if (!r) return;
    sent = JSON.stringify(r);
    if (JSON.stringify(model.region ?? null) !== sent) model.region = r;
  };
  const show = () => {    // Python's region -> the open image
    const r = regionOf(model.region);
    if (disposed || opening || !openId || !r || JSON.stringify(r) === sent) return;
    if (JSON.stringify(r) !== JSON.stringify(regionOf(viewer.imageRegion))) viewer.showImageRegion(r);
  };
  const open = () => {    // Python's image -> the dialog (after the same batch's region change: see `schedule`)
    openTimer = 0;
    if (disposed || !viewer.tour) return;  // after ready
    const id = model.image || null;
    if (!id) {
      opening = null;
      if (openId) viewer.closeImage();
      return;
    }
    if (id === openId || id === opening) return;
    opening = id;
    viewer.openImage(id, regionOf(model.region)).then(() => {
      if (opening !== id) return;
      opening = null;
      sent = null;
      show();   // a region Python set while the image loaded
      push();
    }, (err) => {
      if (opening === id) opening = null;
      model.send_msg({ event: "imageerror", image: id, message: String(err?.message || err) });
      if (model.image === id) model.image = openId;  // back to what is open
    });
  };
  const schedule = () => { clearTimeout(openTimer); openTimer = setTimeout(open, 0); };
  const offs = [
    viewer.on("imageopen", (id) => {
      openId = id;
      if (opening && opening !== id) opening = null;  // the visitor opened another one meanwhile
      if (model.image !== id) model.image = id;
      if (!opening && model.region !== null) { sent = "null"; model.region = null; }  // until its view is reported
    }),
    viewer.on("imageclose", () => {  // also when openImage replaces the open image: then Python keeps the new id
      openId = null;
      clearTimeout(timer);
      timer = 0;
      if (opening) return;
      if (model.image !== null) model.image = null;
      if (model.region !== null) { sent = "null"; model.region = null; }
    }),
    viewer.on("imageview", () => { if (!timer) timer = setTimeout(push, REGION_MS); }),
  ];
  viewer.ready.then(schedule, () => {});
  const listen = (prop, fn) => { model.on(prop, fn); offs.push(() => model.off?.(prop, fn)); };
  listen("image", schedule);
  listen("region", show);
  return { dispose() { disposed = true; clearTimeout(timer); clearTimeout(openTimer); for (const off of offs) off(); } };
}
