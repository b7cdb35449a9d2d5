/**
 * Regions of a deep-zoom image: [x, y, w, h] in full-resolution image px, x right and y down from the top left
 * corner, w and h > 0. Pure: node --test covers it.
 */

/**
 * `region` intersected with the image [0, 0, width, height]; null when it is not four finite numbers or nothing of
 * it is on the image (the caller then shows the whole image, or leaves the region out).
 */
export function clipRegion(region, width, height) {
  if (!Array.isArray(region) || region.length !== 4 || !region.every(Number.isFinite)) return null;
  const [x, y, w, h] = region;
  const x0 = Math.max(0, x), y0 = Math.max(0, y);
  const x1 = Math.min(width, x + w), y1 = Math.min(height, y + h);
  return x1 > x0 && y1 > y0 ? [x0, y0, x1 - x0, y1 - y0] : null;
}

/** `region` with `margin` (a fraction of its size) added on each side. */
export function growRegion([x, y, w, h], margin) {
  return [x - w * margin, y - h * margin, w * (1 + 2 * margin), h * (1 + 2 * margin)];
}

/**
 * The largest part of `frame` ({left, top, right, bottom}, px) clear of every rectangle of `obstacles` (same form,
 * plus `pad` px around each), for content of aspect `aspect` (width / height): each obstacle that overlaps is cut
 * off by one side of the frame (left, right, top or bottom: whichever leaves the content largest). Returns
 * {left, top, right, bottom}; the whole frame when nothing overlaps or no cut leaves room.
 */
export function clearArea(frame, obstacles, aspect, pad = 8) {
  const inside = obstacles.filter((o) => o.right > frame.left && o.left < frame.right && o.bottom > frame.top && o.top < frame.bottom);
  let best = frame, bestScale = -1;
  const visit = (area, i) => {
    if (area.right - area.left < 1 || area.bottom - area.top < 1) return;
    if (i === inside.length) {
      const scale = Math.min((area.right - area.left) / aspect, area.bottom - area.top);
      if (scale > bestScale) { best = area; bestScale = scale; }
      return;
    }
    const o = inside[i];
    if (!(o.right + pad > area.left && o.left - pad < area.right && o.bottom + pad > area.top && o.top - pad < area.bottom)) {
      visit(area, i + 1);
      return;
    }
    visit({ ...area, right: Math.min(area.right, o.left - pad) }, i + 1);
    visit({ ...area, left: Math.max(area.left, o.right + pad) }, i + 1);
    visit({ ...area, bottom: Math.min(area.bottom, o.top - pad) }, i + 1);
    visit({ ...area, top: Math.max(area.top, o.bottom + pad) }, i + 1);
  };
  visit(frame, 0);
  return bestScale > 0 ? best : frame;
}
