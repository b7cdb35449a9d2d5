import { Dialog } from "./Dialog.js";
import { svgIcon } from "./icon.js";

/** A speaker (the narration buttons' icon). */
export const NARRATION_ICON = "M4 9h4l5-4v14l-5-4H4zM16 9a4 4 0 0 1 0 6M18.5 6.5a7.5 7.5 0 0 1 0 11";

/**
 * An info hotspot's title, text and optional image, all set as text / attributes, never HTML; with `narration`
 * ({label, onClick}) a play / stop button for the hotspot's narration above the text (setNarrationLabel renames it).
 */
export class InfoDialog extends Dialog {
  constructor(container, options = {}) { super(container, { className: "vtour-info", ...options }); }

  /**
   * @param {{title: string, text: string, imageUrl?: string, imageAlt?: string,
   *          narration?: ?{label: string, onClick: () => void}}} content
   */
  show({ title, text, imageUrl = null, imageAlt = "", narration = null }) {
    this.body.replaceChildren();
    this.narrationButton = null;
    if (narration) {
      const b = this.narrationButton = document.createElement("button");
      b.type = "button";
      b.className = "vtour-info-narration";
      b.appendChild(svgIcon(NARRATION_ICON));
      const label = document.createElement("span");
      b.appendChild(label);
      b.addEventListener("click", () => narration.onClick());
      this.body.appendChild(b);
      this.setNarrationLabel(narration.label);
    }
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

  /** The narration button's visible text (its accessible name), if the dialog has one. */
  setNarrationLabel(text) {
    if (this.narrationButton) this.narrationButton.lastChild.textContent = text;
  }
}
