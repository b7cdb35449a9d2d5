import { yawPitchToDirection } from "../geometry/CubeFaces.js";
import { svgIcon } from "../ui/icon.js";

/**
 * Icon of each hotspot type: one stroked path in a 24 x 24 box. Drawn, not written: a letter such as
 * the info "i" is text inside the button that its accessible name (the title) does not contain, which
 * axe-core reports as a serious label-content-name-mismatch (WCAG 2.5.3).
 */
const ICONS = {
  link: "M5 12h13M13 6l6 6-6 6",                                // an arrow: go there
  info: "M12 11v7M12 6.5v.01",                                  // an "i"
  model: "M12 3l8 4.5v9L12 21l-8-4.5v-9zM12 12l8-4.5M12 12v9M12 12L4 7.5", // a cube: a 3D object
  zoom: "M10.5 4a6.5 6.5 0 1 1 0 13a6.5 6.5 0 1 1 0-13zM15.5 15.5L20 20M10.5 7.5v6M7.5 10.5h6", // a magnifier: deep zoom
};

/** The icon drawn for hotspot `h`: an info hotspot opening a deep-zoom image (tour.json deepZoom) has the magnifier. */
const iconType = (h) => (h.type === "info" && h.deepZoom ? "zoom" : h.type);

/** Icon centre from the button's left edge, px: border 2 + padding 3 + half the 24 px icon. */
const ICON_CENTRE = 17;
/** Size of a collapsed (icon only) button, px, and the gap kept between neighbours. */
const ICON_BOX = 34, GAP = 4;
/** Editing: a press moving more than this many px drags the hotspot (less is a click). */
export const DRAG_PX = 5;
/** Editing: what an Arrow key (with Shift: the fine step) turns a focused hotspot by, degrees. */
export const NUDGE_DEG = 1, NUDGE_FINE_DEG = 0.1;

/** Puts a button's icon centre at (x, y) px of the layer. */
function place(button, x, y) {
  button.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px) translate(-${ICON_CENTRE}px, -50%)`;
}

/**
 * Hotspots as real <button> elements over the canvas, moved each frame with a CSS transform so that
 * the icon sits on the hotspot's direction; hidden (and so out of the Tab order) behind the camera
 * or off screen. Labels are set with textContent and aria-label only: tour text never becomes HTML.
 *
 * Labels never cover another hotspot: every icon is an obstacle, and a label is shown only where
 * it fits beside the icons and the labels already placed, nearest the view's centre first (the one
 * with the focus before all). A collapsed hotspot shows its label on hover and keyboard focus, on top.
 *
 * Editing (setEditable(true), the tour editor): every button is a toggle (aria-pressed; select(id) presses one)
 * that can be dragged with a pointer (mouse, touch, pen: more than DRAG_PX, with pointer capture), the icon
 * following the pointer; on release onDrop(hotspot, x, y) gets the icon centre's position in the layer (px
 * from its top-left corner), and a click is not reported. Arrow keys on a focused button call
 * onNudge(hotspot, dYaw, dPitch) with NUDGE_DEG (Shift: NUDGE_FINE_DEG) and stop there (the view does not pan).
 *
 * Options: onActivate(hotspot) (called on click, Enter or Space), onDrop, onNudge (editing).
 */
export class HotspotLayer {
  constructor(container, { onActivate = () => {}, onDrop = () => {}, onNudge = () => {} } = {}) {
    this.element = document.createElement("div");
    this.element.className = "vtour-hotspots";
    container.appendChild(this.element);
    this.onActivate = onActivate;
    this.onDrop = onDrop;
    this.onNudge = onNudge;
    this.editable = false;
    this.selected = null;
    this.items = [];
  }

  /** Replaces the hotspots; `titleOf(h)` gives each one's visible label in the current language. */
  set(hotspots, titleOf) {
    // the button with the focus (a hotspot being nudged with the keyboard) keeps it in the new set
    const focused = this.items.find(({ button }) => button === button.getRootNode().activeElement)?.button.dataset.hotspotId;
    this.clear();
    for (const h of hotspots || []) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `vtour-hotspot vtour-hotspot-${["link", "info", "model"].includes(h.type) ? h.type : "info"}`;
      button.dataset.hotspotId = h.id ?? "";
      const icon = document.createElement("span");
      icon.className = "vtour-hotspot-icon";
      icon.appendChild(svgIcon(ICONS[iconType(h)] || ICONS.info));
      const label = document.createElement("span");
      label.className = "vtour-hotspot-label";
      button.append(icon, label);
      const item = { h, button, label, dir: yawPitchToDirection(h.yaw, h.pitch), width: 0, pos: null, press: null,
                     drag: null, dropped: false };
      button.addEventListener("click", (e) => {
        e.stopPropagation();
        if (!item.dropped) this.onActivate(item.h);
      });
      button.addEventListener("pointerdown", (e) => { e.stopPropagation(); this._press(item, e); });
      button.addEventListener("pointermove", (e) => this._drag(item, e));
      button.addEventListener("pointerup", (e) => this._release(item, e, true));
      button.addEventListener("pointercancel", (e) => this._release(item, e, false));
      button.addEventListener("keydown", (e) => this._key(item, e));
      this.element.appendChild(button);
      this.items.push(item);
    }
    this._applyEditing();
    this.relabel(titleOf);
    if (focused != null) this.items.find(({ button }) => button.dataset.hotspotId === focused)?.button.focus({ preventScroll: true });
  }

  /** Editing on (draggable toggle buttons) or off (links, as visitors see them). */
  setEditable(editable) {
    this.editable = !!editable;
    this.element.classList.toggle("vtour-hotspots-editable", this.editable);
    this._applyEditing();
  }

  /** Presses the button of hotspot `id` (String(index) while editing), or none (null). */
  select(id) {
    this.selected = id == null ? null : String(id);
    this._applyEditing();
  }

  /** Moves hotspot `id` to a new direction now (before the document says so): no jump back after a drop. */
  moveTo(id, yaw, pitch) {
    const item = this.items.find(({ h }) => String(h.id) === String(id));
    if (!item) return;
    item.h = { ...item.h, yaw, pitch };
    item.dir = yawPitchToDirection(yaw, pitch);
  }

  _applyEditing() {
    for (const { h, button } of this.items) {
      const on = this.editable && this.selected !== null && String(h.id) === this.selected;
      button.classList.toggle("vtour-hotspot-selected", on);
      if (this.editable) button.setAttribute("aria-pressed", String(on));
      else button.removeAttribute("aria-pressed");
    }
  }

  _press(item, e) {
    if (!this.editable || !item.pos || item.press || (e.pointerType === "mouse" && e.button !== 0)) return;
    try { item.button.setPointerCapture?.(e.pointerId); } catch { /* a synthetic pointer: followed while over the button */ }
    // the offset from the pointer to the icon centre stays as it was grabbed
    item.press = { id: e.pointerId, x0: e.clientX, y0: e.clientY, dx: item.pos.x - e.clientX, dy: item.pos.y - e.clientY };
  }

  _drag(item, e) {
    const p = item.press;
    if (!p || e.pointerId !== p.id) return;
    if (!item.drag && Math.hypot(e.clientX - p.x0, e.clientY - p.y0) <= DRAG_PX) return;
    item.drag = { x: e.clientX + p.dx, y: e.clientY + p.dy };
    item.button.classList.add("vtour-dragging");
    place(item.button, item.drag.x, item.drag.y);
    e.preventDefault();
  }

  _release(item, e, drop) {
    const p = item.press;
    if (!p || e.pointerId !== p.id) return;
    item.press = null;
    try { item.button.releasePointerCapture?.(e.pointerId); } catch { /* never captured */ }
    const drag = item.drag;
    item.drag = null;
    item.button.classList.remove("vtour-dragging");
    if (!drag) return;
    // the click that follows this pointerup (same task) is the end of a drag, not an activation
    item.dropped = true;
    setTimeout(() => { item.dropped = false; }, 0);
    if (drop) {
      item.pos = drag;  // where onDrop's moveTo puts it: no jump back before the next frame
      this.onDrop(item.h, drag.x, drag.y);
    }
    if (item.pos) place(item.button, item.pos.x, item.pos.y);
  }

  _key(item, e) {
    if (!this.editable || e.altKey || e.ctrlKey || e.metaKey) return;
    const step = e.shiftKey ? NUDGE_FINE_DEG : NUDGE_DEG;
    const move = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[e.key];
    if (!move) return;
    e.preventDefault();
    e.stopPropagation();
    this.onNudge(item.h, move[0], move[1]);
  }

  /** Sets labels (visible text and aria-label) in the current language. */
  relabel(titleOf) {
    for (const { h, button, label } of this.items) {
      const title = titleOf(h);
      label.textContent = title;
      button.setAttribute("aria-label", title || h.type);
      button.title = title;
    }
    for (const item of this.items) item.width = 0;  // measured again, expanded
    if (this.shown) this.declutter(this.shown);     // new widths: no need to wait for a frame
  }

  /** Places the buttons for the camera's current view (views/Camera.js). */
  update(camera, width, height) {
    const [fx, fy, fz] = camera.forward;
    const shown = [];
    for (const item of this.items) {
      const { button, dir } = item;
      const [px, py] = camera.project(dir);
      const x = (px + 1) / 2 * width, y = (1 - py) / 2 * height;
      const ahead = dir[0] * fx + dir[1] * fy + dir[2] * fz;
      if (item.drag) {  // under the pointer until released
        shown.push({ item, x: item.drag.x, y: item.drag.y, d: 0 });
      } else if (ahead > 0.05 && x >= 0 && x <= width && y >= 0 && y <= height) {  // its point in the view
        place(button, x, y);
        item.pos = { x, y };
        if (button.hidden) button.hidden = false;
        shown.push({ item, x, y, d: (x - width / 2) ** 2 + (y - height / 2) ** 2 });
      } else if (!button.hidden) {
        item.pos = null;
        if (button === button.getRootNode().activeElement) button.blur();
        button.hidden = true;
      }
    }
    this.shown = shown;
    this.width = width;
    this.declutter(shown);
  }

  /**
   * Shows each label only where it covers no icon and no label placed before it, and ends inside the view: a
   * button never reaches past the viewer's edge, over the page beside it (a Panel app's controls).
   */
  declutter(shown) {
    const active = this.element.getRootNode().activeElement;
    shown.sort((a, b) => (b.item.button === active) - (a.item.button === active) || a.d - b.d);
    const box = (x, y, w) => [x - ICON_CENTRE - GAP, y - ICON_BOX / 2 - GAP, x - ICON_CENTRE + w + GAP, y + ICON_BOX / 2 + GAP];
    const hit = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    const icons = shown.map(({ x, y }) => box(x, y, ICON_BOX));
    const labels = [];
    shown.forEach(({ item, x, y }, i) => {
      const { button } = item;
      if (!item.width) {  // one layout read per label and language, expanded
        button.classList.remove("vtour-collapsed");
        item.width = Math.max(button.offsetWidth, ICON_BOX);
      }
      const full = box(x, y, item.width);
      const inside = !this.width || item.drag || full[2] - GAP <= this.width;
      const fits = inside && !icons.some((r, j) => j !== i && hit(r, full)) && !labels.some((r) => hit(r, full));
      button.classList.toggle("vtour-collapsed", !fits);
      if (fits) labels.push(full);
    });
  }

  clear() {
    for (const { button } of this.items) button.remove();
    this.items = [];
    this.shown = null;
  }

  dispose() { this.clear(); this.element.remove(); }
}
