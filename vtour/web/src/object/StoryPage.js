import { el, fetchJson, languageSelect, styleElement } from "./dom.js";
import { formatPageHash, parsePageHash } from "./hash.js";
import { fill, langOf, languageName, objectLabelsFor, rightsName, safeHref, textIn } from "./labels.js";
import css from "./page.css";

/**
 * An exhibition's story page: the exhibition as one linear page for phones, from story.json (its shape is in
 * vtour/collection/page.py): the title and introduction, the rooms' table of contents, then each room's title,
 * curatorial text, a link that walks through it in the tour (<tour>#scene=<id>&lang=<lang>) and its objects as
 * cards (picture, title, date, period, material, and every object's museum, credit and rights). In each language of
 * the exhibition; the hash carries the language and the room scrolled to (#lang=zh&room=ritual). Text is set as
 * text only.
 *
 * Options: urlState (default true). `ready` resolves to the page once rendered. The root (`.vtour-story`) holds the
 * page as `vtourPage`.
 */
export class StoryPage {
  constructor(element, jsonUrl, { urlState = true } = {}) {
    this.urlState = urlState;
    this.root = el("div", { className: "vtour-page vtour-story" });
    this.root.vtourPage = this;
    this.content = el("div", { className: "vtour-page-content" });
    this.root.append(styleElement(css), this.content);
    element.appendChild(this.root);
    this._onHash = () => this._applyHash();
    this.ready = this._init(jsonUrl).then(() => this, (e) => { this._fail(jsonUrl, e); throw e; });
  }

  async _init(jsonUrl) {
    this.base = new URL(jsonUrl, document.baseURI).href;
    const doc = this.doc = await fetchJson(this.base);
    if (doc?.vtour !== "story/1") throw new Error(`StoryPage: ${jsonUrl} is not a story document (vtour ${JSON.stringify(doc?.vtour)})`);
    this.languages = doc.languages?.length ? doc.languages : ["en"];
    this.rooms = Array.isArray(doc.rooms) ? doc.rooms : [];
    const state = this.urlState ? parsePageHash(location.hash) : {};
    this.language = this.languages.includes(state.lang) ? state.lang : this.languages[0];
    this.room = this.rooms.some((r) => r.id === state.room) ? state.room : null;
    this.render();
    if (this.room) this.goToRoom(this.room, false);
    if (this.urlState) window.addEventListener("hashchange", this._onHash);
    this._writeHash();
  }

  text(texts) { return textIn(texts, this.language, this.languages); }

  textEl(tag, texts, className = "") {
    return el(tag, { className, text: this.text(texts), lang: langOf(texts, this.language, this.languages), dir: "auto" });
  }

  /** Everything again in `lang` (one of the exhibition's languages); `fromSelect`: the choice keeps the focus. */
  setLanguage(lang, fromSelect = false) {
    if (!this.languages.includes(lang) || lang === this.language) return;
    this.language = lang;
    this.render();
    if (fromSelect) this.content.querySelector(".vtour-page-language")?.focus();
    this._writeHash();
  }

  /** Scrolls to room `id` and moves the focus to its heading (`focus`: false on load). */
  goToRoom(id, focus = true) {
    const heading = this.content.querySelector(`[data-room="${CSS.escape(id)}"] h2`);
    if (!heading) return;
    this.room = id;
    heading.scrollIntoView({ block: "start" });
    if (focus) heading.focus({ preventScroll: true });
    this._writeHash();
  }

  _hashFor(room) { return formatPageHash({ lang: this.language, room: room ?? undefined }); }

  _writeHash() {
    if (!this.urlState) return;
    const hash = this._hashFor(this.room);
    if (location.hash.replace(/^#/, "") !== hash) history.replaceState(history.state, "", `#${hash}`);
  }

  _applyHash() {
    const s = parsePageHash(location.hash);
    if (s.lang && s.lang !== this.language) this.setLanguage(s.lang);
    if (s.room) this.goToRoom(s.room);
  }

  render() {
    const L = this.L = objectLabelsFor(this.language);
    const doc = this.doc;
    document.documentElement.lang = this.language;
    document.title = this.text(doc.title) || doc.id;
    this.root.lang = this.language;
    const lang = this.languages.length > 1
      ? languageSelect(this.languages, this.language, L.language, (l) => this.setLanguage(l, true), languageName) : null;
    const header = el("header", { className: "vtour-page-header" }, [
      el("div", { className: "vtour-page-bar" }, [
        doc.tour ? el("a", { className: "vtour-page-back", text: L.walkAll, attrs: { href: this._tourHref(null) } }) : null, lang]),
      this.textEl("h1", doc.title, "vtour-page-title"),
      doc.description ? this.textEl("p", doc.description, "vtour-story-intro") : null,
    ]);
    const toc = this.rooms.length ? el("nav", { className: "vtour-story-toc", attrs: { "aria-labelledby": "vtour-toc-heading" } }, [
      el("h2", { text: L.contents, attrs: { id: "vtour-toc-heading" } }),
      el("ol", {}, this.rooms.map((r) => {
        const a = this.textEl("a", r.title);
        a.href = `#${this._hashFor(r.id)}`;
        a.addEventListener("click", (e) => { e.preventDefault(); this.goToRoom(r.id); });
        return el("li", {}, [a]);
      })),
    ]) : null;
    const main = el("main", { className: "vtour-story-main" }, this.rooms.map((r, i) => this._room(r, i)));
    this.content.replaceChildren(header, toc, main);
  }

  _tourHref(scene) {
    const q = new URLSearchParams();
    if (scene) q.set("scene", scene);
    q.set("lang", this.language);
    return `${this.doc.tour}#${q}`;
  }

  _room(room, i) {
    const L = this.L;
    const headingId = `vtour-room-${i}`;
    const heading = this.textEl("h2", room.title);
    heading.id = headingId;
    heading.tabIndex = -1;
    const section = el("section", { className: "vtour-story-room", attrs: { "aria-labelledby": headingId } }, [
      heading,
      room.text ? this.textEl("p", room.text, "vtour-story-text") : null,
      this.doc.tour && room.scene
        ? el("p", {}, [el("a", { className: "vtour-story-walk", text: L.walk, attrs: { href: this._tourHref(room.scene) } })])
        : null,
      el("ul", { className: "vtour-story-objects" }, (room.objects || []).map((o) => el("li", {}, [this._card(o)]))),
    ]);
    section.dataset.room = room.id;
    return section;
  }

  /** One object's card: picture, title (a link to its page), date / period / material, museum, credit, rights. */
  _card(o) {
    const L = this.L, title = this.text(o.title) || o.id;
    const picture = o.image
      ? el("img", { className: "vtour-card-image", attrs: { src: new URL(o.image, this.base).href, alt: title, loading: "lazy",
                                                           width: o.width || null, height: o.height || null } })
      : el("div", { className: "vtour-card-image vtour-card-noimage", text: L.noImage });
    const name = this.textEl("h3", o.title, "vtour-card-title");
    if (o.page) {
      const a = el("a", { text: title, attrs: { href: `${o.page}#lang=${encodeURIComponent(this.language)}` } });
      name.replaceChildren(a);
    }
    const facts = ["date", "period", "material"].filter((k) => o[k]).map((k) => el("span", {}, [
      el("span", { className: "vtour-visually-hidden", text: `${L[k]}: ` }), this.textEl("span", o[k])]));
    const factsLine = facts.length ? el("p", { className: "vtour-card-facts" }, facts) : null;
    const credit = el("dl", { className: "vtour-card-credit" });
    const add = (label, value) => credit.append(el("dt", { text: label }), value);
    if (o.museum) add(L.museum, this.textEl("dd", o.museum));
    if (o.credit) add(L.credit, this.textEl("dd", o.credit));
    if (o.rights) {
      const href = safeHref(o.rights);
      add(L.rights, el("dd", {}, [href ? el("a", { text: rightsName(o.rights), attrs: { href, rel: "license" } })
                                       : el("span", { text: o.rights })]));
    }
    const card = el("article", { className: "vtour-card" }, [
      picture, el("div", { className: "vtour-card-body" }, [name, factsLine,
        o.description ? this.textEl("p", o.description, "vtour-card-description") : null, credit])]);
    card.dataset.object = o.id;
    return card;
  }

  _fail(jsonUrl, e) {
    console.error(`StoryPage: ${e?.message || e}`);
    const L = objectLabelsFor(document.documentElement.lang || "en");
    this.content.replaceChildren(el("p", { className: "vtour-page-error", attrs: { role: "alert" }, text: fill(L.loadFailed, { url: jsonUrl }) }));
  }

  dispose() {
    window.removeEventListener("hashchange", this._onHash);
    delete this.root.vtourPage;
    this.root.remove();
  }
}
