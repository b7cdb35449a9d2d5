"""The editor page's own accessible widgets (Panel ``JSComponent`` / ``ReactiveHTML``).

Panel's widgets render native labelled elements, but a few things the editor needs have no Panel widget:

- :class:`ButtonList`: a list of native buttons (scenes, models, problems, hotspot tools) whose chosen
  one carries ``aria-current`` or ``aria-pressed``; a choice reaches Python through :meth:`ButtonList.choose`.
- :class:`UploadInput`: a labelled ``<input type="file" multiple>`` that PUTs each file to the editor's
  upload API with ``fetch`` and reports progress; the stored paths reach Python through
  :meth:`UploadInput.on_upload`.
- :class:`FloorPlanPicker`: the floor plan image; a click places the selected scene (fractions of the
  plan's width and height). Keyboard users type the fractions in the editor's "Plan x"/"Plan y" inputs.
- :class:`StatusLine`: one stable polite live region and one alert region, so that a new message is
  announced (a pane re-rendering its HTML would replace the live region itself).
- :class:`LogView`: a keyboard-scrollable ``<pre>`` log that keeps its end in view.
- :class:`Focuser`: moves the keyboard focus to the control with a given label (a problem's field).
- :class:`Main`, :class:`Section`: the page's ``<main>`` landmark and its named regions.

Every word shown comes from Python as text and is set with ``textContent``: tour titles and file names
never become markup. The JavaScript is small and lives here, with the Python side of each widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import panel as pn
import param

#: The sessionStorage key under which the viewer keeps the page's ?token= (vtour/web/src/ui/UrlState.js TOKEN_KEY).
TOKEN_KEY = "vtour-edit-token"
#: The header that carries the edit token (vtour.access.TOKEN_HEADER).
TOKEN_HEADER = "X-Vtour-Token"

_BUTTON_LIST_ESM = """
export function render({ model, el }) {
  const list = document.createElement("ul");
  list.style.cssText = "list-style:none;margin:0;padding:0;display:flex;gap:4px;" +
    (model.horizontal ? "flex-wrap:wrap" : "flex-direction:column");
  el.appendChild(list);
  const draw = () => {
    list.setAttribute("aria-label", model.label || "");
    const focused = list.contains(el.getRootNode().activeElement) ? el.getRootNode().activeElement.dataset.value : null;
    list.replaceChildren();
    for (const item of model.items || []) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = item.text;
      b.dataset.value = String(item.value);
      b.style.cssText = "width:100%;text-align:left;padding:3px 6px;cursor:pointer;border:1px solid #888;" +
        "border-radius:3px;background:#fff;color:#111;font:inherit";
      const on = item.value === model.value;
      if (model.attr === "aria-pressed") b.setAttribute("aria-pressed", on ? "true" : "false");
      else if (on) b.setAttribute(model.attr || "aria-current", "true");
      if (on) b.style.cssText += ";background:#1f4fa8;color:#fff;font-weight:bold";
      b.addEventListener("click", () => model.send_msg({ event: "choose", value: item.value }));
      li.appendChild(b);
      list.appendChild(li);
      if (focused === b.dataset.value) b.focus();
    }
  };
  draw();
  model.on(["items", "value", "label", "attr"], draw);
}
"""


class ButtonList(pn.custom.JSComponent):
    """A named list of native buttons; the one whose value is ``value`` carries ``attr`` ("aria-current":
    the selected item of a list; "aria-pressed": a toggle, every button then says pressed or not).
    Activating a button calls the :meth:`on_choose` callbacks with its value (also when it is chosen
    already: a problem may be visited twice)."""

    items = param.List(default=[], doc="the buttons: [{value, text}] (text is shown as text, never markup)")
    value = param.Parameter(default=None, doc="the value of the chosen button, or None")
    label = param.String(default="", doc="the list's accessible name")
    attr = param.Selector(default="aria-current", objects=["aria-current", "aria-pressed"])  # type: ignore[var-annotated]
    horizontal = param.Boolean(default=False, doc="lay the buttons out in a wrapping row")

    _esm = _BUTTON_LIST_ESM

    def __init__(self, **params):
        super().__init__(**params)
        self._callbacks: list[Callable[[Any], Any]] = []

    def on_choose(self, callback: Callable[[Any], Any]) -> None:
        """Call ``callback(value)`` whenever a button is activated."""
        self._callbacks.append(callback)

    def choose(self, value: Any) -> None:
        """What activating the button of ``value`` does (the browser's click lands here)."""
        for callback in list(self._callbacks):
            callback(value)

    def texts(self) -> list[str]:
        """The buttons' words, in order."""
        return [str(item["text"]) for item in self.items]

    def _handle_msg(self, msg: Any) -> None:
        if isinstance(msg, dict) and msg.get("event") == "choose":
            self.choose(msg.get("value"))


_UPLOAD_ESM = """
export function render({ model, el }) {
  const label = document.createElement("label");
  label.style.cssText = "display:block;margin:4px 0";
  const words = document.createElement("span");
  const input = document.createElement("input");
  input.type = "file";
  input.multiple = true;
  input.style.cssText = "display:block;margin-top:2px;max-width:100%";
  label.append(words, input);
  const state = document.createElement("p");
  state.setAttribute("role", "status");
  state.style.cssText = "margin:2px 0;font-size:90%";
  el.append(label, state);
  const draw = () => { words.textContent = model.label; input.accept = model.accept; };
  draw();
  model.on(["label", "accept"], draw);
  const token = () => {
    if (model.token) return model.token;
    const q = new URLSearchParams(location.search).get("token");
    if (q) return q;
    try { return sessionStorage.getItem(model.token_key); } catch { return null; }
  };
  input.addEventListener("change", async () => {
    const files = Array.from(input.files || []);
    if (!files.length) return;
    input.disabled = true;
    const paths = [], errors = [];
    for (const [i, file] of files.entries()) {
      state.textContent = model.progress_text.replace("{name}", file.name).replace("{done}", String(i + 1))
        .replace("{n}", String(files.length));
      const headers = { "Content-Type": "application/octet-stream" };
      const t = token();
      if (t) headers[model.token_header] = t;
      try {
        const r = await fetch(`${model.url}/${encodeURIComponent(file.name)}`, {
          method: "PUT", body: file, headers, credentials: "same-origin" });
        const answer = await r.json().catch(() => ({}));
        if (r.ok && answer.path) paths.push(answer.path);
        else errors.push(`${file.name}: ${answer.error || `${r.status} ${r.statusText}`}`);
      } catch (err) {
        errors.push(`${file.name}: ${err?.message || err}`);
      }
    }
    state.textContent = "";
    input.value = "";
    input.disabled = false;
    model.send_msg({ event: "uploaded", paths, errors });
  });
}
"""


class UploadInput(pn.custom.JSComponent):
    """A labelled file input (``<label>`` around ``<input type="file" multiple>``): each chosen file is
    PUT to ``url/<file name>`` with ``Content-Type: application/octet-stream`` (and the ``X-Vtour-Token``
    header: ``token``, else the page's ?token= or the one the viewer stored; the server's cookie passes the
    gate too), one after the other, the progress said in a status line. Then :meth:`on_upload` callbacks
    get ``(paths, errors)``: the paths the server stored (relative to the tour's folder) and one line per
    file refused."""

    label = param.String(default="", doc="the input's label: its accessible name")
    url = param.String(default="", doc="where files are PUT (the upload API and folder, no trailing slash)")
    accept = param.String(default="image/*", doc="the file types offered")
    token = param.String(default="", doc="the edit token ('' : the page's, or the cookie)")
    token_key = param.String(default=TOKEN_KEY, constant=True)
    token_header = param.String(default=TOKEN_HEADER, constant=True)
    progress_text = param.String(default="{name} ({done} of {n})", doc="the progress line; {name} {done} {n}")

    _esm = _UPLOAD_ESM

    def __init__(self, **params):
        super().__init__(**params)
        self._callbacks: list[Callable[[list[str], list[str]], Any]] = []

    def on_upload(self, callback: Callable[[list[str], list[str]], Any]) -> None:
        """Call ``callback(paths, errors)`` once the files chosen are uploaded (or refused)."""
        self._callbacks.append(callback)

    def uploaded(self, paths: list[str], errors: list[str]) -> None:
        """What the end of an upload does (the browser's message lands here)."""
        for callback in list(self._callbacks):
            callback(list(paths), list(errors))

    def _handle_msg(self, msg: Any) -> None:
        if isinstance(msg, dict) and msg.get("event") == "uploaded":
            self.uploaded([str(p) for p in msg.get("paths") or []], [str(e) for e in msg.get("errors") or []])


_PLAN_ESM = """
export function render({ model, el }) {
  const box = document.createElement("div");
  box.style.cssText = "position:relative;display:inline-block;max-width:100%;line-height:0";
  const img = document.createElement("img");
  img.style.cssText = "max-width:100%;max-height:260px;cursor:crosshair;border:1px solid #888";
  box.appendChild(img);
  el.appendChild(box);
  const marks = document.createElement("div");
  marks.setAttribute("aria-hidden", "true");
  box.appendChild(marks);
  const draw = () => {
    if (img.getAttribute("src") !== model.src) img.src = model.src;
    img.alt = model.label;
    marks.replaceChildren();
    for (const p of model.points || []) {
      const m = document.createElement("span");
      m.textContent = p.text;
      m.style.cssText = `position:absolute;left:${100 * p.x}%;top:${100 * p.y}%;transform:translate(-6px,-6px);` +
        "line-height:1.2;font-size:11px;white-space:nowrap;pointer-events:none;padding-left:14px;" +
        `background:radial-gradient(circle at 6px 6px,${p.selected ? "#c62828" : "#1f4fa8"} 5px,transparent 6px);` +
        "color:#111;text-shadow:0 0 2px #fff";
      marks.appendChild(m);
    }
  };
  draw();
  model.on(["src", "label", "points"], draw);
  img.addEventListener("click", (e) => {
    const r = img.getBoundingClientRect();
    if (!r.width || !r.height) return;
    const x = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    const y = Math.min(1, Math.max(0, (e.clientY - r.top) / r.height));
    model.send_msg({ event: "pick", x: Math.round(x * 10000) / 10000, y: Math.round(y * 10000) / 10000 });
  });
}
"""


class FloorPlanPicker(pn.custom.JSComponent):
    """The floor plan (``<img src=src alt=label>``) with the scenes placed on it (``points``: [{text, x, y,
    selected}], fractions of the width and height from the top left); a click calls the :meth:`on_pick`
    callbacks with the point's fractions ``(x, y)``. The marks are hidden from assistive technology:
    the editor's "Plan x"/"Plan y" inputs say and set the same position."""

    src = param.String(default="", doc="URL of the plan image")
    label = param.String(default="", doc="the image's text alternative")
    points = param.List(default=[], doc="[{text, x, y, selected}] the scenes on the plan")

    _esm = _PLAN_ESM

    def __init__(self, **params):
        super().__init__(**params)
        self._callbacks: list[Callable[[float, float], Any]] = []

    def on_pick(self, callback: Callable[[float, float], Any]) -> None:
        """Call ``callback(x, y)`` (fractions 0..1) when the plan is clicked."""
        self._callbacks.append(callback)

    def pick(self, x: float, y: float) -> None:
        """What a click at fractions ``(x, y)`` of the plan does."""
        for callback in list(self._callbacks):
            callback(x, y)

    def _handle_msg(self, msg: Any) -> None:
        if isinstance(msg, dict) and msg.get("event") == "pick":
            try:
                x, y = float(msg["x"]), float(msg["y"])
            except (KeyError, TypeError, ValueError):
                return
            self.pick(x, y)


_STATUS_ESM = """
export function render({ model, el }) {
  const polite = document.createElement("p");
  polite.setAttribute("role", "status");
  polite.setAttribute("aria-live", "polite");
  const alert = document.createElement("p");
  alert.setAttribute("role", "alert");
  for (const p of [polite, alert]) p.style.cssText = "margin:2px 0";
  alert.style.cssText += ";color:#a40000;font-weight:bold";
  el.append(polite, alert);
  const draw = () => {
    polite.textContent = model.alert ? "" : model.text;
    alert.textContent = model.alert ? model.text : "";
  };
  draw();
  model.on(["text", "alert"], draw);
}
"""


class StatusLine(pn.custom.JSComponent):
    """The page's last message: ``text`` in a polite live region, or, with ``alert``, in a ``role=alert``
    region (errors). Both regions stay in the page so that a change is announced."""

    text = param.String(default="", doc="the message (text)")
    alert = param.Boolean(default=False, doc="the message is an error")

    _esm = _STATUS_ESM


_LOG_ESM = """
export function render({ model, el }) {
  const pre = document.createElement("pre");
  pre.tabIndex = 0;
  pre.setAttribute("role", "log");
  pre.style.cssText = "max-height:180px;overflow:auto;margin:2px 0;padding:4px;font-size:11px;" +
    "background:#f4f4f4;color:#111;border:1px solid #888;white-space:pre-wrap";
  el.appendChild(pre);
  const draw = () => {
    pre.setAttribute("aria-label", model.label);
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.textContent = model.text;
    if (atEnd) pre.scrollTop = pre.scrollHeight;
  };
  draw();
  model.on(["text", "label"], draw);
}
"""


class LogView(pn.custom.JSComponent):
    """A named, keyboard-scrollable log (``<pre role="log" tabindex="0">``) that follows its end while the
    reader has not scrolled up."""

    text = param.String(default="", doc="the log (text)")
    label = param.String(default="", doc="its accessible name")

    _esm = _LOG_ESM


_FOCUS_ESM = """
function* deep(root) {
  for (const e of root.querySelectorAll("*")) {
    yield e;
    if (e.shadowRoot) yield* deep(e.shadowRoot);
  }
}
export function render({ model, el }) {
  model.on("msg:custom", (msg) => {
    if (!msg || msg.event !== "focus") return;
    const want = String(msg.label || "").trim();
    for (const e of deep(document)) {
      const tag = e.tagName;
      if ((tag === "LABEL" || tag === "BUTTON") && e.textContent.trim().startsWith(want)) {
        let target = e;
        if (tag === "LABEL") {
          const root = e.getRootNode();
          target = (e.htmlFor && root.getElementById?.(e.htmlFor)) || e.querySelector("input,select,textarea") ||
            e.parentElement?.querySelector("input,select,textarea");
        }
        if (target) { target.focus(); target.scrollIntoView?.({ block: "nearest" }); return; }
      }
    }
  });
}
"""


class Focuser(pn.custom.JSComponent):
    """Invisible: :meth:`focus` moves the keyboard focus to the input whose label (or the button whose
    text) starts with the words given, wherever it is in the page (Panel renders each widget in a shadow
    root, which a plain ``querySelector`` does not enter)."""

    _esm = _FOCUS_ESM

    def __init__(self, **params):
        params.setdefault("width", 0)
        params.setdefault("height", 0)
        params.setdefault("margin", 0)
        super().__init__(**params)
        self.last: str | None = None

    def focus(self, label: str) -> None:
        """Focus the control labelled ``label`` (nothing happens when there is none)."""
        self.last = label
        self._send_msg({"event": "focus", "label": label})


_LANDMARK_ESM = """
export function render({ model, el }) {
  const box = document.createElement(model.tag);
  box.style.cssText = "display:block;width:100%;height:100%";
  const name = () => box.setAttribute("aria-label", model.label);
  name();
  box.appendChild(model.get_child("content"));
  el.appendChild(box);
  model.on("label", name);
}
"""


class Main(pn.custom.JSComponent):
    """The page's ``<main>`` landmark, named ``label``, around a Panel object (one per page)."""

    content = pn.custom.Child(doc="the Panel object inside")
    label = param.String(default="", doc="its accessible name")
    tag = param.String(default="main", constant=True, doc="the landmark's element")

    _esm = _LANDMARK_ESM


class Section(Main):
    """A named region (``<section aria-label>``) of the page around a Panel object."""

    tag = param.String(default="section", constant=True, doc="the landmark's element")


__all__ = [
    "TOKEN_HEADER",
    "TOKEN_KEY",
    "ButtonList",
    "FloorPlanPicker",
    "Focuser",
    "LogView",
    "Main",
    "Section",
    "StatusLine",
    "UploadInput",
]
