/**
 * The viewer's edit-mode input on its root element (the tour editor): a click on the panorama and the keyboard
 * equivalent. ViewControls pans on the same pointer events; a press is a click, not a pan, when it lasts at most
 * CLICK_MS and moves at most CLICK_PX, with no second pointer down meanwhile (a pinch). Presses on controls
 * (hotspot buttons, the toolbar, dialogs, fields) are theirs. Enter or Space with the root itself focused and a
 * tool armed asks for a click at the view's centre (the keyboard's way to place a hotspot).
 *
 * Options: onClick(clientX, clientY) (px, the pointer's client coordinates), onCentre(), getTool() (the armed
 * tool or null). dispose() removes its listeners.
 */

/** Most a click's pointer may move between down and up, px. */
export const CLICK_PX = 5;
/** Longest a click may be held, ms. */
export const CLICK_MS = 600;
/** The tools the editor arms (null: none): what a click on the panorama adds. */
export const TOOLS = Object.freeze([null, "link", "info", "model"]);

/** What a press on `target` inside `root` is not: a press on one of the viewer's controls. */
function onControl(root, target) {
  return target !== root && !!target?.closest?.("button, select, input, textarea, a, [role=dialog], .vtour-toolbar");
}

export class EditMode {
  constructor(root, { onClick = () => {}, onCentre = () => {}, getTool = () => null } = {}) {
    this.root = root;
    this.onClick = onClick; this.onCentre = onCentre; this.getTool = getTool;
    this.press = null;        // {id, x, y, t, pinch}: the press that may become a click
    this.down = new Set();    // pointers down on the panorama
    this._listeners = [];
    const on = (type, fn) => { root.addEventListener(type, fn); this._listeners.push([type, fn]); };
    on("pointerdown", (e) => this._down(e));
    on("pointerup", (e) => this._up(e, true));
    on("pointercancel", (e) => this._up(e, false));
    on("keydown", (e) => this._key(e));
  }

  _down(e) {
    if (onControl(this.root, e.target)) return;
    if (e.pointerType === "mouse" && e.button !== 0) return;
    this.down.add(e.pointerId);
    if (this.down.size > 1) {
      if (this.press) this.press.pinch = true;
      return;
    }
    this.press = { id: e.pointerId, x: e.clientX, y: e.clientY, t: e.timeStamp, pinch: false };
  }

  _up(e, counts) {
    this.down.delete(e.pointerId);
    const p = this.press;
    if (!p || p.id !== e.pointerId) return;
    this.press = null;
    if (counts && !p.pinch && Math.hypot(e.clientX - p.x, e.clientY - p.y) <= CLICK_PX && e.timeStamp - p.t <= CLICK_MS) {
      this.onClick(e.clientX, e.clientY);
    }
  }

  _key(e) {
    if (e.target !== this.root || (e.key !== "Enter" && e.key !== " ") || e.altKey || e.ctrlKey || e.metaKey) return;
    if (!this.getTool()) return;
    e.preventDefault();
    this.onCentre();
  }

  dispose() {
    for (const [type, fn] of this._listeners) this.root.removeEventListener(type, fn);
    this._listeners = [];
    this.down.clear();
    this.press = null;
  }
}
