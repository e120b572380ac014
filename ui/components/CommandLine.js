// A command log entry's command, binary-safe: the name, then each argument as key text (escaped, cut and binary marked), capped so a huge entry stays one cheap row.
import { html } from '../lib/html.js';
import { formatBytes } from '../lib/format.js';
import { shownArgs } from '../lib/latency.js';
import { KeyText } from './KeyText.js';

/** entry: an API command log entry ({cmd, args, argsMore, line}); the full display line is the tooltip. */
export function CommandLine({ entry, maxArgs }) {
  const { args, hidden } = shownArgs(entry, maxArgs);
  const name = entry.args?.[0];
  return html`<span class="cmd-line" title=${entry.line?.length > 4000 ? entry.line.slice(0, 4000) + '…' : entry.line}>
    <span class="cmd-name mono">${name ? (name.binary || name.truncated ? html`<${KeyText} k=${name} />` : name.text) : entry.cmd}</span>
    <span class="cmd-args">${args.map(({ k, cut }) => html`<span class="cmd-arg"><${KeyText} k=${k} />${cut > 0
      ? html`<span class="key-cut" data-testid="cl-arg-cut" title=${`The server logged only the first ${k.bytes} bytes of this argument; ${cut} more were cut`}>…+${formatBytes(cut)}</span>`
      : null}</span>`)}</span>
    ${hidden > 0 ? html`<span class="cmd-more muted" data-testid="cl-args-more">+${hidden} more argument${hidden === 1 ? '' : 's'}</span>` : null}
  </span>`;
}
