// vtour/web/src/ui/UrlState.js: the view in the page's hash, #scene=<id>&yaw=..&pitch=..&fov=..&lang=.. and the
// inspector's state (#model=<id>&mode=..&light=..&cam=..&section=..)
import assert from "node:assert/strict";
import { test } from "node:test";

import { formatHash, parseHash } from "../../vtour/web/src/ui/UrlState.js";

test("a hash parses into the scene, the view in degrees and the language", () => {
  assert.deepEqual(parseHash("#scene=crypt&yaw=45.5&pitch=-10&fov=60&lang=fr"),
                   { scene: "crypt", yaw: 45.5, pitch: -10, fov: 60, lang: "fr", inspector: undefined, image: undefined, region: undefined });
  assert.deepEqual(parseHash("scene=hall"), { scene: "hall", yaw: undefined, pitch: undefined, fov: undefined,
                                              lang: undefined, inspector: undefined, image: undefined, region: undefined });
});

test("ids absent or empty and angles absent or not finite numbers parse as undefined", () => {
  assert.deepEqual(parseHash("#yaw=abc&fov=Infinity&scene=&lang="),
                   { scene: undefined, yaw: undefined, pitch: undefined, fov: undefined, lang: undefined,
                   inspector: undefined, image: undefined, region: undefined });
  assert.deepEqual(parseHash(""), parseHash("#"));
});

test("a state serialises with angles to a hundredth of a degree", () => {
  assert.equal(formatHash({ scene: "hall", yaw: 50.5, pitch: -0.004, fov: 70, lang: "en" }),
               "scene=hall&yaw=50.50&pitch=-0.00&fov=70.00&lang=en");
});

test("a serialised state parses back, odd scene ids included", () => {
  const state = { scene: "salle d'été & crypte/2", yaw: -179.25, pitch: 12.5, fov: 33.33, lang: "zh" };
  const hash = formatHash(state);
  assert.equal(hash, "scene=salle+d%27%C3%A9t%C3%A9+%26+crypte%2F2&yaw=-179.25&pitch=12.50&fov=33.33&lang=zh");
  assert.deepEqual(parseHash(`#${hash}`), { ...state, inspector: undefined, image: undefined, region: undefined });
});

test("an open inspector's state follows the scene's keys and parses back", () => {
  const state = { scene: "hall", yaw: 0, pitch: 0, fov: 70, lang: "en",
                  inspector: { model: "box", mode: "clay", light: { azimuth: 270, elevation: 10, ambient: 0.35, exposure: 1,
                                                                     shadows: false },
                               camera: { position: [0, 0.1, 0.5], target: [0, 0, 0], fov: 40 }, section: null } };
  const hash = formatHash(state);
  assert.equal(hash, "scene=hall&yaw=0.00&pitch=0.00&fov=70.00&lang=en&model=box&mode=clay&light=270%2C10%2C0.35%2C1%2C0"
                     + "&cam=0%2C0.1%2C0.5%2C0%2C0%2C0%2C40");
  const back = parseHash(hash);
  assert.deepEqual(back.inspector, { model: "box", mode: "clay", light: state.inspector.light,
                                     camera: state.inspector.camera });
  assert.equal(back.scene, "hall");
});

test("an open deep-zoom image and its region follow the view's keys, commas unescaped, and parse back", () => {
  const state = { scene: "hall", yaw: 10, pitch: 0, fov: 70, lang: "zh", image: "mural", region: [1800.4, 1199.6, 700, 500] };
  const hash = formatHash(state);
  assert.equal(hash, "scene=hall&yaw=10.00&pitch=0.00&fov=70.00&lang=zh&image=mural&region=1800,1200,700,500");
  const back = parseHash(`#${hash}`);
  assert.equal(back.image, "mural");
  assert.deepEqual(back.region, [1800, 1200, 700, 500]);
  assert.deepEqual(parseHash("#image=mural&region=1800%2C1200%2C700%2C500").region, [1800, 1200, 700, 500]);
});

test("an image without a region, or with a malformed one, parses with region undefined; no image, no region", () => {
  for (const bad of ["", "1,2,3", "1,2,3,4,5", "a,b,c,d", "1.5,2,3,4", "-1,0,10,10", "0,0,0,10", "0,0,10,-1"]) {
    assert.equal(parseHash(`#image=mural&region=${bad}`).region, undefined, bad);
    assert.equal(parseHash(`#image=mural&region=${bad}`).image, "mural");
  }
  assert.deepEqual(parseHash("#region=0,0,10,10"), { ...parseHash(""), region: undefined });
  const noRegion = formatHash({ scene: "hall", yaw: 0, pitch: 0, fov: 70, lang: "en", image: "mural" });
  assert.ok(noRegion.endsWith("&image=mural"), noRegion);
  assert.ok(!formatHash({ scene: "hall", yaw: 0, pitch: 0, fov: 70, lang: "en", region: [0, 0, 1, 1] }).includes("region"));
});

test("a region is written in whole px, inside the image's origin and at least 1 px wide and high", () => {
  const hash = formatHash({ scene: "s", yaw: 0, pitch: 0, fov: 70, lang: "en", image: "m", region: [-3.2, 4.6, 0.2, 9.5] });
  assert.ok(hash.endsWith("&region=0,5,1,10"), hash);
});

test("a region parses only as safe integers: a number too long for a double is no region", async () => {
  const { parseRegion } = await import("../../vtour/web/src/ui/UrlState.js");
  assert.deepEqual(parseRegion("400,300,600,400"), [400, 300, 600, 400]);
  assert.equal(parseRegion(`0,0,${"9".repeat(400)},10`), undefined);
  assert.equal(parseRegion("0,0,9007199254740992,10"), undefined);      // 2^53: not safe
  assert.deepEqual(parseRegion("0,0,9007199254740991,10"), [0, 0, 9007199254740991, 10]);
  assert.equal(parseRegion("-5,0,100,100"), undefined);
  assert.equal(parseRegion("400.5,300,600,400"), undefined);
  assert.equal(parseHash(`#image=mural&region=0,0,${"9".repeat(400)},10`).region, undefined);
});

test("UrlState.write is a throttle: continuous changes write every delayMs, the latest state last", async (t) => {
  const { UrlState } = await import("../../vtour/web/src/ui/UrlState.js");
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const writes = [];
  globalThis.location = { pathname: "/tour/", search: "", hash: "" };
  globalThis.history = { state: null, replaceState: (_s, _t, url) => writes.push(url) };
  t.after(() => { delete globalThis.location; delete globalThis.history; });
  const urls = new UrlState({ delayMs: 250 });
  const at = (yaw) => ({ scene: "hall", yaw, pitch: 0, fov: 70, lang: "en" });
  for (let i = 0; i < 40; i++) { urls.write(at(i)); t.mock.timers.tick(50); }  // 2 s of changes every 50 ms
  assert.equal(writes.length, 8);                                              // one per 250 ms, not postponed
  assert.ok(writes.every((w) => w.startsWith("/tour/#scene=hall&yaw=")));
  t.mock.timers.tick(250);
  assert.equal(writes.length, 8);                                              // the last state went out at 2000 ms
  assert.match(writes.at(-1), /yaw=39\.00/);
  urls.write(at(50));
  urls.flush();                                                                // flush: now, not in 250 ms
  assert.match(writes.at(-1), /yaw=50\.00/);
  t.mock.timers.tick(1000);
  assert.equal(writes.length, 9);
  urls.dispose();
});
