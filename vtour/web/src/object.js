/**
 * The object page and story page bundle (vtour-object.js): a collection object's page (mountObject) and an
 * exhibition's story page (mountStory). The model and image bundles (three.js, OpenSeadragon) are imported on
 * demand, from beside this bundle, as the viewer does.
 */
import { ObjectPage } from "./object/ObjectPage.js";
import { StoryPage } from "./object/StoryPage.js";

export { ObjectPage, StoryPage };

/** Renders object.json at `url` (relative to the page) into `element`; returns the ObjectPage (await its `ready`). */
export function mountObject(element, url, options = {}) {
  return new ObjectPage(element, url, options);
}

/** Renders story.json at `url` into `element`; returns the StoryPage (await its `ready`). */
export function mountStory(element, url, options = {}) {
  return new StoryPage(element, url, options);
}
