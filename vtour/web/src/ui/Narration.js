/**
 * Narration: a scene's or an info hotspot's recorded audio (tour.json `narration`: {audio: {lang: path},
 * captions: {lang: path}}, paths relative to tour.json) played in the viewer's language, its WebVTT captions shown
 * as text in a caption box (never as HTML). One narration at a time.
 */

/**
 * What to play of `narration` in `lang`: {audio, captions (or null), lang} with URLs made by `url(path)`; null when
 * it has no audio in that language.
 */
export function narrationSource(narration, lang, url = (p) => p) {
  const audio = narration?.audio?.[lang];
  if (typeof audio !== "string" || !audio) return null;
  const captions = narration.captions?.[lang];
  return { audio: url(audio), captions: typeof captions === "string" && captions ? url(captions) : null, lang };
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", nbsp: "\u00A0", lrm: "\u200E", rlm: "\u200F" };

/** A WebVTT cue's text as plain text: its tags (<v Name>, <i>, <c.x>, timestamps) dropped, its entities read. */
export function cuePlainText(text) {
  return String(text ?? "").replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|nbsp|lrm|rlm);/g, (_, name) => ENTITIES[name]);
}

/** The text of the active cues (a TextTrackCueList or an array of {text}), one per line. */
export function activeCaption(cues) {
  return Array.from(cues || [], (c) => cuePlainText(c.text)).filter((t) => t.trim()).join("\n");
}

/**
 * The player: an <audio> element (with a <track kind="captions"> in mode "hidden" when there are captions) and the
 * caption box, both in `container`. onState(playing) runs whenever the audio starts or stops playing.
 */
export class Narration {
  constructor(container, { onState = () => {} } = {}) {
    this.container = container;
    this.onState = onState;
    this.playing = false;
    this.current = null;   // {target, source} of the narration loaded
    this.captionBox = document.createElement("div");
    this.captionBox.className = "vtour-captions";
    this.captionBox.hidden = true;
    container.appendChild(this.captionBox);
    this._audio = null;
  }

  /**
   * Plays `source` (narrationSource) for `target` ("scene" or a hotspot id), `muted` or not, with its captions
   * shown when `captions`. Resolves to true once playing, false when the browser refused (autoplay policy) or the
   * audio could not be loaded.
   */
  async play(source, { target = "scene", muted = false, captions = true } = {}) {
    this.stop();
    if (!source) return false;
    const audio = document.createElement("audio");
    audio.className = "vtour-narration-audio";
    audio.preload = "auto";
    audio.muted = !!muted;
    if (crossOrigin(source.audio) || (source.captions && crossOrigin(source.captions))) audio.crossOrigin = "anonymous";
    audio.src = source.audio;
    const token = this.current = { target, source, audio };
    if (source.captions && captions) {
      const track = document.createElement("track");
      track.kind = "captions";
      track.srclang = source.lang;
      track.label = source.lang;
      track.src = source.captions;
      audio.appendChild(track);
      track.track.mode = "hidden";  // cues become active and fire cuechange; the browser draws nothing
      track.track.addEventListener("cuechange", () => {
        if (this.current === token) this._caption(activeCaption(track.track.activeCues), source.lang);
      });
    }
    const set = (playing) => {
      if (this.current !== token || this.playing === playing) return;
      this.playing = playing;
      this.onState(playing);
    };
    audio.addEventListener("playing", () => set(true));
    for (const type of ["pause", "ended", "error", "emptied"]) {
      audio.addEventListener(type, () => { set(false); if (type !== "pause") this._caption("", source.lang); });
    }
    audio.hidden = true;
    this.container.appendChild(audio);  // in the document: the track loads
    this._audio = audio;
    try {
      await audio.play();
    } catch {
      if (this.current === token) this.stop();
      return false;
    }
    if (this.current !== token) return false;
    set(true);
    return true;
  }

  /** Stops and unloads the narration (if any); the caption box empties. */
  stop() {
    const audio = this._audio, was = this.playing;
    this.current = null;
    this._audio = null;
    this.playing = false;
    this._caption("", null);
    if (audio) {
      audio.pause();
      audio.removeAttribute("src");
      audio.load();   // lets the browser drop the media now
      audio.remove();
    }
    if (was) this.onState(false);
  }

  _caption(text, lang) {
    this.captionBox.textContent = text;
    if (lang) this.captionBox.lang = lang; else this.captionBox.removeAttribute("lang");
    this.captionBox.hidden = !text;
  }

  dispose() {
    this.onState = () => {};
    this.stop();
    this.captionBox.remove();
  }
}

/** Whether `url` is on another origin than the page (the audio then needs CORS for its captions track). */
function crossOrigin(url) {
  try { return new URL(url, document.baseURI).origin !== location.origin; } catch { return false; }
}
