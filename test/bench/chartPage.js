// The chart-1m benchmark's page (bundled by test/bench/chart1m.ts): the dashboard's own Chart component drawing
// one /api/series request, timed with performance.now() from fetch() to the chart's data-drawn="1" (uPlot's draw hook).
import 'uplot/dist/uPlot.min.css';
import '../../ui/styles.css';
import { render } from 'preact';
import { Chart } from '../../ui/components/Chart.js';
import { html } from '../../ui/lib/html.js';

/** f64 body: uint32 header length, JSON header, padding to 8 bytes, float64 columns (x first), NaN for null. */
function readF64(buf) {
  const headerLength = new DataView(buf).getUint32(0, true);
  const head = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, headerLength)));
  const offset = Math.ceil((4 + headerLength) / 8) * 8;
  const data = [];
  for (let c = 0; c < head.columns; c++) {
    let col = new Float64Array(buf, offset + c * head.rows * 8, head.rows);
    // uPlot wants null for a gap: only a column that has gaps becomes a plain array.
    if (c > 0 && col.some(Number.isNaN)) col = Array.from(col, (v) => (Number.isNaN(v) ? null : v));
    data.push(col);
  }
  return { ...head, data };
}

window.drawSeries = async (url, format) => {
  const host = document.getElementById('chart');
  render(null, host);
  const t0 = performance.now();
  const res = await fetch(url, { cache: 'no-store' });
  const tHeaders = performance.now();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  let body;
  let bytes;
  let tBody;
  if (format === 'f64') {
    const buf = await res.arrayBuffer();
    tBody = performance.now();
    bytes = buf.byteLength;
    body = readF64(buf);
  } else {
    const text = await res.text();
    tBody = performance.now();
    bytes = text.length;
    body = JSON.parse(text);
  }
  const tParsed = performance.now();
  return await new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!host.querySelector('[data-testid=chart][data-drawn="1"]')) return;
      observer.disconnect();
      const tDrawn = performance.now();
      requestAnimationFrame(() => {
        const points = (body.data.length - 1) * body.data[0].length;
        resolve({ headersMs: tHeaders - t0, bodyMs: tBody - tHeaders, parseMs: tParsed - tBody, drawMs: tDrawn - tParsed, totalMs: tDrawn - t0, frameMs: performance.now() - tDrawn, bytes, points });
      });
    });
    observer.observe(host, { subtree: true, attributes: true, attributeFilter: ['data-drawn'] });
    render(
      html`<${Chart} title=${body.metric} metric=${body.metric} unit=${body.unit} kind=${body.kind} data=${body.data} series=${body.series.map((s) => ({ label: s.node }))} height=${300} />`,
      host,
    );
  });
};
