// What the demo reads from session descriptions.

/** The media SSRC of each media section of an SDP: [{kind, ssrc}]. In an
 * `a=ssrc-group:FID` the first SSRC is the media, the second its retransmissions. */
export function sdpSsrcs(sdp) {
  return sdp.split(/\r\n(?=m=)/).slice(1).flatMap((section) => {
    const kind = section.slice(2, section.indexOf(' '));
    const found = /^a=ssrc-group:FID (\d+)/m.exec(section) ?? /^a=ssrc:(\d+) /m.exec(section);
    return found ? [{ kind, ssrc: found[1] }] : [];
  });
}
