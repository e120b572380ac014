// The Events page (being written).
import { html } from '../lib/html.js';

export function Events() {
  return html`<section class="page"><h1>Events</h1></section>`;
}
