// Validate .glb/.gltf files with the Khronos glTF-Validator; print one JSON report per file.
// Usage: node tests/tools/validate_gltf.mjs FILE... ; exit 1 when any file has errors.
import { readFile } from "node:fs/promises";
import validator from "gltf-validator";

let failed = false;
const reports = [];
for (const path of process.argv.slice(2)) {
  const bytes = new Uint8Array(await readFile(path));
  const report = await validator.validateBytes(bytes, { maxIssues: 100, format: path.endsWith(".glb") ? "glb" : "gltf" });
  const { numErrors, numWarnings, numInfos, messages } = report.issues;
  failed ||= numErrors > 0;
  reports.push({ path, numErrors, numWarnings, numInfos, messages, info: report.info });
}
console.log(JSON.stringify(reports));
process.exit(failed ? 1 : 0);
