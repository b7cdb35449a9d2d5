/**
 * Notes <-> W3C Web Annotation JSON (the IIIF 3D flavour of the issue-11 spec). Pure functions.
 *
 * A note (what the Notes tool edits):
 *   {id: "urn:uuid:..." | null (not stored yet), type: one of NOTE_TYPES, texts: {lang: text},
 *    author: string, created: ISO 8601 | null, modified: ISO 8601 | null,
 *    point: [x, y, z] world (glTF) coordinates, view: {position: [x,y,z], target: [x,y,z], fov} | null}
 * An annotation:
 *   {"@context", id, type: "Annotation", motivation: "commenting", created, modified,
 *    creator: {type: "Person", name}, body: [classifying TextualBody, describing TextualBody per language],
 *    target: {type: "SpecificResource", source: {id: "models/<model id>", type: "Model"},
 *             selector: {type: "PointSelector", x, y, z},
 *             scope: {type: "PerspectiveCamera", position: {x,y,z}, lookAt: {type: "PointSelector", x,y,z}, fieldOfView}}}
 * Notes are one AnnotationPage per model: {"@context", type: "AnnotationPage", items: [...]}.
 */

export const ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld";
export const NOTE_TYPES = ["crack", "loss", "restoration", "deposit", "other"];

const xyz = ([x, y, z]) => ({ x, y, z });
const finite = (v) => typeof v === "number" && Number.isFinite(v);

/** The annotation of `note` on the model `modelId` (fields left out when unknown: id, created, modified, scope). */
export function toAnnotation(note, { modelId }) {
  if (!NOTE_TYPES.includes(note.type)) {
    throw new Error(`annotationFormat: note type ${JSON.stringify(note.type)} is not one of ${NOTE_TYPES.join(", ")}`);
  }
  const body = [{ type: "TextualBody", purpose: "classifying", value: note.type }];
  for (const [language, value] of Object.entries(note.texts || {})) {
    if (value && value.trim()) body.push({ type: "TextualBody", purpose: "describing", format: "text/plain", language, value });
  }
  const target = {
    type: "SpecificResource",
    source: { id: `models/${modelId}`, type: "Model" },
    selector: { type: "PointSelector", ...xyz(note.point) },
  };
  if (note.view) {
    target.scope = {
      type: "PerspectiveCamera", position: xyz(note.view.position),
      lookAt: { type: "PointSelector", ...xyz(note.view.target) }, fieldOfView: note.view.fov,
    };
  }
  return {
    "@context": ANNOTATION_CONTEXT,
    ...(note.id ? { id: note.id } : {}),
    type: "Annotation",
    motivation: "commenting",
    ...(note.created ? { created: note.created } : {}),
    ...(note.modified ? { modified: note.modified } : {}),
    creator: { type: "Person", name: note.author || "" },
    body,
    target,
  };
}

function point(obj, where) {
  if (!obj || !finite(obj.x) || !finite(obj.y) || !finite(obj.z)) {
    throw new Error(`annotationFormat: ${where} needs finite numbers x, y, z, not ${JSON.stringify(obj)}`);
  }
  return [obj.x, obj.y, obj.z];
}

/** The note of an annotation; throws naming the annotation, the field, the value and the fix. */
export function fromAnnotation(a) {
  const name = `annotation ${a && a.id ? a.id : "(no id)"}`;
  if (!a || a.type !== "Annotation") throw new Error(`annotationFormat: ${name}: type must be "Annotation", not ${JSON.stringify(a && a.type)}`);
  const body = [].concat(a.body || []);
  const kind = body.find((b) => b && b.purpose === "classifying");
  if (!kind || !NOTE_TYPES.includes(kind.value)) {
    throw new Error(`annotationFormat: ${name}: body needs a classifying TextualBody with value one of ${NOTE_TYPES.join(", ")}, not ${JSON.stringify(kind && kind.value)}`);
  }
  const texts = {};
  for (const b of body) {
    if (b && b.purpose === "describing" && typeof b.value === "string") texts[b.language || "und"] = b.value;
  }
  const target = a.target || {};
  const selector = target.selector;
  if (!selector || selector.type !== "PointSelector") {
    throw new Error(`annotationFormat: ${name}: target.selector must be a PointSelector {type, x, y, z}, not ${JSON.stringify(selector)}`);
  }
  const scope = target.scope;
  let view = null;
  if (scope) {
    if (!finite(scope.fieldOfView)) throw new Error(`annotationFormat: ${name}: target.scope.fieldOfView must be a number (degrees), not ${JSON.stringify(scope.fieldOfView)}`);
    view = { position: point(scope.position, `${name}: target.scope.position`),
             target: point(scope.lookAt, `${name}: target.scope.lookAt`), fov: scope.fieldOfView };
  }
  return {
    id: a.id || null,
    type: kind.value,
    texts,
    author: (a.creator && a.creator.name) || "",
    created: a.created || null,
    modified: a.modified || null,
    point: point(selector, `${name}: target.selector`),
    view,
  };
}

/** An AnnotationPage of annotations. */
export function toAnnotationPage(annotations) {
  return { "@context": ANNOTATION_CONTEXT, type: "AnnotationPage", items: annotations };
}

/** The annotations of an AnnotationPage (checked to be one). */
export function annotationsOfPage(page, where = "notes") {
  if (!page || page.type !== "AnnotationPage" || !Array.isArray(page.items)) {
    throw new Error(`annotationFormat: ${where}: expected an AnnotationPage {type: "AnnotationPage", items: [...]}, got type ${JSON.stringify(page && page.type)}`);
  }
  return page.items;
}

/** The languages of `languages` that `note` has no text in (its missing translations). */
export function missingLanguages(note, languages) {
  return languages.filter((l) => !(note.texts && note.texts[l] && note.texts[l].trim()));
}

const pad = (n) => String(n).padStart(2, "0");

/** "YYYY-MM-DD" of `now` (a Date) in the visitor's time zone: the day on their calendar, which a note is dated by. */
export function localDate(now = new Date()) {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * "YYYY-MM-DD" of an ISO 8601 time, on the visitor's calendar (localDate), so that a note created now shows
 * today's date wherever the visitor is; a bare date is itself; "" when it is not a time.
 */
export function dateOf(iso) {
  if (typeof iso !== "string") return "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso.slice(0, 10) : localDate(new Date(t));
}

/**
 * The `created` time (UTC, to the second) for a note dated `date` ("YYYY-MM-DD", the visitor's calendar):
 * `now` (a Date) when it is today there (never a time in the future), else noon of that day in the visitor's
 * time zone (noon, not midnight: the day stays the same read from any zone within 12 hours). Throws on a
 * malformed date.
 */
export function createdFromDate(date, now = new Date()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? "");
  const day = m && new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12);
  if (!day || localDate(day) !== date) {
    throw new Error(`annotationFormat: date ${JSON.stringify(date)} is not a date; write YYYY-MM-DD`);
  }
  const iso = (d) => `${d.toISOString().slice(0, 19)}Z`;
  return localDate(now) === date ? iso(now) : iso(day);
}
