// A fabric's session descriptions: sent whenever signalling is stable and
// they changed, masked as configured, never over the collector's limit.

import { LIMITS } from '../limits.js';
import { utf8Bytes } from '../text.js';

export class SdpReporter {
  /** @param {import('./fabric.js').Fabric} fabric */
  constructor(fabric) {
    this.fabric = fabric;
    this.last = '';
  }

  /** @param {number} at when signalling became stable */
  send(at) {
    const fabric = this.fabric;
    const local = fabric.pc.localDescription && fabric.pc.localDescription.sdp;
    const remote = fabric.pc.remoteDescription && fabric.pc.remoteDescription.sdp;
    /** @type {{ localSDP?: string, remoteSDP?: string }} */
    const fields = {};
    /** @type {Array<['localSDP' | 'remoteSDP', string | null | undefined]>} */
    const given = [['localSDP', local], ['remoteSDP', remote]];
    for (const [key, sdp] of given) {
      if (typeof sdp !== 'string' || sdp === '') continue;
      const text = fabric.privacy(sdp);
      if (utf8Bytes(text) <= LIMITS.sdpBytes) fields[key] = text;
      else fabric.log.warn(`${key} of ${fabric.connectionID} is over ${LIMITS.sdpBytes} bytes and is not sent`);
    }
    const signature = `${fields.localSDP || ''}\n--\n${fields.remoteSDP || ''}`;
    if (Object.keys(fields).length === 0 || signature === this.last) return;
    this.last = signature;
    fabric.post('events/sdp', fields, { at, label: `SDP ${fabric.connectionID}` });
  }
}
