import {
  NOTE_TYPES, createdFromDate, dateOf, fromAnnotation, localDate, missingLanguages, toAnnotation, toAnnotationPage,
} from "./annotationFormat.js";
import { NotesConflictError, NotesGoneError, NotesForbiddenError } from "./NotesStore.js";
import {
  ToolText, claimCanvas, crosshair, download, el, field, listenForClicks, newId, pickAtCentre, placeAt,
  releaseCanvas, safeName, setShown,
} from "./toolKit.js";

/** localStorage key of the author's name, remembered between notes and visits. */
export const AUTHOR_KEY = "vtour.notes.author";

const PIN_STYLE = {
  position: "absolute", left: "-11px", top: "-11px", width: "22px", height: "22px", padding: "0", borderRadius: "50%",
  border: "2px solid #fff", background: "#b3261e", color: "#fff", font: "bold 11px/18px system-ui, sans-serif",
  textAlign: "center", cursor: "pointer", pointerEvents: "auto", boxShadow: "0 1px 3px rgba(0,0,0,0.6)",
};

function storedAuthor() { try { return localStorage.getItem(AUTHOR_KEY) || ""; } catch { return ""; } }
function rememberAuthor(name) { try { localStorage.setItem(AUTHOR_KEY, name); } catch { /* storage blocked */ } }
/** Today on the visitor's calendar (a note made at 01:00 in Beijing is dated that day, not the UTC one before). */
function today() { return localDate(); }

/**
 * The inspector's notes: each pinned to a point of the model with a type, a text per tour language, an author,
 * a date and the camera view it was made in; stored as W3C Web Annotations (annotationFormat.js) through a
 * NotesStore (read-only in a published tour, saved into the tour's sources under `vtour serve`).
 *
 * Pins are focusable buttons in stage.overlay (their accessible name: number, type and text); the list is
 * filterable by type and each note jumps to its view. "Add note" then a click on the model (or "Pin at the
 * crosshair") opens the form. A save refused because someone else changed the note meanwhile (HTTP 409)
 * reloads that note and says so, keeping the form's text.
 *
 * `new Notes(ctx)`; ctx: {stage, labels, language, languages, model, notesStore, readOnly}.
 */
export class Notes {
  constructor(ctx) {
    this.name = "notes";
    this.ctx = ctx;
    this.stage = ctx.stage;
    this.text = new ToolText(ctx);
    this.store = ctx.notesStore || null;
    this.readOnly = !!(ctx.readOnly || !this.store || this.store.readOnly);
    this.languages = ctx.languages?.length ? ctx.languages : [ctx.language || "en"];
    this.notes = [];       // annotationFormat notes, in the store's order
    this.editing = null;   // {base: note or null (new), point}
    this.active = false;
    this._pins = new Map();  // note -> button
    this._build();
    this._onRender = () => this._placePins();
    this.stage.on("render", this._onRender);
    this.loaded = this.reload();
  }

  _build() {
    const T = this.text;
    const heading = T.bind(el("h3", { id: newId("notes") }), "notes");
    this.readOnlyMessage = T.bind(el("p", { className: "vtour-tool-hint" }), "notesReadOnly");
    setShown(this.readOnlyMessage, this.readOnly);
    this.addButton = T.bind(el("button", { type: "button", className: "vtour-tool-toggle", "aria-pressed": "false", disabled: this.readOnly }), "addNote");
    this.addButton.addEventListener("click", () => (this.active ? this.deactivate() : this.activate()));
    this.pinButton = T.bind(el("button", { type: "button" }), "pinCentre");
    setShown(this.pinButton, false);
    this.pinButton.addEventListener("click", () => this._picked(pickAtCentre(this.stage)));
    this.form = this._buildForm();
    this.filter = el("select", {}, [T.bind(el("option", { value: "" }), "allTypes"),
      ...NOTE_TYPES.map((t) => T.bind(el("option", { value: t }), `type_${t}`))]);
    this.filter.addEventListener("change", () => this._renderList());
    this.list = el("ul", { className: "vtour-tool-list", style: { listStyle: "none", paddingLeft: "0" } });
    this.empty = T.bind(el("p", { className: "vtour-tool-empty" }), "noNotes");
    this.status = el("p", { className: "vtour-tool-status", role: "status", tabIndex: -1 });
    this.exportButton = T.bind(el("button", { type: "button" }), "exportNotes");
    this.exportButton.addEventListener("click", () => this.exportJson());
    this.confirmBox = this._buildConfirm();
    this.element = el("section", { className: "vtour-tool-panel vtour-tool-notes", "aria-labelledby": heading.id }, [
      heading, this.readOnlyMessage, el("div", { className: "vtour-tool-row" }, [this.addButton, this.pinButton]),
      this.form, this.status, this.confirmBox, field(T, "filterType", this.filter).wrapper, this.empty, this.list,
      el("div", { className: "vtour-tool-row" }, [this.exportButton]),
    ]);
  }

  _buildForm() {
    const T = this.text;
    this.typeSelect = el("select", {}, NOTE_TYPES.map((t) => T.bind(el("option", { value: t }), `type_${t}`)));
    this.textAreas = {};
    const texts = el("div", { className: "vtour-tool-texts", style: { display: "flex", gap: "0.5em", flexWrap: "wrap" } },
      this.languages.map((lang) => {
        const area = this.textAreas[lang] = el("textarea", { rows: 3, lang });
        const flag = el("span", { className: "vtour-tool-missing", id: newId("missing") });
        area.setAttribute("aria-describedby", flag.id);
        area.addEventListener("input", () => this._flagMissing());
        area.flag = flag;
        const f = field(T, "noteText", area);
        T.bind(f.label, "noteText", null, () => ({ language: this._languageName(lang) }));
        f.wrapper.append(flag);
        f.wrapper.style.flex = "1 1 10em";
        return f.wrapper;
      }));
    this.authorInput = el("input", { type: "text", autocomplete: "name", required: true });
    this.dateInput = el("input", { type: "date", required: true });
    this.viewInfo = el("p", { className: "vtour-tool-hint" });
    const useView = T.bind(el("button", { type: "button" }), "useView");
    useView.addEventListener("click", () => { if (this.editing) { this.editing.view = this.stage.getView(); this._sayView(); } });
    const save = T.bind(el("button", { type: "submit" }), "saveNote");
    const cancel = T.bind(el("button", { type: "button" }), "cancel");
    cancel.addEventListener("click", () => this.closeForm());
    this.formHeading = el("h4", { id: newId("note-form") });
    const form = el("form", { className: "vtour-tool-form", "aria-labelledby": this.formHeading.id }, [
      this.formHeading, field(T, "noteType", this.typeSelect).wrapper, texts,
      el("div", { className: "vtour-tool-row" }, [field(T, "author", this.authorInput).wrapper, field(T, "date", this.dateInput).wrapper]),
      el("div", { className: "vtour-tool-row" }, [this.viewInfo, useView]),
      el("div", { className: "vtour-tool-row" }, [save, cancel]),
    ]);
    setShown(form, false);
    form.addEventListener("submit", (e) => { e.preventDefault(); this.submit(); });
    form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); this.closeForm(); } });
    return form;
  }

  _languageName(lang) {
    try { return new Intl.DisplayNames([this.text.language], { type: "language" }).of(lang) || lang; } catch { return lang; }
  }

  // --- loading and the list ---------------------------------------------------------------------------

  /** Editing is refused to this page (no edit token): read-only, and it says how to get the right to edit. */
  _needToken() {
    this.readOnly = true;
    this.text.bind(this.readOnlyMessage, "notesNeedToken");
    setShown(this.readOnlyMessage, true);
    this.addButton.disabled = true;
    if (this.active) this.deactivate();
  }

  /** Reads the notes from the store again; resolves when shown. */
  async reload() {
    if (!this.store) { this._renderList(); return; }
    try {
      const annotations = await this.store.list();
      const notes = [], bad = [];
      for (const a of annotations) { try { notes.push(fromAnnotation(a)); } catch (e) { bad.push(e.message); } }
      this.notes = notes;
      if (!this.readOnly && this.store.canEdit && !(await this.store.canEdit())) this._needToken();
      if (bad.length) { console.warn(`Notes: left out ${bad.length} note(s): ${bad.join("; ")}`); this._say("notesSkipped", { n: bad.length }); }
    } catch (e) {
      console.error(`Notes: ${e.message}`);
      this._say("loadFailed", { error: e.message });
    }
    this._renderList();
  }

  /** The notes shown: those of the type chosen in the filter (all when none). */
  visibleNotes() { return this.notes.filter((n) => !this.filter.value || n.type === this.filter.value); }

  _summary(note) {
    const lang = this.text.language;
    const body = note.texts[lang] || Object.values(note.texts).find((t) => t) || this.text.t("noText");
    return `${this.text.t(`type_${note.type}`)}: ${body}`;
  }

  _renderList() {
    const T = this.text;
    const visible = this.visibleNotes();
    this.list.replaceChildren(...visible.map((note) => {
      const n = this.notes.indexOf(note) + 1;
      const jump = el("button", { type: "button", className: "vtour-tool-jump" });
      jump.textContent = `${n}. ${this._summary(note)}`;
      jump.setAttribute("aria-label", T.t("jumpTo", { n, summary: this._summary(note) }));
      jump.addEventListener("click", () => this.jumpTo(note));
      const meta = el("span", { className: "vtour-tool-meta" });
      const missing = missingLanguages(note, this.languages).map((l) => this._languageName(l));
      meta.textContent = [note.author, dateOf(note.created),
        missing.length ? T.t("missingIn", { languages: missing.join(", ") }) : ""].filter(Boolean).join(" \u00B7 ");
      const item = el("li", { className: "vtour-tool-note" }, [jump, " ", meta]);
      if (!this.readOnly) {
        const edit = el("button", { type: "button" });
        edit.textContent = T.t("edit");
        edit.setAttribute("aria-label", T.t("editNote", { n }));
        edit.addEventListener("click", () => this.edit(note));
        const del = el("button", { type: "button" });
        del.textContent = T.t("delete");
        del.setAttribute("aria-label", T.t("deleteNote", { n }));
        del.addEventListener("click", () => this.askRemove(note, del));
        item.append(" ", edit, " ", del);
      }
      return item;
    }));
    setShown(this.empty, !visible.length);
    this.exportButton.disabled = !this.notes.length;
    this._renderPins();
  }

  _renderPins() {
    for (const pin of this._pins.values()) pin.remove();
    this._pins.clear();
    for (const note of this.visibleNotes()) {
      const n = this.notes.indexOf(note) + 1;
      const pin = el("button", { type: "button", className: "vtour-note-pin", style: PIN_STYLE });
      pin.textContent = String(n);
      pin.setAttribute("aria-label", this.text.t("pinName", { n, summary: this._summary(note) }));
      pin.title = this._summary(note);
      pin.addEventListener("click", () => this.jumpTo(note));
      this.stage.overlay.appendChild(pin);
      this._pins.set(note, pin);
    }
    this._placePins();
  }

  _placePins() { for (const [note, pin] of this._pins) placeAt(this.stage, pin, note.point); }

  /** Moves the camera to the view saved with `note`; without one, turns the current view to face its point. */
  jumpTo(note) {
    if (note.view) this.stage.setView(note.view);
    else {
      const { position, target, fov } = this.stage.getView();
      const p = note.point;
      this.stage.setView({ position: position.map((v, i) => v - target[i] + p[i]), target: p.slice(), fov });
    }
    this._say("jumped", { summary: this._summary(note) });
  }

  // --- adding and editing -----------------------------------------------------------------------------

  activate() {
    if (this.active || this.readOnly) return;
    claimCanvas(this.stage, this);
    this.active = true;
    this.addButton.setAttribute("aria-pressed", "true");
    setShown(this.pinButton, true);
    this._detach = listenForClicks(this.stage.canvas, (x, y) => this._picked(this.stage.pick(x, y)));
    this._cross = crosshair(this.stage);
    this._say("pickNote");
  }

  deactivate() {
    if (!this.active) return;
    this.active = false;
    releaseCanvas(this.stage, this);
    this.addButton.setAttribute("aria-pressed", "false");
    setShown(this.pinButton, false);
    this._detach?.();
    this._cross?.remove();
  }

  _picked(hit) {
    if (!hit) { this._say("noSurface"); return; }
    this.deactivate();
    this.openForm(null, hit.point.toArray());
  }

  /** Opens the form for a new note at `point` (base null) or for editing `base`. */
  openForm(base, point) {
    this.editing = { base, point: point.slice(), view: base ? base.view : this.stage.getView() };
    this.typeSelect.value = base ? base.type : "crack";
    for (const [lang, area] of Object.entries(this.textAreas)) area.value = base?.texts[lang] || "";
    this.authorInput.value = base ? base.author : storedAuthor();
    this.dateInput.value = base ? dateOf(base.created) || today() : today();
    this.editing.original = this._formFields();
    this._sayFormHeading();
    this._flagMissing();
    this._sayView();
    setShown(this.form, true);
    this.typeSelect.focus();
  }

  _sayFormHeading() {
    const base = this.editing?.base;
    this.formHeading.textContent = this.text.t(base ? "editHeading" : "newHeading", { n: this.notes.indexOf(base) + 1 });
  }

  edit(note) { if (!this.readOnly) this.openForm(note, note.point); }

  closeForm() {
    this.editing = null;
    setShown(this.form, false);
  }

  /** What the form shows, field by field: {type, author, date, text_<lang>}. */
  _formFields() {
    const out = { type: this.typeSelect.value, author: this.authorInput.value, date: this.dateInput.value };
    for (const [lang, area] of Object.entries(this.textAreas)) out[`text_${lang}`] = area.value;
    return out;
  }

  /**
   * After a conflict: every field the user has not touched since opening the form takes `current`'s value, the
   * fields they changed keep theirs (a three-way merge: nobody's change is lost, and saving again stores both).
   */
  _mergeIntoForm(current) {
    const theirs = { type: current.type, author: current.author, date: dateOf(current.created) };
    for (const lang of Object.keys(this.textAreas)) theirs[`text_${lang}`] = current.texts[lang] || "";
    const mine = this._formFields(), original = this.editing.original;
    const set = { type: (v) => { this.typeSelect.value = v; }, author: (v) => { this.authorInput.value = v; },
                  date: (v) => { this.dateInput.value = v; } };
    for (const [key, value] of Object.entries(theirs)) {
      if (mine[key] !== original[key]) continue;
      if (set[key]) set[key](value); else this.textAreas[key.slice(5)].value = value;
    }
    this.editing.original = theirs;
    this._flagMissing();
  }

  _flagMissing() {
    for (const area of Object.values(this.textAreas)) {
      const missing = !area.value.trim();
      area.flag.textContent = missing ? this.text.t("missingTranslation") : "";
    }
  }

  _sayView() {
    const v = this.editing?.view;
    this.viewInfo.textContent = v ? this.text.t("viewSaved", { fov: Math.round(v.fov) }) : this.text.t("noView");
  }

  /** The note the form describes (annotationFormat's form). */
  _formNote() {
    const { base, point, view } = this.editing;
    const texts = {};
    for (const [lang, area] of Object.entries(this.textAreas)) if (area.value.trim()) texts[lang] = area.value.trim();
    const date = this.dateInput.value;
    const created = base && dateOf(base.created) === date ? base.created : createdFromDate(date);
    return { id: base?.id || null, type: this.typeSelect.value, texts, author: this.authorInput.value.trim(),
             created, modified: base?.modified || null, point, view };
  }

  /** Saves the form's note through the store. */
  async submit() {
    if (!this.editing || this.readOnly) return;
    if (!this.dateInput.value) { this._say("needDate"); this.dateInput.focus(); return; }
    let note;
    try { note = this._formNote(); } catch (e) { this._say("saveFailed", { error: e.message }); return; }
    if (!Object.keys(note.texts).length) { this._say("needText"); this.textAreas[this.languages[0]].focus(); return; }
    if (!note.author) { this._say("needAuthor"); this.authorInput.focus(); return; }
    rememberAuthor(note.author);
    const base = this.editing.base;
    try {
      const stored = fromAnnotation(await this.store.save(toAnnotation(note, { modelId: this.ctx.model.id })));
      const i = this.notes.indexOf(base);
      if (i >= 0) this.notes[i] = stored; else this.notes.push(stored);
      this.closeForm();
      this._renderList();
      this._say("saved", { summary: this._summary(stored) });
    } catch (e) {
      this._failed(e, base);
    }
  }

  /**
   * The confirmation asked before a note is deleted: a group in the panel (not window.confirm, which a screen
   * reader user cannot place and a kiosk blocks) with the question, "yes" and "keep" buttons; the focus goes
   * to "keep" (the safe answer), Escape keeps the note, and the focus returns to the button that asked.
   */
  _buildConfirm() {
    const question = el("p", { id: newId("note-delete") });
    this.confirmYes = el("button", { type: "button", className: "vtour-tool-danger" });
    this.confirmNo = el("button", { type: "button" });
    const box = el("div", { className: "vtour-tool-confirm", role: "group", "aria-labelledby": question.id },
                   [question, el("div", { className: "vtour-tool-row" }, [this.confirmYes, this.confirmNo])]);
    box.question = question;
    box.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); this._closeConfirm(true); } });
    this.confirmYes.addEventListener("click", () => { const note = this._confirming?.note; this._closeConfirm(false); if (note) this.remove(note); });
    this.confirmNo.addEventListener("click", () => this._closeConfirm(true));
    setShown(box, false);
    return box;
  }

  /** Asks whether to delete `note` (the list's delete button `from` gets the focus back when kept). */
  askRemove(note, from = null) {
    if (this.readOnly) return;
    const n = this.notes.indexOf(note) + 1;
    this._confirming = { note, from };
    this.confirmBox.question.textContent = this.text.t("deleteAsk", { n, summary: this._summary(note) });
    this.confirmYes.textContent = this.text.t("deleteYes", { n });
    this.confirmNo.textContent = this.text.t("deleteNo", { n });
    setShown(this.confirmBox, true);
    this.confirmNo.focus();
  }

  _closeConfirm(kept) {
    const from = this._confirming?.from;
    this._confirming = null;
    setShown(this.confirmBox, false);
    if (kept && from?.isConnected) from.focus();
    else if (!kept) this.status.focus();   // the button that asked is gone with its note: the result is said here
  }

  /** Deletes `note` through the store (with If-Match: its `modified`, so a note changed meanwhile is kept). */
  async remove(note) {
    if (this.readOnly) return;
    try {
      await this.store.remove(note.id, note.modified);
      this.notes = this.notes.filter((n) => n !== note);
      this._renderList();
      this._say("deleted");
    } catch (e) {
      this._failed(e, note);
    }
  }

  /** A refused save or delete: a conflict shows the server's version, a deleted note leaves the list. */
  _failed(e, note) {
    const i = this.notes.indexOf(note);
    if (e instanceof NotesConflictError && e.current) {
      const current = fromAnnotation(e.current);
      if (i >= 0) this.notes[i] = current;
      if (this.editing && this.editing.base === note) {
        this.editing.base = current;
        this._mergeIntoForm(current);
      }
      this._renderList();
      this._say("conflict");
    } else if (e instanceof NotesGoneError) {
      if (i >= 0) this.notes.splice(i, 1);
      if (this.editing && this.editing.base === note) this.editing.base = null;
      this._renderList();
      this._say("gone");
    } else if (e instanceof NotesForbiddenError) {
      console.error(`Notes: ${e.message}`);
      this._needToken();
      this._say("notesNeedToken");   // the form keeps what was typed
    } else {
      console.error(`Notes: ${e.message}`);
      this._say("saveFailed", { error: e.message });
    }
  }

  // --- export, language, lifetime --------------------------------------------------------------------

  /** The notes as a W3C AnnotationPage. */
  annotationPage() { return toAnnotationPage(this.notes.map((n) => toAnnotation(n, { modelId: this.ctx.model.id }))); }

  exportJson() {
    download(`${safeName(this.ctx.model?.id)}-notes.json`, `${JSON.stringify(this.annotationPage(), null, 2)}\n`, "application/json");
  }

  _say(key, values) { this.status.textContent = this.text.t(key, values); }

  setLanguage(lang) {
    this.text.setLanguage(lang);
    this._flagMissing();
    this._sayView();
    if (this.editing) this._sayFormHeading();
    this._renderList();
  }

  getState() { return null; }
  setState() {}

  dispose() {
    this.deactivate();
    this.stage.off("render", this._onRender);
    for (const pin of this._pins.values()) pin.remove();
    this._pins.clear();
    this.element.remove();
  }
}
