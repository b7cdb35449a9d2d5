/**
 * vtour's model bundle (dist/vtour-model.js): three.js, GLTFLoader with MeshoptDecoder, OrbitControls, and the
 * conservator's inspector with its tools. The viewer bundle imports it with a dynamic import() when a model
 * is first opened (ui/ModelDialog.js; its URL is the viewer option modelViewerUrl), so a panorama's first
 * view costs nothing more.
 */
export { ModelStage } from "./renderers/ModelStage.js";
export { Inspector } from "./inspector/Inspector.js";
export { Measure } from "./inspector/Measure.js";
export { Section } from "./inspector/Section.js";
export { Notes } from "./inspector/Notes.js";
export { createNotesStore } from "./inspector/NotesStore.js";
export { TOOL_LABELS } from "./inspector/toolLabels.js";
