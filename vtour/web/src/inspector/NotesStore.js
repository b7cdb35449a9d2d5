/**
 * Where a model's notes (W3C annotations, annotationFormat.js) come from and go to.
 *
 * `createNotesStore({model, tourBase, apiUrl, token, fetch})` -> `{readOnly, list(), save(a), remove(id, modified)}`:
 *  - static (apiUrl null): reads `model.notes` (an AnnotationPage, relative to `tourBase`; none: no
 *    notes); readOnly is true and save/remove reject.
 *  - API (apiUrl set, `vtour serve --sources`): `GET/POST {api}/{model}`, `PUT/DELETE {api}/{model}/{uuid}`,
 *    JSON, token in `X-Vtour-Token`. save() POSTs an annotation never stored (no `modified`) and PUTs
 *    one that was, with `If-Match: <its modified>`; a 409 rejects with a NotesConflictError carrying
 *    the server's current annotation (`.current`), a 404 with a NotesGoneError.
 * All methods return Promises of annotations (plain JSON). `fetch` defaults to the global one.
 */
import { annotationsOfPage } from "./annotationFormat.js";

/** The note changed on the server since it was loaded; `.current` is the server's version. */
export class NotesConflictError extends Error {
  constructor(message, current) { super(message); this.name = "NotesConflictError"; this.current = current; }
}
/** The note was deleted on the server meanwhile. */
export class NotesGoneError extends Error {
  constructor(message) { super(message); this.name = "NotesGoneError"; }
}

/** The server refused the change: this page has no edit token (vtour serve off 127.0.0.1). */
export class NotesForbiddenError extends Error {
  constructor(message) { super(message); this.name = "NotesForbiddenError"; }
}

/** The uuid of an annotation id ("urn:uuid:<uuid>" or a bare uuid), for the API's URLs. */
export function uuidOf(id) { return String(id).replace(/^urn:uuid:/, ""); }

async function errorText(res) {
  try { const body = await res.json(); if (body && body.error) return body.error; } catch { /* not JSON */ }
  return res.statusText || "no reason given";
}

export function createNotesStore({ model, tourBase, apiUrl = null, token = null, fetch = globalThis.fetch.bind(globalThis) }) {
  if (!model || !model.id) throw new Error("NotesStore: the model needs an id (tour.json models[].id)");
  const pageBase = (globalThis.document && globalThis.document.baseURI) || tourBase;
  if (!apiUrl) {
    return {
      readOnly: true,
      async list() {
        if (!model.notes) return [];
        const url = new URL(model.notes, tourBase).href;
        const res = await fetch(url);
        if (!res.ok) throw new Error(`NotesStore: HTTP ${res.status} for ${url}`);
        return annotationsOfPage(await res.json(), url);
      },
      save() { return Promise.reject(new Error("NotesStore: notes are read-only in a published tour")); },
      remove() { return Promise.reject(new Error("NotesStore: notes are read-only in a published tour")); },
    };
  }
  const root = new URL(apiUrl.replace(/\/+$/, ""), pageBase).href;
  const base = `${root}/${encodeURIComponent(model.id)}`;
  const headers = (extra = {}) => ({ Accept: "application/json", ...(token ? { "X-Vtour-Token": token } : {}), ...extra });
  const send = (method, url, body, extra) => fetch(url, {
    method, headers: headers(body ? { "Content-Type": "application/json", ...extra } : extra),
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const refused = async (res, what) => {
    if (res.status === 403) throw new NotesForbiddenError(`NotesStore: ${what}: HTTP 403: ${await errorText(res)}`);
  };
  return {
    readOnly: false,
    /** Whether this page may edit (the API's root says `edit`: false when the token is missing or wrong). */
    async canEdit() {
      try {
        const res = await send("GET", root);
        return !res.ok || (await res.json()).edit !== false;
      } catch { return true; }   // unknown: the save itself will say
    },
    async list() {
      const res = await send("GET", base);
      if (!res.ok) throw new Error(`NotesStore: GET ${base}: HTTP ${res.status}: ${await errorText(res)}`);
      return annotationsOfPage(await res.json(), base);
    },
    async save(annotation) {
      const isNew = !annotation.id || !annotation.modified;
      const url = isNew ? base : `${base}/${encodeURIComponent(uuidOf(annotation.id))}`;
      const res = await send(isNew ? "POST" : "PUT", url, annotation, isNew ? {} : { "If-Match": annotation.modified });
      if (res.status === 409) {
        const body = await res.json().catch(() => ({}));
        throw new NotesConflictError(`NotesStore: ${annotation.id} was changed by someone else: ${body.error || "conflict"}`, body.current || null);
      }
      if (res.status === 404 && !isNew) throw new NotesGoneError(`NotesStore: ${annotation.id} was deleted by someone else`);
      await refused(res, `${isNew ? "POST" : "PUT"} ${url}`);
      if (!res.ok) throw new Error(`NotesStore: ${isNew ? "POST" : "PUT"} ${url}: HTTP ${res.status}: ${await errorText(res)}`);
      return res.json();
    },
    async remove(id, modified = null) {
      const url = `${base}/${encodeURIComponent(uuidOf(id))}`;
      const res = await send("DELETE", url, null, modified ? { "If-Match": modified } : {});
      if (res.status === 409) {
        const body = await res.json().catch(() => ({}));
        throw new NotesConflictError(`NotesStore: ${id} was changed by someone else: ${body.error || "conflict"}`, body.current || null);
      }
      await refused(res, `DELETE ${url}`);
      if (!res.ok && res.status !== 404) throw new Error(`NotesStore: DELETE ${url}: HTTP ${res.status}: ${await errorText(res)}`);
    },
  };
}
