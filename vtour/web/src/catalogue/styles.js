// The catalogue page's styles (inserted once into the document's head).
export const CATALOGUE_CSS = `
.vc { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", sans-serif;
  color: #1d1d1f; background: #fafaf8; margin: 0 auto; max-width: 1200px; padding: 0 16px 32px; line-height: 1.4; }
body { margin: 0; background: #fafaf8; }
.vc header { display: flex; flex-wrap: wrap; align-items: flex-start; justify-content: space-between; gap: 8px 16px; padding: 16px 0 8px; }
.vc h1 { font-size: 1.6rem; margin: 0; }
.vc .vc-intro { margin: 4px 0 0; color: #4a4a4f; }
.vc .vc-langs { display: flex; gap: 4px; }
.vc button, .vc select, .vc input { font: inherit; color: inherit; }
.vc button { min-height: 44px; min-width: 44px; padding: 6px 12px; border: 1px solid #8a8a90; border-radius: 6px; background: #fff; cursor: pointer; }
.vc button[aria-pressed="true"] { background: #1d3b66; border-color: #1d3b66; color: #fff; }
.vc button:disabled { color: #6b6b70; border-color: #c8c8cc; background: #f0f0ee; cursor: default; }
.vc :focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.vc form { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 8px 12px; align-items: end; margin: 8px 0 12px; }
.vc .vc-search { grid-column: 1 / -1; }
.vc label { display: block; font-weight: 600; font-size: .9rem; margin-bottom: 2px; }
.vc input[type=search] { box-sizing: border-box; width: 100%; min-height: 44px; padding: 8px 12px; border: 1px solid #6b6b70; border-radius: 6px; background: #fff; font-size: 1.05rem; }
.vc .vc-hint { font-size: .85rem; color: #56565b; margin: 6px 0 0; }
.vc select { box-sizing: border-box; width: 100%; min-height: 44px; padding: 6px 8px; border: 1px solid #6b6b70; border-radius: 6px; background: #fff; }
.vc .vc-status { margin: 4px 0 12px; font-weight: 600; }
.vc ol.vc-results { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(172px, 1fr)); gap: 12px; }
.vc .vc-card a { display: flex; flex-direction: column; height: 100%; box-sizing: border-box; padding: 8px; border: 1px solid #d6d6d2;
  border-radius: 8px; background: #fff; color: inherit; text-decoration: none; }
.vc .vc-card a:hover { border-color: #1d3b66; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
.vc .vc-thumb { display: block; width: 100%; max-width: 160px; margin: 0 auto; height: auto; aspect-ratio: 1; object-fit: contain;
  background: #ecebe7; border-radius: 4px; }
.vc .vc-card { min-width: 0; overflow-wrap: anywhere; }
.vc .vc-card h2 { font-size: 1rem; margin: 8px 0 2px; color: #1d3b66; overflow-wrap: anywhere; }
.vc .vc-card p { margin: 0; font-size: .88rem; color: #4a4a4f; }
.vc .vc-pending { min-height: 200px; border-radius: 8px; background: #f0efeb; }
.vc .vc-failure { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; margin: 4px 0 12px; }
.vc .vc-failure p { margin: 0; font-weight: 600; color: #8a1c00; }
.vc h1, .vc .vc-intro { overflow-wrap: anywhere; }
.vc nav.vc-pages { display: flex; align-items: center; justify-content: center; gap: 12px; margin: 20px 0 0; }
.vc [hidden] { display: none !important; }
.vc .vc-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 480px) { .vc h1 { font-size: 1.3rem; } .vc ol.vc-results { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
  .vc form { grid-template-columns: 1fr 1fr; } }
`;
