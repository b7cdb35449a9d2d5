import { yawPitchToDirection } from "../geometry/CubeFaces.js";

const ICONS = { link: "\u2794", info: "i", model: "\u25C6" };

/**
 * Hotspots as real <button> elements over the canvas, moved each frame with a CSS transform to
 * where their direction projects; hidden (and so out of the Tab order) behind the camera or off
 * screen. Labels are set with textContent and aria-label only: tour text never becomes HTML.
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
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = ICONS[h.type] || "?";
      const label = document.createElement("span");
      label.className = "vtour-hotspot-label";
      button.append(icon, label);
      button.addEventListener("click", (e) => { e.stopPropagation(); this.onActivate(h); });
      button.addEventListener("pointerdown", (e) => e.stopPropagation());
      this.element.appendChild(button);
      this.items.push({ h, button, label, dir: yawPitchToDirection(h.yaw, h.pitch) });
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
  }

  /** Places the buttons for the camera's current view (views/Camera.js). */
  update(camera, width, height) {
    const [fx, fy, fz] = camera.forward;
    for (const { button, dir } of this.items) {
      const [px, py] = camera.project(dir);
      const x = (px + 1) / 2 * width, y = (1 - py) / 2 * height;
      const ahead = dir[0] * fx + dir[1] * fy + dir[2] * fz;
      const shown = ahead > 0.05 && x > -20 && x < width + 20 && y > -20 && y < height + 20;
      if (shown) {
        button.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px) translate(-50%, -50%)`;
        if (button.hidden) button.hidden = false;
      } else if (!button.hidden) {
        if (button === button.getRootNode().activeElement) button.blur();
        button.hidden = true;
      }
    }
  }

  clear() {
    for (const { button } of this.items) button.remove();
    this.items = [];
  }

  dispose() { this.clear(); this.element.remove(); }
}
