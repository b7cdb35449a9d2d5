// Bundles the viewer (vtour/web/src) into vtour/web/dist/vtour-viewer.js: one ES module exporting
// mount(element, tourUrl, options) for the static index.html and render({model, el}) for Panel.
// Run from the repository root: `npm run build` (or `node vtour/web/build.mjs`).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
await build({
  entryPoints: [path.join(here, "src", "index.js")],
  outfile: path.join(here, "dist", "vtour-viewer.js"),
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  target: ["es2020"],
  loader: { ".css": "text" },   // styles go into the element's root (Panel renders into a shadow DOM)
  legalComments: "none",
  logLevel: "warning",
});
