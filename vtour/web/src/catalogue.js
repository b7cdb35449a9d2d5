// Entry of vtour-catalogue.js: a collection's catalogue page. index.html (vtour/collection/catalogue.py,
// catalogue_html) holds <div id="vtour-catalogue" data-index="./catalogue/meta.json">; this fills it.
import { CatalogueIndex } from "./catalogue/CatalogueIndex.js";
import { CatalogueView } from "./catalogue/CatalogueView.js";

/** Show the catalogue whose meta.json is at `metaUrl` in `element`; resolves to the view (dispose() it). */
export async function mount(element, metaUrl) {
  const view = new CatalogueView(element, new CatalogueIndex(metaUrl));
  window.vtourCatalogue = view.hook;
  view.hook.view = view;
  await view.start();
  return view;
}

const root = typeof document !== "undefined" && document.getElementById("vtour-catalogue");
if (root) mount(root, root.dataset.index || "./catalogue/meta.json").catch((error) => console.error(error));
