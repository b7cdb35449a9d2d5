/**
 * The inspector panel's form controls: each a native, labelled, keyboard-operable element (a <button>, an
 * <input type=range|number|checkbox>, a <select>), its visible label set as text. `setLabel(text)` renames it.
 */

let ids = 0;
const uid = (stem) => `vtour-${stem}-${++ids}`;

/** A <button> with visible text; `pressed` (bool or undefined): a toggle button (aria-pressed). */
export function button(text, onClick, { className = "vtour-inspector-button", pressed } = {}) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = text;
  if (pressed !== undefined) b.setAttribute("aria-pressed", String(!!pressed));
  b.addEventListener("click", () => onClick(b));
  b.setLabel = (t) => { b.textContent = t; };
  return b;
}

/** Sets a toggle button's state. */
export function setPressed(b, on) { b.setAttribute("aria-pressed", String(!!on)); }

/** A labelled field: <div><label for>text</label>`input`</div>; returns the wrapper with .input and .setLabel. */
function field(input, text, stem) {
  const wrap = document.createElement("div");
  wrap.className = `vtour-inspector-field vtour-inspector-${stem}`;
  const label = document.createElement("label");
  input.id = uid(stem);
  label.htmlFor = input.id;
  label.textContent = text;
  wrap.append(label, input);
  wrap.input = input;
  wrap.setLabel = (t) => { label.textContent = t; };
  return wrap;
}

/** A labelled range slider; onInput(number) while it moves (keyboard arrows included). */
export function slider(text, stem, { min, max, step, value }, onInput) {
  const input = document.createElement("input");
  input.type = "range";
  Object.assign(input, { min: String(min), max: String(max), step: String(step), value: String(value) });
  const out = document.createElement("output");
  const wrap = field(input, text, stem);
  out.setAttribute("aria-hidden", "true");   // the slider itself announces its value
  wrap.append(out);
  const show = () => { out.textContent = input.value; };
  input.addEventListener("input", () => { show(); onInput(Number(input.value)); });
  wrap.set = (v) => { input.value = String(v); show(); };
  show();
  return wrap;
}

/** A labelled checkbox (label after the box); onChange(bool). */
export function checkbox(text, stem, checked, onChange) {
  const input = document.createElement("input");
  input.type = "checkbox";
  input.checked = !!checked;
  const wrap = field(input, text, stem);
  wrap.append(wrap.firstChild);  // the label after the box
  wrap.classList.add("vtour-inspector-check");
  input.addEventListener("change", () => onChange(input.checked));
  wrap.set = (v) => { input.checked = !!v; };
  return wrap;
}

/** A labelled <select> of [value, text] options; onChange(value). */
export function select(text, stem, options, value, onChange) {
  const input = document.createElement("select");
  const wrap = field(input, text, stem);
  wrap.setOptions = (opts) => {
    input.replaceChildren(...opts.map(([v, t]) => { const o = document.createElement("option"); o.value = v; o.textContent = t; return o; }));
  };
  wrap.setOptions(options);
  input.value = value;
  input.addEventListener("change", () => onChange(input.value));
  wrap.set = (v) => { input.value = String(v); };
  return wrap;
}

/** A labelled number input; onChange(number) when a finite number is committed. */
export function number(text, stem, { min, max, step, value }, onChange) {
  const input = document.createElement("input");
  input.type = "number";
  Object.assign(input, { min: String(min), step: String(step) });
  if (max !== undefined) input.max = String(max);
  if (value !== undefined && value !== null) input.value = String(value);
  const wrap = field(input, text, stem);
  input.addEventListener("change", () => { const v = Number(input.value); if (input.value !== "" && Number.isFinite(v)) onChange(v); });
  wrap.set = (v) => { input.value = v === null || v === undefined ? "" : String(v); };
  return wrap;
}

/** A <fieldset> with a <legend> (a group's name), and `children`. */
export function group(text, className, ...children) {
  const set = document.createElement("fieldset");
  set.className = `vtour-inspector-group ${className}`;
  const legend = document.createElement("legend");
  legend.textContent = text;
  set.append(legend, ...children);
  set.setLabel = (t) => { legend.textContent = t; };
  return set;
}
