import { ModelStage } from "../renderers/ModelStage.js";

/**
 * The side-by-side view of a previous scan: a second ModelStage in `container` showing the previous scan's
 * .glb (aligned to the current scan by the build, so in the same world frame), its camera kept equal to the
 * main stage's both ways. Mode and light follow the main stage's; a per-vertex map the previous scan does not
 * carry (deviation, change) shows as clay.
 *
 * Options: url (string, the previous scan's .glb), units (as the main stage's).
 * `ready` resolves when it is shown (rejects when it cannot be loaded).
 */
export class Compare {
  constructor(container, main, { url, units }) {
    this.main = main;
    this.stage = new ModelStage(container, { units });
    this._syncing = false;
    const follow = (from, to) => () => {
      if (this._syncing) return;
      this._syncing = true;
      to.setView(from.getView());
      this._syncing = false;
    };
    this._fromMain = follow(main, this.stage);
    this._fromHere = follow(this.stage, main);
    main.controls.addEventListener("change", this._fromMain);
    this.stage.controls.addEventListener("change", this._fromHere);
    this.ready = this.stage.load(url).then((object) => {
      if (this.stage.disposed) { this.stage.discard(object); return; }
      this.stage.show(object, false);
      this.update();
    });
  }

  /** Mode, light and camera from the main stage. */
  update() {
    const s = this.stage, m = this.main;
    s.setLight(m.light);
    s.setMode(m.mode === "deviation" || m.mode === "change" ? "clay" : m.mode);
    s.renderer.clippingPlanes = m.renderer.clippingPlanes;
    this._syncing = true;
    s.setView(m.getView());
    this._syncing = false;
  }

  dispose() {
    this.main.controls.removeEventListener("change", this._fromMain);
    this.stage.dispose();
  }
}
