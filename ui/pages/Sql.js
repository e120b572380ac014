// The Sql page (being written).
import { html } from '../lib/html.js';

export function Sql() {
  return html`<section class="page"><h1>Sql</h1></section>`;
}
