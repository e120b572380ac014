// The Overview page (being written).
import { html } from '../lib/html.js';

export function Overview() {
  return html`<section class="page"><h1>Overview</h1></section>`;
}
