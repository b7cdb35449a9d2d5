import { Dialog } from "./Dialog.js";

/**
 * The tour's scenes as a grid of thumbnail buttons, then its deep-zoom images (items of kind "image") in a second
 * grid under their own heading; choosing one calls onSelect(id, kind) (kind "scene" or "image").
 */
export class SceneGallery extends Dialog {
  constructor(container, { onSelect = () => {}, ...options } = {}) {
    super(container, { className: "vtour-gallery", ...options });
    this.onSelect = onSelect;
  }

  /**
   * @param {string} title
   * @param {Array<{id: string, title: string, thumbUrl: string|null, current: boolean, kind?: string}>} items
   * @param {{images?: string}} headings  the images' heading (shown when there are images)
   */
  show(title, items, { images = "Images" } = {}) {
    const scenes = items.filter((s) => (s.kind || "scene") === "scene");
    const pictures = items.filter((s) => s.kind === "image");
    const parts = [this._list(scenes, "scene")];
    if (pictures.length) {
      const h = document.createElement("h3");
      h.className = "vtour-gallery-heading";
      h.textContent = images;
      parts.push(h, this._list(pictures, "image"));
    }
    this.body.replaceChildren(...parts);
    this.open(title);
  }

  _list(items, kind) {
    const list = document.createElement("ul");
    list.className = "vtour-gallery-list";
    for (const s of items) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = `vtour-gallery-item vtour-gallery-${kind}`;
      if (kind === "image") b.dataset.imageId = s.id; else b.dataset.sceneId = s.id;
      if (s.current) b.setAttribute("aria-current", "true");
      if (s.thumbUrl) {
        const img = document.createElement("img");
        img.src = s.thumbUrl; img.alt = ""; img.loading = "lazy";
        b.appendChild(img);
      }
      const span = document.createElement("span");
      span.textContent = s.title;
      b.appendChild(span);
      b.addEventListener("click", () => { this.close(); this.onSelect(s.id, kind); });
      li.appendChild(b);
      list.appendChild(li);
    }
    return list;
  }
}
