// The catalogue's state in the page's hash: #q=..&period=..&material=..&museum=..&tag=..&page=N&lang=zh.
// Values are facet keys (meta.json's "key"); absent, empty or invalid parts take their defaults.

/** The facets, in the page's order (meta.json "facets" keys). */
export const FACETS = ["period", "material", "museum", "tag"];

/** The state of an empty hash. */
export function defaultState() {
  return { q: "", period: null, material: null, museum: null, tag: null, page: 1, lang: null };
}

/** "#q=bronze&page=2" (or without "#") -> a full state object. */
export function parseHash(hash) {
  const params = new URLSearchParams(String(hash || "").replace(/^#/, ""));
  const state = defaultState();
  state.q = params.get("q") || "";
  for (const facet of FACETS) state[facet] = params.get(facet) || null;
  const page = Number(params.get("page"));
  state.page = Number.isInteger(page) && page >= 1 ? page : 1;
  state.lang = params.get("lang") || null;
  return state;
}

/** A state -> its hash without "#", defaults left out ("" for the default state). */
export function formatHash(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const facet of FACETS) if (state[facet]) params.set(facet, state[facet]);
  if (state.page && state.page > 1) params.set("page", String(state.page));
  if (state.lang) params.set("lang", state.lang);
  return params.toString();
}

/** True when two states select the same results page in the same language. */
export function sameState(a, b) {
  return formatHash(a) === formatHash(b);
}
