const SVG = "http://www.w3.org/2000/svg";

/**
 * A 24 x 24 SVG icon drawn by one path `d` (built with DOM calls, no markup parsed), hidden from assistive
 * technology and out of the Tab order: the button holding it carries the name.
 */
export function svgIcon(d) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  svg.appendChild(path);
  return svg;
}
