// The demo's live statistics table, fed by csStatsCallback.

const formatNumber = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '');

/** Shows one stream of one side in its row, adding the row the first time. */
export function showStream(table, side, ssrc, stream) {
  const body = table.tBodies[0];
  const key = `${side}:${ssrc}`;
  let row = [...body.rows].find((r) => r.dataset.key === key);
  if (!row) {
    row = body.insertRow();
    row.dataset.key = key;
    for (let i = 0; i < 7; i += 1) row.insertCell();
    [...row.cells].slice(4).forEach((cell) => cell.classList.add('number'));
  }
  const values = [
    side, ssrc, stream.reportType ?? '', stream.mediaType ?? stream.kind ?? '',
    formatNumber(stream.rtt, 0),
    Number.isFinite(stream.fractionLoss) ? `${(stream.fractionLoss * 100).toFixed(1)} %` : '',
    formatNumber(stream.bitrate / 1000, 0),
  ];
  values.forEach((value, i) => { row.cells[i].textContent = value; });
}
