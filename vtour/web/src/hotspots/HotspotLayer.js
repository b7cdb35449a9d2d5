import { yawPitchToDirection } from "../geometry/CubeFaces.js";

const SVG = "http://www.w3.org/2000/svg";
/**
 * Icon of each hotspot type: one stroked path in a 24 x 24 box. Drawn, not written: a letter such as
 * the info "i" is text inside the button that its accessible name (the title) does not contain, which
 * axe-core reports as a serious label-content-name-mismatch (WCAG 2.5.3).
 */
const ICONS = {
  link: "M5 12h13M13 6l6 6-6 6",                                // an arrow: go there
  info: "M12 11v7M12 6.5v.01",                                  // an "i"
  model: "M12 3l8 4.5v9L12 21l-8-4.5v-9zM12 12l8-4.5M12 12v9M12 12L4 7.5", // a cube: a 3D object
};

/** The icon of hotspot type `type` (info for an unknown type), hidden from assistive technology. */
function iconOf(type) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[type] || ICONS.info);
  svg.appendChild(path);
  return svg;
}

/** Icon centre from the button's left edge, px: border 2 + padding 3 + half the 24 px icon. */
const ICON_CENTRE = 17;
/** Size of a collapsed (icon only) button, px, and the gap kept between neighbours. */
const ICON_BOX = 34, GAP = 4;

/**
 * Hotspots as real <button> elements over the canvas, moved each frame with a CSS transform so that
 * the icon sits on the hotspot's direction; hidden (and so out of the Tab order) behind the camera
 * or off screen. Labels are set with textContent and aria-label only: tour text never becomes HTML.
 *
 * Labels never cover another hotspot: every icon is an obstacle, and a label is shown only where
 * it fits beside the icons and the labels already placed, nearest the view's centre first (the one
 * with the focus before all). A collapsed hotspot shows its label on hover and keyboard focus, on top.
 *
 * Options: onActivate(hotspot) (called on click, Enter or Space).
 */
export class HotspotLayer {
  constructor(container, { onActivate = () => {} } = {}) {
    this.element = document.createElement("div");
    this.element.className = "vtour-hotspots";
    container.appendChild(this.element);
    this.onActivate = onActivate;
    this.items = [];
  }

  /** Replaces the hotspots; `titleOf(h)` gives each one's visible label in the current language. */
  set(hotspots, titleOf) {
    this.clear();
    for (const h of hotspots || []) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `vtour-hotspot vtour-hotspot-${["link", "info", "model"].includes(h.type) ? h.type : "info"}`;
      button.dataset.hotspotId = h.id ?? "";
      const icon = document.createElement("span");
      icon.className = "vtour-hotspot-icon";
      icon.appendChild(iconOf(h.type));
      const label = document.createElement("span");
      label.className = "vtour-hotspot-label";
      button.append(icon, label);
      button.addEventListener("click", (e) => { e.stopPropagation(); this.onActivate(h); });
      button.addEventListener("pointerdown", (e) => e.stopPropagation());
      this.element.appendChild(button);
      this.items.push({ h, button, label, dir: yawPitchToDirection(h.yaw, h.pitch), width: 0 });
    }
    this.relabel(titleOf);
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
      if (ahead > 0.05 && x > -20 && x < width + 20 && y > -20 && y < height + 20) {
        button.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px) translate(-${ICON_CENTRE}px, -50%)`;
        if (button.hidden) button.hidden = false;
        shown.push({ item, x, y, d: (x - width / 2) ** 2 + (y - height / 2) ** 2 });
      } else if (!button.hidden) {
        if (button === button.getRootNode().activeElement) button.blur();
        button.hidden = true;
      }
    }
    this.shown = shown;
    this.declutter(shown);
  }

  /** Shows each label only where it covers no icon and no label placed before it. */
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
      const fits = !icons.some((r, j) => j !== i && hit(r, full)) && !labels.some((r) => hit(r, full));
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
