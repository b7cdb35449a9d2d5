/** What Tab can reach inside a dialog (those not hidden, disabled or inert are left out when found). */
const TABBABLE = "button, [href], input, select, textarea, summary, [tabindex]:not([tabindex='-1'])";

/**
 * An accessible modal panel over the viewer: role="dialog", aria-modal, labelled by its heading,
 * closed by its close button, Escape or a click on the backdrop (pointer pressed and released on it); focus moves in on open and back to
 * what had it on close. Modal in fact, not only in name: while open, everything else in the viewer
 * (hotspots, toolbar, the other dialogs) is `inert` (out of the Tab order, not clickable, hidden from
 * assistive technology), the backdrop is drawn above all of it (viewer.css), and Tab cycles through
 * the dialog's own controls. Subclasses fill `this.body`. onClose() runs after every close.
 */
export class Dialog {
  constructor(container, { className = "", closeLabel = "Close", onClose = () => {} } = {}) {
    this.onClose = onClose;
    this.backdrop = document.createElement("div");
    this.backdrop.className = `vtour-backdrop ${className}`;
    this.backdrop.hidden = true;
    this.element = document.createElement("div");
    this.element.className = "vtour-dialog";
    this.element.setAttribute("role", "dialog");
    this.element.setAttribute("aria-modal", "true");
    this.element.tabIndex = -1;
    this.heading = document.createElement("h2");
    this.heading.className = "vtour-dialog-title";
    this.heading.id = `vtour-dialog-${Math.random().toString(36).slice(2)}`;
    this.element.setAttribute("aria-labelledby", this.heading.id);
    this.closeButton = document.createElement("button");
    this.closeButton.type = "button";
    this.closeButton.className = "vtour-dialog-close";
    this.closeButton.textContent = "\u00D7";
    this.closeButton.setAttribute("aria-label", closeLabel);
    this.closeButton.addEventListener("click", () => this.close());
    this.body = document.createElement("div");
    this.body.className = "vtour-dialog-body";
    this.element.append(this.closeButton, this.heading, this.body);
    this.backdrop.appendChild(this.element);
    // a click on the backdrop closes: pressed and released there (a drag that starts inside, or outside and ends
    // inside, a text selection, a pan of the image that overshoots the dialog, closes nothing)
    this._pressedOnBackdrop = false;
    this.backdrop.addEventListener("pointerdown", (e) => { e.stopPropagation(); this._pressedOnBackdrop = e.target === this.backdrop; });
    this.backdrop.addEventListener("pointerup", (e) => { if (e.target !== this.backdrop) this._pressedOnBackdrop = false; });
    this.backdrop.addEventListener("click", (e) => {  // after a press and release on different elements: their parent
      const pressed = this._pressedOnBackdrop;
      this._pressedOnBackdrop = false;
      if (pressed && e.target === this.backdrop) this.close();
    });
    this.backdrop.addEventListener("wheel", (e) => e.stopPropagation());
    this.backdrop.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.close();
      else if (e.key === "Tab") this._cycleFocus(e);
      e.stopPropagation(); // arrows inside a dialog do not turn the panorama
    });
    container.appendChild(this.backdrop);
    this._inert = [];  // the siblings this dialog made inert, given back on close
  }

  get isOpen() { return !this.backdrop.hidden; }

  /** Shows the dialog titled `title` (set as text). */
  open(title) {
    this.heading.textContent = title;
    if (!this.isOpen) {
      this._returnFocus = this.element.getRootNode().activeElement;
      // siblings already inert (under another open dialog) stay as they are when this one closes
      this._inert = [...this.backdrop.parentNode.children].filter((el) => el !== this.backdrop && !el.inert);
      for (const el of this._inert) el.inert = true;
    }
    this.backdrop.hidden = false;
    this.closeButton.focus();
  }

  close() {
    if (!this.isOpen) return;
    this.backdrop.hidden = true;
    this._release();
    this.onClose();
    if (this._returnFocus?.isConnected && !this._returnFocus.hidden) this._returnFocus.focus?.();
  }

  /** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
  _cycleFocus(e) {
    const controls = [...this.element.querySelectorAll(TABBABLE)].filter((el) => !el.disabled && el.getClientRects().length);
    if (!controls.length) return;
    const i = controls.indexOf(this.element.getRootNode().activeElement);
    if (e.shiftKey ? i <= 0 : i < 0 || i === controls.length - 1) {
      e.preventDefault();
      controls[e.shiftKey ? controls.length - 1 : 0].focus();
    }
  }

  _release() {
    for (const el of this._inert) el.inert = false;
    this._inert = [];
  }

  dispose() { this._release(); this.backdrop.remove(); }
}
