import { Dialog } from "./Dialog.js";

/** The tour's scenes as a grid of thumbnail buttons; choosing one calls onSelect(sceneId). */
export class SceneGallery extends Dialog {
  constructor(container, { onSelect = () => {}, ...options } = {}) {
    super(container, { className: "vtour-gallery", ...options });
    this.onSelect = onSelect;
  }

  /** @param {Array<{id: string, title: string, thumbUrl: string|null, current: boolean}>} scenes */
  show(title, scenes) {
    const list = document.createElement("ul");
    list.className = "vtour-gallery-list";
    for (const s of scenes) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "vtour-gallery-item";
      b.dataset.sceneId = s.id;
      if (s.current) b.setAttribute("aria-current", "true");
      if (s.thumbUrl) {
        const img = document.createElement("img");
        img.src = s.thumbUrl; img.alt = ""; img.loading = "lazy";
        b.appendChild(img);
      }
      const span = document.createElement("span");
      span.textContent = s.title;
      b.appendChild(span);
      b.addEventListener("click", () => { this.close(); this.onSelect(s.id); });
      li.appendChild(b);
      list.appendChild(li);
    }
    this.body.replaceChildren(list);
    this.open(title);
  }
}
