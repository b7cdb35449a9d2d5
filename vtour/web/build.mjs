// Bundles the viewer (vtour/web/src) into vtour/web/dist/:
//  - vtour-viewer.js: one ES module exporting mount(element, tourUrl, options) for the static index.html
//    and render({model, el}) for Panel; raw WebGL, no three.js;
//  - vtour-model.js: three.js and its glTF loader for the 3D model dialog, which the viewer imports
//    with import() when a model hotspot is first opened (option modelViewerUrl; default: beside the viewer);
//  - vtour-image.js: OpenSeadragon for the deep-zoom image dialog, imported the same way when an image is first
//    opened (option imageViewerUrl; default: beside the viewer).
//  - vtour-catalogue.js: a collection's catalogue page (browse, search, filter; sharded index loaded on demand), kept small;
//  - vtour-object.js: a collection's object page and an exhibition's story page (imports the model and image
//    bundles on demand, as the viewer does).
// Run from the repository root: `npm run build` (or `node vtour/web/build.mjs`).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
await build({
  entryPoints: { "vtour-viewer": path.join(here, "src", "index.js"), "vtour-model": path.join(here, "src", "model.js"),
                 "vtour-image": path.join(here, "src", "image.js"),
                 "vtour-catalogue": path.join(here, "src", "catalogue.js"), "vtour-object": path.join(here, "src", "object.js") },
  outdir: path.join(here, "dist"),
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  target: ["es2020"],
  loader: { ".css": "text" },   // styles go into the element's root (Panel renders into a shadow DOM)
  legalComments: "none",
  logLevel: "warning",
});
