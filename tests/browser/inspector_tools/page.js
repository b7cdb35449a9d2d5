// The inspector's tools (Section, Measure, Notes) mounted on a ModelStage from the model bundle
// (/dist/vtour-model.js), without the Inspector: tests/browser/test_inspector_tools.py drives them.
// Query: glb (under /models/), units, lang, notes (static notes path under /models/), api, token.
// The tools are told they work on LEVEL (level 1 of 2, as the Inspector's ctx.level() says), and "Load the most
// detailed level" records its clicks in window.finestAsked.
import { ModelStage, Measure, Notes, Section, TOOL_LABELS, createNotesStore } from "/dist/vtour-model.js";

const q = new URLSearchParams(location.search);
const units = q.get("units") || "mm";
const lang = q.get("lang") || "en";
document.documentElement.lang = lang;
window.changes = [];
window.finestAsked = 0;
window.LEVEL = { index: 0, count: 2, path: `models/${q.get("glb") || "lod0.glb"}`, triangles: 12, hausdorff: 0.25 };
try {
  const model = { id: "box", title: "Box", units, ...(q.get("notes") ? { notes: q.get("notes") } : {}) };
  const stage = new ModelStage(document.getElementById("stage"), { units });
  stage.canvas.setAttribute("role", "img");
  stage.canvas.setAttribute("aria-label", "Box in 3D");
  stage.show(await stage.load(`/models/${q.get("glb") || "lod0.glb"}`), true);
  const notesStore = createNotesStore({ model, tourBase: new URL("/models/", location.href).href,
                                        apiUrl: q.get("api"), token: q.get("token") });
  const ctx = {
    stage, units, labels: (key) => (TOOL_LABELS[lang] || TOOL_LABELS.en)[key] ?? key, language: lang,
    languages: ["en", "zh"], model, notesStore, readOnly: notesStore.readOnly, onChange: (s) => window.changes.push(s),
    level: () => window.LEVEL, loadFinest: () => { window.finestAsked += 1; },
  };
  const tools = { section: new Section(ctx), measure: new Measure(ctx), notes: new Notes(ctx) };
  document.getElementById("tools").append(...Object.values(tools).map((t) => t.element));
  await tools.notes.loaded;
  /** Client (page) coordinates of world point p, for clicking on it. */
  const screenOf = (p) => {
    stage.camera.updateMatrixWorld();
    const v = stage.camera.position.clone().set(...p).project(stage.camera);
    const r = stage.canvas.getBoundingClientRect();
    return { x: r.left + (v.x + 1) / 2 * r.width, y: r.top + (1 - v.y) / 2 * r.height };
  };
  const frames = stage.frames;
  stage.draw();
  await new Promise((resolve) => { const wait = () => (stage.frames > frames ? resolve() : requestAnimationFrame(wait)); wait(); });
  window.vtourTools = { stage, tools, screenOf, ready: true };
} catch (e) {
  window.vtourToolsError = String(e && e.stack || e);
  throw e;
}
