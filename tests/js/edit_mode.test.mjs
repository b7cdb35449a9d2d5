// vtour/web/src/edit/EditMode.js: a click on the panorama (not a pan, not a pinch) and Enter / Space with a tool.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CLICK_MS, CLICK_PX, EditMode, TOOLS } from "../../vtour/web/src/edit/EditMode.js";

/** An event with the fields EditMode reads; `target` defaults to the element it is dispatched on. */
function fire(el, type, fields = {}) {
  const e = new Event(type, { cancelable: true });
  const { timeStamp = 0, target, ...rest } = fields;
  Object.defineProperty(e, "timeStamp", { value: timeStamp });
  if (target) Object.defineProperty(e, "target", { value: target });
  Object.assign(e, rest);
  el.dispatchEvent(e);
  return e;
}

function setup(tool = null) {
  const root = new EventTarget();
  const clicks = [], centres = [];
  const mode = new EditMode(root, { onClick: (x, y) => clicks.push([x, y]), onCentre: () => centres.push(1), getTool: () => tool });
  const press = (id, x, y, t, more = {}) => fire(root, "pointerdown", { pointerId: id, clientX: x, clientY: y, timeStamp: t, pointerType: "mouse", button: 0, ...more });
  const release = (id, x, y, t, type = "pointerup") => fire(root, type, { pointerId: id, clientX: x, clientY: y, timeStamp: t });
  return { root, mode, clicks, centres, press, release };
}

test("a press released where it began, soon, is a click at the release point", () => {
  const s = setup();
  s.press(1, 100, 50, 1000);
  s.release(1, 100 + CLICK_PX * 0.6, 50 + CLICK_PX * 0.6, 1000 + CLICK_MS);
  assert.deepEqual(s.clicks, [[100 + CLICK_PX * 0.6, 50 + CLICK_PX * 0.6]]);
});

test("a drag (the view pans), a long press, a pinch, a cancel or another button is no click", () => {
  const s = setup();
  s.press(1, 100, 50, 0); s.release(1, 100 + CLICK_PX + 1, 50, 100);           // moved: a pan
  s.press(1, 100, 50, 0); s.release(1, 100, 50, CLICK_MS + 1);                 // held
  s.press(1, 100, 50, 0); s.press(2, 300, 50, 10); s.release(2, 300, 50, 50); s.release(1, 100, 50, 60);  // pinch
  s.press(1, 100, 50, 0); s.release(1, 100, 50, 10, "pointercancel");
  s.press(1, 100, 50, 0, { button: 2 }); s.release(1, 100, 50, 10);            // the context menu's
  assert.deepEqual(s.clicks, []);
  s.press(3, 10, 10, 0, { pointerType: "touch", button: 0 }); s.release(3, 12, 11, 200);  // a tap counts
  assert.deepEqual(s.clicks, [[12, 11]]);
});

test("a press on one of the viewer's controls is the control's", () => {
  const s = setup();
  const button = { closest: (sel) => (sel.includes("button") ? button : null) };
  s.press(1, 100, 50, 0, { target: button });
  s.release(1, 100, 50, 10);
  assert.deepEqual(s.clicks, []);
});

test("Enter or Space on the viewer asks for its centre only with a tool armed", () => {
  const off = setup(null);
  assert.equal(fire(off.root, "keydown", { key: "Enter" }).defaultPrevented, false);
  assert.deepEqual(off.centres, []);
  const on = setup("link");
  assert.equal(fire(on.root, "keydown", { key: "Enter" }).defaultPrevented, true);
  fire(on.root, "keydown", { key: " " });
  fire(on.root, "keydown", { key: "Enter", ctrlKey: true });
  fire(on.root, "keydown", { key: "Enter", target: { closest: () => null } });  // a key on a hotspot or field
  fire(on.root, "keydown", { key: "a" });
  assert.deepEqual(on.centres, [1, 1]);
  assert.deepEqual(TOOLS, [null, "link", "info", "model"]);
});

test("dispose stops listening", () => {
  const s = setup("info");
  s.mode.dispose();
  s.press(1, 0, 0, 0); s.release(1, 0, 0, 1);
  fire(s.root, "keydown", { key: "Enter" });
  assert.deepEqual([s.clicks, s.centres], [[], []]);
});
