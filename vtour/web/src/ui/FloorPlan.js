import { Dialog } from "./Dialog.js";

/** The tour's floor plan with a button per placed scene; the current one is marked. */
export class FloorPlan extends Dialog {
  constructor(container, { onSelect = () => {}, ...options } = {}) {
    super(container, { className: "vtour-floorplan", ...options });
    this.onSelect = onSelect;
  }

  /** @param {{imageUrl: string, width: number, height: number}} plan
   *  @param {Array<{id: string, title: string, x: number, y: number, current: boolean}>} points */
  show(title, plan, points) {
    const wrap = document.createElement("div");
    wrap.className = "vtour-floorplan-map";
    wrap.style.aspectRatio = `${plan.width || 4} / ${plan.height || 3}`;
    const img = document.createElement("img");
    img.src = plan.imageUrl; img.alt = "";
    wrap.appendChild(img);
    for (const p of points) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "vtour-floorplan-point";
      b.dataset.sceneId = p.id;
      b.style.left = `${100 * p.x}%`; b.style.top = `${100 * p.y}%`;
      b.setAttribute("aria-label", p.title);
      b.title = p.title;
      if (p.current) b.setAttribute("aria-current", "true");
      b.addEventListener("click", () => { this.close(); this.onSelect(p.id); });
      wrap.appendChild(b);
    }
    this.body.replaceChildren(wrap);
    this.open(title);
  }
}
