// Time to first media: for an SSRC given a video element (or its id) by
// associateMstWithUserID, the time from addNewFabric to its first frame.

import { guarded } from '../environment.js';
import { TIMING } from '../limits.js';

export class FirstFrames {
  /** @param {import('./fabric.js').Fabric} fabric */
  constructor(fabric) {
    this.fabric = fabric;
    /** @type {Set<string>} SSRCs whose element is watched (or looked for) */
    this.watched = new Set();
  }

  /**
   * Looks for the element (for a minute, when given by id) and reports its first frame once.
   * @param {string} ssrc
   * @param {string | HTMLVideoElement} tag the element or its id
   */
  watch(ssrc, tag) {
    if (this.watched.has(ssrc)) return;
    this.watched.add(ssrc);
    const started = this.fabric.session.env.now();
    const lookUp = () => {
      const element = typeof tag === 'string' ? this.findElement(tag) : tag;
      if (element) return this.awaitFrame(ssrc, element);
      if (this.fabric.session.env.now() - started < TIMING.videoTagLookupMs) {
        this.fabric.later(TIMING.videoTagLookupStepMs, lookUp);
      } else {
        this.fabric.log.warn(`associatedVideoTag ${JSON.stringify(tag)}: no such element; no time to first media for SSRC ${ssrc}`);
      }
      return undefined;
    };
    lookUp();
  }

  /**
   * @param {string} id
   * @returns {HTMLVideoElement | null}
   */
  findElement(id) {
    const document = this.fabric.session.env.document;
    return document ? /** @type {HTMLVideoElement | null} */ (document.getElementById(id)) : null;
  }

  /**
   * @param {string} ssrc
   * @param {HTMLVideoElement} element
   */
  awaitFrame(ssrc, element) {
    let reported = false;
    const report = guarded(this.fabric.log, 'first frame', () => {
      if (reported || !this.fabric.live) return;
      reported = true;
      const at = this.fabric.session.env.now();
      this.fabric.post('events/media/firstframe', { ssrc, delay: Math.max(0, at - this.fabric.addedAt) }, {
        at, label: `first frame of SSRC ${ssrc}`,
      });
    });
    if (typeof element.requestVideoFrameCallback === 'function') {
      element.requestVideoFrameCallback(report);
      return;
    }
    const check = () => { if (element.videoWidth > 0) report(); };
    element.addEventListener('loadeddata', check);
    element.addEventListener('playing', check);
    if (element.readyState >= 2) check();
  }
}
