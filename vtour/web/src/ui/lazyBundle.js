/**
 * What the model and image dialogs share while they open: their bundle (an ES module imported on first use, once
 * per page per URL; a failed import is forgotten so that the next opening tries again), an Opening (the token of one
 * show(): close or a newer show() cancels it, and every await of that show() then settles at once) and a status
 * line (role="status": polite, announced when its words change; the words are a labels.js key, so that
 * setLanguage can say them again in another language).
 */

const modules = new Map(); // URL -> Promise of the module

/** The module at `url` (imported once per page); rejects naming `what` when there is no URL. */
export function importBundle(url, what) {
  if (!url) return Promise.reject(new Error(`no ${what}`));
  if (!modules.has(url)) {
    const p = import(/* webpackIgnore: true */ url);
    p.catch(() => { if (modules.get(url) === p) modules.delete(url); });
    modules.set(url, p);
  }
  return modules.get(url);
}

/** What Opening.wait resolves to once the opening was cancelled. */
export const CANCELLED = Symbol("cancelled");

/** One show() of a dialog: `live` until cancel(); wait(p) settles like p, or with CANCELLED as soon as cancelled. */
export class Opening {
  constructor() {
    this.live = true;
    this._cancelled = new Promise((resolve) => { this._cancel = resolve; });
  }

  wait(p) { return Promise.race([p, this._cancelled]); }

  cancel() { this.live = false; this._cancel(CANCELLED); }
}

/**
 * A status line: a <p role="status"> of class `className` whose words are a key of labelsFor(language)
 * (set(key)) or a text of its own (set(null, text)); empty hides nothing by itself (viewer.css hides :empty).
 */
export class StatusLine {
  constructor(className, labelsFor) {
    this.element = document.createElement("p");
    this.element.className = className;
    this.element.setAttribute("role", "status");
    this.labelsFor = labelsFor;
    this.key = null;
    this.text = "";
  }

  /** Shows labels key `key` in `language` (null key: `text` as given; neither: empty). */
  set(key, language, text = "") {
    this.key = key;
    this.text = text;
    this.setLanguage(language);
  }

  /** The same words in `language`. */
  setLanguage(language) {
    this.element.textContent = this.key ? this.labelsFor(language)[this.key] : this.text;
  }

  get empty() { return !this.element.textContent; }
}
