// The catalogue page: search box, facet selects, result cards, pagination and a language switch, driven
// by the state in the URL hash (urlState.js) and answered by a CatalogueIndex. Visitor-visible text is
// set with textContent only. window.vtourCatalogue (and the results list's data-search-ms) expose the
// last search's time, from the query's change to its results in the DOM, for benchmarks: {ready, searchMs
// (change -> every card in the DOM), firstCardMs (change -> the first shard's cards shown), indexMs (change ->
// matching record numbers known, and the count shown), searches, total, hash, error}. Cards appear as their
// record shards arrive (in place, in order), not once the slowest has come.
import { CATALOGUE_CSS } from "./styles.js";
import { formatNumber, label, LANGUAGE_NAMES, pick } from "./labels.js";
import { defaultState, FACETS, formatHash, parseHash, sameState } from "./urlState.js";

/** Result thumbnails' box in CSS px (views' thumb.jpg is square, 320 px; thumb-small.jpg 160 px). */
export const THUMB_PX = 160;
/** The thumbnails' `sizes`: two columns on a phone, else at most THUMB_PX wide (styles.js). */
export const THUMB_SIZES = `(max-width: 480px) calc(50vw - 36px), ${THUMB_PX}px`;

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key in node && !key.includes("-")) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

export class CatalogueView {
  /**
   * @param {HTMLElement} root the element to fill (its content is replaced).
   * @param {import("./CatalogueIndex.js").CatalogueIndex} index
   */
  constructor(root, index) {
    this.root = root;
    this.index = index;
    this.state = defaultState();
    this.generation = 0;
    this.hook = { ready: false, searchMs: null, firstCardMs: null, indexMs: null, searches: 0, total: null, state: null,
                  error: null };
    this._listeners = [];
  }

  /** Load meta.json, build the page and show the hash's state. */
  async start() {
    addStyles();
    this.root.classList.add("vc");
    this.root.replaceChildren(el("p", { text: label(this.lang, "loading") }));
    const t0 = performance.now();
    try {
      await this.index.load();
    } catch (error) {
      // an index that came but has the wrong shape or version is "could not be read", not "could not be loaded"
      const words = error instanceof SyntaxError || error?.unreadable ? "unreadable" : "failed";
      this.root.replaceChildren(el("p", { role: "alert", text: label(this.lang, words) }));
      this.hook.error = String(error);
      throw error;
    }
    this._build();
    this._listen(window, "popstate", () => this._fromHash());
    this._listen(window, "hashchange", () => this._fromHash());
    await this.run(this._valid(parseHash(location.hash)), t0);
  }

  get languages() {
    return this.index.meta?.languages || ["en"];
  }

  get lang() {
    return this.languages.includes(this.state.lang) ? this.state.lang : this.languages[0];
  }

  _valid(state) {
    if (state.lang && !this.languages.includes(state.lang)) state.lang = null;
    return state;
  }

  _build() {
    const meta = this.index.meta;
    this.title = el("h1", { id: "vc-title" });
    this.intro = el("p", { className: "vc-intro" });
    this.langButtons = this.languages.map((lang) => {
      const button = el("button", { type: "button", lang, text: LANGUAGE_NAMES[lang] || lang });
      this._listen(button, "click", () => this.update({ lang }, true));
      return button;
    });
    this.langGroup = el("div", { className: "vc-langs", role: "group" }, this.langButtons);
    if (this.languages.length < 2) this.langGroup.hidden = true;
    const header = el("header", {}, [el("div", {}, [this.title, this.intro]), this.langGroup]);

    this.searchLabel = el("label", { htmlFor: "vc-q" });
    this.input = el("input", { type: "search", id: "vc-q", autocomplete: "off", spellcheck: false, "aria-describedby": "vc-hint" });
    this.hint = el("p", { id: "vc-hint", className: "vc-hint" });
    this._listen(this.input, "input", () => this.update({ q: this.input.value, page: 1 }, false));
    this.facetLabels = {};
    this.selects = {};
    const facetFields = FACETS.filter((f) => (meta.facets[f] || []).length).map((facet) => {
      this.facetLabels[facet] = el("label", { htmlFor: `vc-f-${facet}` });
      this.selects[facet] = el("select", { id: `vc-f-${facet}` });
      this._listen(this.selects[facet], "change", (e) => this.update({ [facet]: e.target.value || null, page: 1 }, true));
      return el("div", {}, [this.facetLabels[facet], this.selects[facet]]);
    });
    this.clear = el("button", { type: "button" });
    this._listen(this.clear, "click", () => {
      this.update({ ...defaultState(), lang: this.state.lang }, true);
      this.input.focus();
    });
    this.form = el("form", { role: "search" }, [el("div", { className: "vc-search" }, [this.searchLabel, this.input, this.hint]),
                                                ...facetFields, el("div", {}, [this.clear])]);
    this._listen(this.form, "submit", (e) => e.preventDefault());

    this.status = el("p", { className: "vc-status", role: "status", "aria-live": "polite", id: "vc-status" });
    this.list = el("ol", { className: "vc-results", "aria-labelledby": "vc-status" });
    this.prev = el("button", { type: "button" });
    this.next = el("button", { type: "button" });
    this.pageText = el("span");
    this._listen(this.prev, "click", () => this.update({ page: this.state.page - 1 }, true));
    this._listen(this.next, "click", () => this.update({ page: this.state.page + 1 }, true));
    this.pager = el("nav", { className: "vc-pages" }, [this.prev, this.pageText, this.next]);
    this.failureText = el("p", { role: "alert" });
    this.retry = el("button", { type: "button" });
    this._listen(this.retry, "click", () => this.run({ ...this.state }, performance.now()));
    this.failure = el("div", { className: "vc-failure", hidden: true }, [this.failureText, this.retry]);
    this.root.replaceChildren(header, el("main", {}, [this.form, this.status, this.failure, this.list, this.pager]));
  }

  /** Set every interface word and facet option in the current language. */
  _relabel() {
    const lang = this.lang;
    const meta = this.index.meta;
    document.documentElement.lang = lang;
    this.root.lang = lang;
    const title = pick(meta.title, lang, this.languages) || meta.id || "";
    document.title = title;
    this.title.textContent = title;
    this.intro.textContent = pick(meta.description, lang, this.languages);
    this.intro.hidden = !this.intro.textContent;
    this.langGroup.setAttribute("aria-label", label(lang, "language"));
    this.langButtons.forEach((b) => b.setAttribute("aria-pressed", String(b.lang === lang)));
    this.form.setAttribute("aria-label", label(lang, "search"));
    this.searchLabel.textContent = label(lang, "search");
    this.hint.textContent = label(lang, "searchHint");
    this.clear.textContent = label(lang, "clear");
    this.pager.setAttribute("aria-label", label(lang, "pages"));
    this.retry.textContent = label(lang, "retry");
    this.prev.textContent = `‹ ${label(lang, "previous")}`;
    this.next.textContent = `${label(lang, "next")} ›`;
    for (const [facet, select] of Object.entries(this.selects)) {
      this.facetLabels[facet].textContent = label(lang, facet);
      const options = [el("option", { value: "", text: label(lang, `any${facet}`) })];
      for (const v of meta.facets[facet]) {
        options.push(el("option", { value: v.key, text: `${pick(v.label, lang, this.languages) || v.key} (${formatNumber(v.count, lang)})` }));
      }
      select.replaceChildren(...options);
    }
    this._labelledLang = lang;
  }

  /** Change the state (a query typed: replace the history entry; anything else: a new one) and search. */
  update(changes, push) {
    const t0 = performance.now();
    const state = { ...this.state, ...changes };
    writeHash(state, push);
    return this.run(state, t0);
  }

  _fromHash() {
    const state = this._valid(parseHash(location.hash));
    if (!sameState(state, this.state)) this.run(state, performance.now());
  }

  /**
   * Show `state`: search, show the count, then each card as its record shard arrives; `t0` is when the state
   * changed. A failed fetch empties the results and says so, with a button to try again.
   */
  async run(state, t0) {
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.state = state;
    if (this._labelledLang !== this.lang) this._relabel();
    if (this.input.value !== state.q) this.input.value = state.q;
    for (const [facet, select] of Object.entries(this.selects)) this._selectValue(facet, select, state[facet]);
    let result;
    let records;
    try {
      result = await this.index.search(state);
      if (!current()) return;
      this.hook.indexMs = performance.now() - t0;
      const pages = Math.max(1, Math.ceil(result.total / this.index.meta.pageSize));
      if (state.page > pages) {
        state.page = pages;
        writeHash(state, false);
      }
      const numbers = this.index.pageNumbers(result, state.page);
      this._renderStatus(result, numbers.length);
      this.list.replaceChildren(...numbers.map(() => el("li", { className: "vc-card vc-pending", "aria-hidden": "true" })));
      this.list.setAttribute("aria-busy", "true");
      this.hook.firstCardMs = null;
      records = await this.index.records(numbers, (cards) => {
        if (!current()) return;
        this._fillCards(cards);
        this.hook.firstCardMs ??= performance.now() - t0;
      });
    } catch (error) {
      if (!current()) return;
      this._failed(error);
      return;
    }
    if (!current()) return;
    this._fillCards(records);
    this.list.removeAttribute("aria-busy");
    const ms = performance.now() - t0;
    this.list.dataset.searchMs = ms.toFixed(1);
    Object.assign(this.hook, { ready: true, searchMs: ms, searches: this.hook.searches + 1, total: result.total,
                               state: { ...state }, hash: formatHash(state), error: null });
  }

  /** The select shows `key`; a key beyond meta.json's listed values (a shared link) gets its own option. */
  _selectValue(facet, select, key) {
    select.querySelector("option.vc-extra")?.remove();
    if (key && ![...select.options].some((o) => o.value === key)) select.append(el("option", { className: "vc-extra", value: key, text: key }));
    select.value = key || "";
  }

  /** The results are gone: say that the search failed, in place of cards and pager, with a retry button. */
  _failed(error) {
    this.list.replaceChildren();
    this.list.removeAttribute("aria-busy");
    this.pager.hidden = true;
    this.status.textContent = "";
    this.failureText.textContent = label(this.lang, "searchFailed");
    this.failure.hidden = false;
    this.hook.error = String(error);
    Object.assign(this.hook, { ready: true, searches: this.hook.searches + 1, total: null });
  }

  /** The count, the pager and the page's number, as soon as the matching records are known. */
  _renderStatus(result, shown) {
    const lang = this.lang;
    const { pageSize } = this.index.meta;
    const pages = Math.max(1, Math.ceil(result.total / pageSize));
    const n = formatNumber(result.total, lang);
    const from = (this.state.page - 1) * pageSize + 1;
    this.failure.hidden = true;
    this.status.textContent = result.total === 0 ? label(lang, "none")
      : pages > 1 ? label(lang, "showing", { from: formatNumber(from, lang), to: formatNumber(from + shown - 1, lang), n })
        : label(lang, result.total === 1 ? "count1" : "count", { n });
    this.pager.hidden = pages <= 1;
    this.pageText.textContent = label(lang, "page", { p: formatNumber(this.state.page, lang), n: formatNumber(pages, lang) });
    // a pager button that disables itself while it has the focus would drop it to <body>: hand it to the other
    const focused = document.activeElement;
    this.prev.disabled = this.state.page <= 1;
    this.next.disabled = this.state.page >= pages;
    if (focused === this.next && this.next.disabled && !this.prev.disabled && !this.pager.hidden) this.prev.focus();
    else if (focused === this.prev && this.prev.disabled && !this.next.disabled && !this.pager.hidden) this.next.focus();
  }

  /** Replace each pending card whose record has come (`cards[i]` undefined: not yet). */
  _fillCards(cards) {
    const lang = this.lang;
    const langs = this.languages;
    const items = this.list.children;
    cards.forEach((record, i) => {
      const item = items[i];
      if (record === undefined || !item || !item.classList.contains("vc-pending")) return;
      item.replaceWith(record ? card(record, lang, langs) : el("li", { className: "vc-card", "aria-hidden": "true" }));
    });
  }

  _listen(target, type, fn) {
    target.addEventListener(type, fn);
    this._listeners.push([target, type, fn]);
  }

  /** Remove the listeners and the page's content. */
  dispose() {
    for (const [target, type, fn] of this._listeners) target.removeEventListener(type, fn);
    this._listeners = [];
    this.generation++;
    this.root.replaceChildren();
  }
}

/** Put `state` in the URL: a new history entry (`push`) or in place of the current one. */
function writeHash(state, push) {
  const hash = formatHash(state);
  const url = hash ? `#${hash}` : location.pathname + location.search;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

/**
 * One result card: a link to the object page in the catalogue's language, with its thumbnail (decorative: the
 * link's name is the title), title, date and period, museum.
 */
function card(record, lang, langs) {
  const title = pick(record.title, lang, langs) || record.id;
  const children = [];
  if (record.thumb || record.thumbSmall) {
    const img = el("img", { className: "vc-thumb", src: record.thumbSmall || record.thumb, alt: "", loading: "lazy",
                            decoding: "async", width: THUMB_PX, height: THUMB_PX });
    if (record.thumbSmall && record.thumb) {
      img.setAttribute("srcset", `${record.thumbSmall} ${THUMB_PX}w, ${record.thumb} ${2 * THUMB_PX}w`);
      img.setAttribute("sizes", THUMB_SIZES);
    }
    children.push(img);
  } else {
    children.push(el("span", { className: "vc-thumb", "aria-hidden": "true" }));
  }
  children.push(el("h2", { text: title }));
  const when = [pick(record.date, lang, langs), pick(record.period, lang, langs)].filter(Boolean);
  if (when.length) children.push(el("p", { text: [...new Set(when)].join(" · ") }));
  const museum = pick(record.museum, lang, langs);
  if (museum) children.push(el("p", { text: museum }));
  return el("li", { className: "vc-card" }, [el("a", { href: cardHref(record, lang) }, children)]);
}

/** The object page of a card in `lang`: its url (objects/<id>/index.html) with #lang=<lang>. */
export function cardHref(record, lang) {
  const url = String(record.url || `objects/${encodeURIComponent(record.id)}/index.html`).replace(/#.*$/, "");
  return `${url}#lang=${encodeURIComponent(lang)}`;
}

let stylesAdded = false;
function addStyles() {
  if (stylesAdded) return;
  document.head.append(el("style", { text: CATALOGUE_CSS }));
  stylesAdded = true;
}
