import { ModelDialog } from "../ui/ModelDialog.js";
import { ImageDialog } from "../ui/ImageDialog.js";
import { labelsFor } from "../ui/labels.js";
import viewerCss from "../ui/viewer.css";
import { el, fetchJson, languageSelect, styleElement } from "./dom.js";
import { VIEW_NAMES, formatPageHash, parsePageHash } from "./hash.js";
import { fill, langOf, languageName, objectLabelsFor, ownValue, rightsName, safeHref, textIn } from "./labels.js";
import { Turntable } from "./Turntable.js";
import css from "./page.css";

/**
 * A collection object's page (OUT/objects/<id>/index.html) from its object.json (vtour/collection/page.py; the
 * collection spec has the shape), in every language of the collection: the title and a link back to the catalogue,
 * the six views (a grid of thumbnails and the chosen one large, with its scale bar named in the caption), the
 * turntable (Turntable.js), "View in 3D" (the conservator's inspector, ui/ModelDialog.js, its bundle imported on
 * first use), the photographs in deep zoom (ui/ImageDialog.js) and the documentation. The hash (hash.js) carries
 * the language, the view and the open dialog, so a link shares what is seen. Collection text is set as text only.
 *
 * Options: modelViewerUrl, imageViewerUrl (URLs of vtour-model.js and vtour-image.js; default: beside this bundle),
 * urlState (default true: read and write location.hash).
 * `ready` resolves to the page once rendered (rejects when object.json cannot be loaded: the page then says why).
 * The root element (`.vtour-object`) holds the page as `vtourPage`.
 */
export class ObjectPage {
  constructor(element, jsonUrl, { modelViewerUrl = null, imageViewerUrl = null, urlState = true } = {}) {
    this.urlState = urlState;
    this.root = el("div", { className: "vtour-page vtour-object" });
    this.root.vtourPage = this;
    this.content = el("div", { className: "vtour-page-content" });
    this.root.append(styleElement(viewerCss + css), this.content);
    element.appendChild(this.root);
    this.modelView = new ModelDialog(this.root, {
      moduleUrl: bundleUrl(modelViewerUrl, "vtour-model.js"), onClose: () => this._closed("model"),
    });
    this.imageView = new ImageDialog(this.root, {
      moduleUrl: bundleUrl(imageViewerUrl, "vtour-image.js"), onClose: () => this._closed("image"),
    });
    this.dialog = null;   // "model" or the 1-based index of the photograph open, else null
    this._onHash = () => this._applyHash();
    this.ready = this._init(jsonUrl).then(() => this, (e) => { this._fail(jsonUrl, e); throw e; });
  }

  async _init(jsonUrl) {
    this.base = new URL(jsonUrl, document.baseURI).href;
    const doc = this.doc = await fetchJson(this.base);
    if (doc?.vtour !== "object/1") throw new Error(`ObjectPage: ${jsonUrl} is not an object document (vtour ${JSON.stringify(doc?.vtour)})`);
    this.languages = doc.languages?.length ? doc.languages : ["en"];
    this.views = doc.views?.files ? VIEW_NAMES.filter((v) => doc.views.files[v]) : [];
    this.images = Array.isArray(doc.images) ? doc.images : [];
    this.frame = 0;
    const state = this.urlState ? parsePageHash(location.hash) : {};
    this.language = this.languages.includes(state.lang) ? state.lang : this.languages[0];
    this.view = this.views.includes(state.view) ? state.view : this.views[0] ?? null;
    this.render();
    if (this.urlState) window.addEventListener("hashchange", this._onHash);
    if (state.model && doc.model) this.openModel();
    else if (state.image && this.images[state.image - 1]) this.openImage(state.image);
    else this._writeHash();
  }

  /** The URL of `path` (relative to object.json). */
  url(path) { return new URL(path, this.base).href; }

  /** A text of the document in the page's language (labels.js textIn). */
  text(texts) { return textIn(texts, this.language, this.languages); }

  /** An element showing `texts` as text, with the lang of the language it is actually in. */
  textEl(tag, texts, className = "") {
    return el(tag, { className, text: this.text(texts), lang: langOf(texts, this.language, this.languages), dir: "auto" });
  }

  get title() { return this.text(this.doc.title) || this.doc.id; }

  /**
   * Everything again in `lang` (one of the document's languages); the open dialog follows. `fromSelect`: the
   * language choice asked, and keeps the focus once rebuilt.
   */
  setLanguage(lang, fromSelect = false) {
    if (!this.languages.includes(lang) || lang === this.language) return;
    this.language = lang;
    this.render();
    if (fromSelect) this.content.querySelector(".vtour-page-language")?.focus();
    this.modelView.setLanguage(lang);
    this._writeHash();
  }

  /** Shows view `name` (VIEW_NAMES) large. */
  showView(name) {
    if (!this.views.includes(name) || name === this.view) return;
    this.view = name;
    this._showLarge();
    for (const b of this.content.querySelectorAll(".vtour-view-button")) {
      b.setAttribute("aria-pressed", String(b.dataset.view === name));
    }
    this._writeHash();
  }

  /** Opens the model in the 3D inspector; resolves to the Inspector once its coarsest level is shown (or null). */
  openModel() {
    const model = this.doc.model;
    if (!model) return Promise.resolve(null);
    if (this.imageView.isOpen) this.imageView.close();
    this.dialog = "model";
    this._writeHash();
    return this.modelView.show({
      model, url: (p) => this.url(p), title: this.title, description: "", language: this.language,
      languages: this.languages, tourBase: this.base,
    });
  }

  /** Opens photograph `k` (1-based, images/<k>/) in deep zoom; resolves to OpenSeadragon once open (or null). */
  openImage(k) {
    const image = this.images[k - 1];
    if (!image) return Promise.resolve(null);
    if (this.modelView.isOpen) this.modelView.close();
    this.dialog = k;
    this._lastImage = k;
    this._writeHash();
    return this.imageView.show({
      image, url: (p) => this.url(p), title: this._imageTitle(image, k), caption: this.text(image.description),
      language: this.language, languages: this.languages,
    });
  }

  /** Photograph k's title: its own (numbered when several photographs share the page), else "Photograph k". */
  _imageTitle(image, k) {
    const title = this.text(image.title);
    if (!title) return fill(objectLabelsFor(this.language).photo, { n: k });
    return this.images.length > 1 ? `${title} (${k})` : title;
  }

  _closed(kind) {
    if ((kind === "model") === (this.dialog === "model")) this.dialog = null;
    this._writeHash();
    // the dialog gives the focus back to what had it when it opened: on a deep link (#model, #image=2) that is
    // <body>, after a language change a button no longer in the page. Then its opener takes it (Dialog.close
    // focuses _returnFocus right after this onClose).
    const dialog = kind === "model" ? this.modelView : this.imageView;
    const back = dialog._returnFocus;
    if (!back?.isConnected || !this.content.contains(back)) dialog._returnFocus = this._opener(kind, this._lastImage);
  }

  /** The button that opens the model ("model") or photograph `k`, or null. */
  _opener(kind, k) {
    if (kind === "model") return this.content.querySelector(".vtour-object-inspect");
    return this.content.querySelectorAll(".vtour-photo-button")[(k ?? 1) - 1] ?? null;
  }

  _writeHash() {
    if (!this.urlState) return;
    const hash = formatPageHash({
      lang: this.language, view: this.view ?? undefined, model: this.dialog === "model",
      image: typeof this.dialog === "number" ? this.dialog : undefined,
    });
    if (location.hash.replace(/^#/, "") !== hash) history.replaceState(history.state, "", `#${hash}`);
  }

  _applyHash() {
    const s = parsePageHash(location.hash);
    if (s.lang && s.lang !== this.language) this.setLanguage(s.lang);
    if (s.view) this.showView(s.view);
    if (s.model && this.dialog !== "model") this.openModel();
    else if (s.image && s.image !== this.dialog) this.openImage(s.image);
  }

  // -- rendering ------------------------------------------------------------------------------------

  /** (Re)builds the page in the current language; the view, the turntable's frame and the dialogs are kept. */
  render() {
    const L = this.L = objectLabelsFor(this.language);
    const doc = this.doc;
    document.documentElement.lang = this.language;
    document.title = this.title;
    this.root.lang = this.language;
    for (const d of [this.modelView, this.imageView]) d.closeButton.setAttribute("aria-label", labelsFor(this.language).close);
    const media = el("div", { className: "vtour-object-media" }, [this._viewsSection(), this._turntableSection(),
      this._photosSection()]);
    const main = el("main", { className: "vtour-object-main" }, [media, this._documentation()]);
    const footer = el("footer", { className: "vtour-page-footer" }, [
      doc.manifest ? el("a", { text: L.manifest, attrs: { href: doc.manifest, type: "application/ld+json" } }) : null,
    ]);
    this.content.replaceChildren(this._header(), main, footer);
    this._showLarge();
  }

  _header() {
    const L = this.L, doc = this.doc, coll = doc.collection || {};
    // an exhibition's object page links back to the exhibition's story, not to a catalogue
    const backWords = coll.kind === "exhibition" ? L.exhibition : L.catalogue;
    const back = coll.catalogue
      ? el("a", { className: "vtour-page-back", text: fill(backWords, { title: this.text(coll.title) || coll.id || "" }),
                  attrs: { href: `${coll.catalogue}#lang=${encodeURIComponent(this.language)}` } })
      : null;
    const lang = this.languages.length > 1
      ? languageSelect(this.languages, this.language, L.language, (l) => this.setLanguage(l, true), languageName)
      : null;
    return el("header", { className: "vtour-page-header" }, [
      el("div", { className: "vtour-page-bar" }, [back, lang]),
      this.textEl("h1", doc.title, "vtour-page-title"),
    ]);
  }

  _viewsSection() {
    if (!this.views.length) return null;
    const L = this.L;
    this.largeImage = el("img", { className: "vtour-view-large-image",
      attrs: { width: this.doc.views.size || null, height: this.doc.views.size || null, decoding: "async" } });
    this.largeCaption = el("figcaption", { className: "vtour-view-caption" });
    const large = el("figure", { className: "vtour-view-large" }, [this.largeImage, this.largeCaption]);
    const list = el("ul", { className: "vtour-view-list" }, this.views.map((name) => {
      const b = el("button", { className: "vtour-view-button", attrs: { type: "button", "aria-pressed": String(name === this.view) } }, [
        el("img", { attrs: { src: this.url(this._buttonImage(name)), alt: "", loading: "lazy", width: 96, height: 96 } }),
        el("span", { text: L[name] }),
      ]);
      b.dataset.view = name;
      b.addEventListener("click", () => this.showView(name));
      return el("li", {}, [b]);
    }));
    // the arrow keys move between the views (and show them), Home and End go to the first and last
    list.addEventListener("keydown", (e) => {
      const i = this.views.indexOf(e.target.closest?.(".vtour-view-button")?.dataset.view);
      if (i < 0) return;
      const n = this.views.length;
      const j = { ArrowLeft: i - 1, ArrowUp: i - 1, ArrowRight: i + 1, ArrowDown: i + 1, Home: 0, End: n - 1 }[e.key];
      if (j === undefined) return;
      e.preventDefault();
      const name = this.views[(j + n) % n];
      this.showView(name);
      list.querySelector(`[data-view="${name}"]`)?.focus();
    });
    return el("section", { className: "vtour-object-views", attrs: { "aria-labelledby": "vtour-views-heading" } }, [
      el("h2", { text: L.views, attrs: { id: "vtour-views-heading" } }), large, list]);
  }

  /** A view button's picture: views.json's small view (~192 px) when there is one, else the full view. */
  _buttonImage(name) {
    const small = this.doc.views.small;
    return (small && typeof small === "object" && ownValue(small, name)) || this.doc.views.files[name];
  }

  _showLarge() {
    if (!this.largeImage || !this.view) return;
    const L = this.L, views = this.doc.views, name = L[this.view];
    this.largeImage.src = this.url(views.files[this.view]);
    this.largeImage.alt = fill(L.viewAlt, { view: name, title: this.title });
    this.largeImage.dataset.view = this.view;
    const scale = views.scaleBar?.label ? fill(L.scaleBar, { label: views.scaleBar.label }) : L.noScale;
    this.largeCaption.textContent = `${name} · ${scale}`;
  }

  _turntableSection() {
    const L = this.L, doc = this.doc, strip = doc.views?.turntable;
    if (!strip && !doc.model) return null;
    const children = [el("h2", { text: L.turntable, attrs: { id: "vtour-turntable-heading" } })];
    if (strip?.path) {
      this.turntable = new Turntable({ url: this.url(strip.path), frames: strip.frames || 1, frame: this.frame,
        labels: L, title: this.title, onChange: (k) => { this.frame = k; } });
      children.push(this.turntable.element, el("p", { className: "vtour-hint", text: L.turnHint }));
    }
    if (doc.model) {
      const b = el("button", { className: "vtour-object-inspect", text: L.inspect, attrs: { type: "button" } });
      b.addEventListener("click", () => this.openModel());
      children.push(el("p", { className: "vtour-object-inspect-row" }, [b, " ", el("span", { className: "vtour-hint", text: L.inspectHint })]));
    }
    return el("section", { className: "vtour-object-turntable", attrs: { "aria-labelledby": "vtour-turntable-heading" } }, children);
  }

  _photosSection() {
    if (!this.images.length) return null;
    const L = this.L;
    const list = el("ul", { className: "vtour-photo-list" }, this.images.map((image, i) => {
      const title = this._imageTitle(image, i + 1);
      const b = el("button", { className: "vtour-photo-button", attrs: { type: "button", "aria-label": fill(L.photoOpen, { title }) } }, [
        image.thumb ? el("img", { attrs: { src: this.url(image.thumb), alt: "", loading: "lazy" } }) : null,
        el("span", { text: title, dir: "auto" }),
      ]);
      b.addEventListener("click", () => this.openImage(i + 1));
      return el("li", {}, [b]);
    }));
    return el("section", { className: "vtour-object-photos", attrs: { "aria-labelledby": "vtour-photos-heading" } }, [
      el("h2", { text: L.photos, attrs: { id: "vtour-photos-heading" } }), list]);
  }

  _documentation() {
    const L = this.L, doc = this.doc;
    const rows = [];
    const row = (label, value, labelLang = null) => rows.push(
      el("dt", { text: typeof label === "string" ? label : this.text(label), lang: labelLang }), value);
    const keys = new Set();
    for (const f of doc.fields || []) {
      if (!f || f.value == null) continue;
      keys.add(f.key);
      const label = f.key === "metadata" || !ownValue(L, f.key) ? (f.label ?? f.key) : L[f.key];
      row(label, this.textEl("dd", f.value), typeof label === "object" ? langOf(label, this.language, this.languages) : null);
    }
    for (const key of ["museum", "credit"]) if (!keys.has(key) && doc[key]) row(L[key], this.textEl("dd", doc[key]));
    if (doc.rights) {
      const href = safeHref(doc.rights);
      const link = href ? el("a", { text: rightsName(doc.rights), attrs: { href, rel: "license" } })
                        : el("span", { text: doc.rights });
      row(L.rights, el("dd", {}, [link]));
    }
    if (doc.tags?.length) {
      row(L.tags, el("dd", {}, [el("ul", { className: "vtour-tags" }, doc.tags.map((t) => this.textEl("li", t)))]));
    }
    return el("section", { className: "vtour-object-documentation", attrs: { "aria-labelledby": "vtour-doc-heading" } }, [
      el("h2", { text: L.documentation, attrs: { id: "vtour-doc-heading" } }),
      doc.description ? this.textEl("p", doc.description, "vtour-object-description") : null,
      rows.length ? el("dl", { className: "vtour-fields" }, rows) : null,
    ]);
  }

  _fail(jsonUrl, e) {
    console.error(`ObjectPage: ${e?.message || e}`);
    const L = objectLabelsFor(document.documentElement.lang || "en");
    this.content.replaceChildren(el("p", { className: "vtour-page-error", attrs: { role: "alert" }, text: fill(L.loadFailed, { url: jsonUrl }) }));
  }

  dispose() {
    window.removeEventListener("hashchange", this._onHash);
    this.modelView.dispose();
    this.imageView.dispose();
    delete this.root.vtourPage;
    this.root.remove();
  }
}

/** Where a lazily imported bundle (`file`) is: the option (relative to the page), else beside this bundle. */
export function bundleUrl(option, file) {
  try {
    return option ? new URL(option, document.baseURI).href : new URL(`./${file}`, import.meta.url).href;
  } catch {
    return null;
  }
}
