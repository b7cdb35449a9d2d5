/**
 * The kiosk's own interface words (attract, countdown, staff exit), per language the viewer has labels for.
 * The kiosk shows most of them in every language of the tour at once (a visitor has not chosen one yet);
 * `{n}` is filled with a number. A language without an entry uses English (kioskLabelsFor).
 */
export const KIOSK_LABELS = {
  en: {
    webAddress: "More on the web:",
    touchToStart: "Touch anywhere to start", attract: "Welcome", stillThere: "Are you still there?",
    countdown: "The tour starts again in {n} seconds. Touch the screen to continue.", continue: "Continue",
    staffExit: "Staff exit", pin: "PIN", digit: "Digit {n}", deleteDigit: "Delete the last digit", submit: "Enter",
    cancel: "Cancel", wrongPin: "Wrong PIN", tooMany: "Too many tries, wait a minute", closing: "Closing…",
    unavailable: "The staff exit is not available",
  },
  zh: {
    webAddress: "网上了解更多：",
    touchToStart: "轻触屏幕任意位置开始", attract: "欢迎", stillThere: "您还在吗？",
    countdown: "{n} 秒后导览将重新开始。轻触屏幕继续。", continue: "继续",
    staffExit: "工作人员退出", pin: "密码", digit: "数字 {n}", deleteDigit: "删除最后一位", submit: "确定",
    cancel: "取消", wrongPin: "密码错误", tooMany: "尝试次数过多，请等一分钟", closing: "正在关闭…",
    unavailable: "工作人员退出不可用",
  },
  fr: {
    webAddress: "En savoir plus sur le web :",
    touchToStart: "Touchez l’écran pour commencer", attract: "Bienvenue", stillThere: "Êtes-vous toujours là ?",
    countdown: "La visite recommence dans {n} secondes. Touchez l’écran pour continuer.", continue: "Continuer",
    staffExit: "Sortie du personnel", pin: "Code", digit: "Chiffre {n}", deleteDigit: "Effacer le dernier chiffre",
    submit: "Valider", cancel: "Annuler", wrongPin: "Code erroné", tooMany: "Trop d’essais, attendez une minute",
    closing: "Fermeture…", unavailable: "La sortie du personnel n’est pas disponible",
  },
  de: {
    webAddress: "Mehr im Internet:",
    touchToStart: "Zum Starten den Bildschirm berühren", attract: "Willkommen", stillThere: "Sind Sie noch da?",
    countdown: "Die Tour beginnt in {n} Sekunden von vorn. Berühren Sie den Bildschirm, um fortzufahren.",
    continue: "Weiter", staffExit: "Ausgang für Personal", pin: "PIN", digit: "Ziffer {n}",
    deleteDigit: "Letzte Ziffer löschen", submit: "Bestätigen", cancel: "Abbrechen", wrongPin: "Falsche PIN",
    tooMany: "Zu viele Versuche, bitte eine Minute warten", closing: "Wird geschlossen…",
    unavailable: "Der Ausgang für Personal ist nicht verfügbar",
  },
};

/** The kiosk's words in `lang` (English for a language it has none for). */
export function kioskLabelsFor(lang) { return KIOSK_LABELS[lang] || KIOSK_LABELS.en; }

/** `template` with each `{name}` replaced by `values[name]`. */
export function fill(template, values = {}) {
  return String(template).replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

/**
 * The languages to show kiosk words in: the tour's, in its order, each once; a tour language the kiosk has no
 * words for is shown in English (once, not repeated). Never empty.
 */
export function kioskLanguages(tourLanguages) {
  const out = [];
  for (const lang of tourLanguages?.length ? tourLanguages : ["en"]) {
    const shown = KIOSK_LABELS[lang] ? lang : "en";
    if (!out.includes(shown)) out.push(shown);
  }
  return out;
}

/** [{lang, text}] of word `key` (filled with `values`) in each of `langs`. */
export function inEvery(langs, key, values) {
  return langs.map((lang) => ({ lang, text: fill(kioskLabelsFor(lang)[key], values) }));
}
