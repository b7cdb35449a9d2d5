/**
 * vtour's deep-zoom bundle (dist/vtour-image.js): OpenSeadragon, which the viewer bundle imports with a dynamic
 * import() when a deep-zoom image is first opened (ui/ImageDialog.js; its URL is the viewer option
 * imageViewerUrl), so a panorama's first view costs nothing more.
 */
import OpenSeadragon from "openseadragon";

export { OpenSeadragon };
