// The Explore page (being written).
import { html } from '../lib/html.js';

export function Explore() {
  return html`<section class="page"><h1>Explore</h1></section>`;
}
