// The Dashboard page (being written).
import { html } from '../lib/html.js';

export function Dashboard() {
  return html`<section class="page"><h1>Dashboard</h1></section>`;
}
