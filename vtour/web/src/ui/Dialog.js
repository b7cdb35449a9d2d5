/**
 * An accessible modal panel over the viewer: role="dialog", aria-modal, labelled by its heading,
 * closed by its close button, Escape or a click on the backdrop; focus moves in on open and back to
 * what had it on close. Subclasses fill `this.body`. onClose() runs after every close.
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
    this.backdrop.addEventListener("pointerdown", (e) => { e.stopPropagation(); if (e.target === this.backdrop) this.close(); });
    this.backdrop.addEventListener("wheel", (e) => e.stopPropagation());
    this.backdrop.addEventListener("keydown", (e) => {
      if (e.key === "Escape") { e.stopPropagation(); this.close(); }
      e.stopPropagation(); // arrows inside a dialog do not turn the panorama
    });
    container.appendChild(this.backdrop);
  }

  get isOpen() { return !this.backdrop.hidden; }

  /** Shows the dialog titled `title` (set as text). */
  open(title) {
    this.heading.textContent = title;
    this._returnFocus = this.element.getRootNode().activeElement;
    this.backdrop.hidden = false;
    this.closeButton.focus();
  }

  close() {
    if (!this.isOpen) return;
    this.backdrop.hidden = true;
    this.onClose();
    if (this._returnFocus?.isConnected && !this._returnFocus.hidden) this._returnFocus.focus?.();
  }

  dispose() { this.backdrop.remove(); }
}
