import { Dialog } from "./Dialog.js";

/** An info hotspot's title, text and optional image, all set as text / attributes, never HTML. */
export class InfoDialog extends Dialog {
  constructor(container, options = {}) { super(container, { className: "vtour-info", ...options }); }

  /** @param {{title: string, text: string, imageUrl?: string, imageAlt?: string}} content */
  show({ title, text, imageUrl = null, imageAlt = "" }) {
    this.body.replaceChildren();
    if (imageUrl) {
      const img = document.createElement("img");
      img.className = "vtour-info-image";
      img.alt = imageAlt;
      img.src = imageUrl;
      this.body.appendChild(img);
    }
    for (const para of String(text || "").split(/\n{2,}/)) {
      const p = document.createElement("p");
      p.textContent = para;
      this.body.appendChild(p);
    }
    this.open(title);
  }
}
