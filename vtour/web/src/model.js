/**
 * vtour's model bundle (dist/vtour-model.js): three.js, GLTFLoader with MeshoptDecoder, OrbitControls.
 * The viewer bundle imports it with a dynamic import() when a model hotspot is first opened
 * (ui/ModelDialog.js; its URL is the viewer option modelViewerUrl).
 */
export { ModelStage } from "./renderers/ModelStage.js";
