// node tests/browser/xr/build_emulator.mjs OUT.js: bundles emulator.js with `iwer` (from the repository's
// node_modules) into one classic script (IIFE, no imports) that a page can run before anything else.
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error("usage: node tests/browser/xr/build_emulator.mjs OUT.js");
  process.exit(2);
}
await build({
  entryPoints: [path.join(here, "emulator.js")],
  outfile: out,
  bundle: true,
  format: "iife",
  target: ["es2020"],
  nodePaths: [path.resolve(here, "..", "..", "..", "node_modules")],
  legalComments: "none",
  logLevel: "warning",
});
