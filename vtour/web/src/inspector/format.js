/**
 * Numbers as the inspector shows them: lengths in the model's units (or marked "units unknown"), per cent of
 * the diagonal, triangle counts; and `fill`, which puts values into a label's {name} fields.
 */

/** `template` with each {name} replaced by String(fields[name]) (unknown names left as they are). */
export function fill(template, fields) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in fields ? String(fields[k]) : m));
}

/** Three significant digits, no exponent for the sizes a scan has (1e-4 .. 1e6), no trailing zeros. */
export function significant(value, digits = 3) {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const places = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return String(Number(value.toFixed(Math.min(places, 12))));
}

const METRES = { m: 1, cm: 0.01, mm: 0.001 };

/**
 * A length given in model units: "0.213 mm"; a length under a centimetre of a model in m or cm is shown in mm
 * ("0.0087 mm", not "0.0000087 m"), where conservators read it. With unknown units: "0.213 (units unknown)"
 * (`unknownText` is that phrase in the visitor's language). `digits` significant digits (3: legends and the
 * detail line; the measure tool asks for 4), never an exponent and never rounded to zero.
 */
export function formatLength(value, units, unknownText = "units unknown", digits = 3) {
  if (!(units in METRES)) return `${significant(value, digits)} (${unknownText})`;
  const metres = value * METRES[units];
  if (units !== "mm" && Math.abs(metres) < 0.01) return `${significant(metres * 1000, digits)} mm`;
  return `${significant(value, digits)} ${units}`;
}

/** A fraction as a percentage: 0.000512 -> "0.0512 %". */
export function formatPercent(fraction) {
  return `${significant(fraction * 100)} %`;
}

/** A whole number with thousands separators of `lang` ("1,234,567"). */
export function formatCount(n, lang = "en") {
  return Math.round(n).toLocaleString(lang === "zh" ? "zh-CN" : "en");
}
