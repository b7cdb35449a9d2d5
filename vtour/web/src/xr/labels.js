/** The WebXR mode's interface words (xr/PanoXR.js, ui/ModelDialog.js), in the viewer's languages (ui/labels.js). */
export const XR_LABELS = {
  en: { enterVR: "Enter VR", exitVR: "Exit VR", viewInVR: "View in VR at life size", vrFailed: "Could not start VR",
        vrUnitsUnknown: "This model's units are unknown, so it cannot be shown at life size in VR." },
  zh: { enterVR: "进入 VR", exitVR: "退出 VR", viewInVR: "在 VR 中以真实大小查看", vrFailed: "无法启动 VR",
        vrUnitsUnknown: "此模型的单位未知，无法在 VR 中以真实大小显示。" },
  fr: { enterVR: "Entrer en VR", exitVR: "Quitter la VR", viewInVR: "Voir en VR, grandeur nature", vrFailed: "Impossible de démarrer la VR",
        vrUnitsUnknown: "Les unités de ce modèle sont inconnues : il ne peut pas être montré grandeur nature en VR." },
  de: { enterVR: "VR starten", exitVR: "VR beenden", viewInVR: "In VR in Originalgröße ansehen", vrFailed: "VR konnte nicht gestartet werden",
        vrUnitsUnknown: "Die Einheiten dieses Modells sind unbekannt; es kann in VR nicht in Originalgröße gezeigt werden." },
};

/** The words in `lang` (its base language, else English). */
export function xrLabelsFor(lang) {
  return XR_LABELS[lang] || XR_LABELS[String(lang).split("-")[0]] || XR_LABELS.en;
}

/** A VR headset, 24 x 24, one path (ui/icon.js). */
export const VR_ICON = "M3 8h18v9h-6l-2-3h-2l-2 3H3zM7 11.5h2M15 11.5h2";
