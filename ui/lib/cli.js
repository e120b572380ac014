// The CLI page's pure parts: splitting a command line like redis-cli, replies as redis-cli prints them, argument hints and completion.

const utf8 = new TextEncoder();

function hexOf(bytes) {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/**
 * Splits a command line into arguments as redis-cli does: spaces separate, "double quotes" take \n \r \t \b \a \\ \" and
 * \xHH escapes, 'single quotes' are literal (\' excepted). An argument with \xHH escapes is sent as {hex} so any bytes
 * can be typed. Returns {args} or {error} for an unclosed quote.
 */
export function splitCommandLine(line) {
  const args = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) break;
    const bytes = [];
    let escaped = false;
    let inDq = false;
    let inSq = false;
    let done = false;
    const pushText = (s) => {
      for (const b of utf8.encode(s)) bytes.push(b);
    };
    while (!done) {
      if (i >= n) {
        if (inDq || inSq) return { error: `unclosed ${inDq ? 'double' : 'single'} quote` };
        break;
      }
      const c = line[i];
      if (inDq) {
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          bytes.push(parseInt(line.slice(i + 2, i + 4), 16));
          escaped = true;
          i += 4;
          continue;
        }
        if (c === '\\' && i + 1 < n) {
          const e = line[i + 1];
          const map = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };
          pushText(map[e] ?? e);
          i += 2;
          continue;
        }
        if (c === '"') {
          // A closing quote must be followed by a space or the end, as in redis-cli.
          if (i + 1 < n && !/\s/.test(line[i + 1])) return { error: 'closing quote must be followed by a space' };
          inDq = false;
          done = true;
          i++;
          continue;
        }
        pushText(c);
        i++;
        continue;
      }
      if (inSq) {
        if (c === '\\' && line[i + 1] === "'") {
          pushText("'");
          i += 2;
          continue;
        }
        if (c === "'") {
          if (i + 1 < n && !/\s/.test(line[i + 1])) return { error: 'closing quote must be followed by a space' };
          inSq = false;
          done = true;
          i++;
          continue;
        }
        pushText(c);
        i++;
        continue;
      }
      if (/\s/.test(c)) {
        done = true;
        continue;
      }
      if (c === '"' && bytes.length === 0) inDq = true;
      else if (c === "'" && bytes.length === 0) inSq = true;
      else pushText(c);
      i++;
    }
    if (escaped) args.push({ hex: hexOf(bytes) });
    else args.push(new TextDecoder().decode(new Uint8Array(bytes)));
  }
  return { args };
}

/** A bulk string as redis-cli quotes it: "text" with \n, \", \\ and \xHH for other control or non-UTF-8 bytes. */
export function quoteBulk(blob) {
  if (blob === null || blob === undefined) return '(nil)';
  if (typeof blob === 'string') return '"' + escapeText(blob) + '"';
  // The server already wrote non-UTF-8 bytes as \xHH in text; only the quotes and controls are left to mark.
  const text = blob.binary ? blob.text.replace(/"/g, '\\"') : escapeText(blob.text);
  return '"' + text + '"' + (blob.truncated ? `… (${blob.bytes} bytes, cut)` : '');
}

function escapeText(s) {
  return s.replace(/[\\"\x00-\x1f\x7f]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '"') return '\\"';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
  });
}

/** One scalar reply as redis-cli shows it, with a class for its colour. */
function scalar(r) {
  switch (r.t) {
    case 'simple':
      return { text: String(r.v), cls: 'r-simple' };
    case 'bulk':
      return { text: quoteBulk(r.v), cls: 'r-bulk' };
    case 'verbatim':
      // Printed as the text it is (INFO, LATENCY DOCTOR), not quoted.
      return { text: verbatimText(r), cls: 'r-bulk' };
    case 'error':
      return { text: `(error) ${typeof r.v === 'string' ? r.v : r.v?.text ?? ''}`, cls: 'r-error' };
    case 'int':
      return { text: `(integer) ${r.v}`, cls: 'r-int' };
    case 'double':
      return { text: `(double) ${r.v}`, cls: 'r-int' };
    case 'bignum':
      return { text: `(big number) ${r.v}`, cls: 'r-int' };
    case 'bool':
      return { text: r.v ? '(true)' : '(false)', cls: 'r-int' };
    case 'nil':
      return { text: '(nil)', cls: 'r-nil' };
    default:
      return { text: JSON.stringify(r), cls: '' };
  }
}

function verbatimText(r) {
  const text = typeof r.v === 'string' ? r.v : r.v?.text ?? '';
  return text + (r.v?.truncated ? `… (${r.v.bytes} bytes, cut)` : '');
}

/** What redis-cli 7+ prints after an item's number: ") " in arrays and pushes, "~ " in sets, "# " in maps. */
const numberMark = { map: '# ', set: '~ ' };
const emptyText = { map: '(empty hash)', set: '(empty set)', push: '(empty push)' };

/**
 * A typed reply tree as redis-cli 7+ prints it in RESP3 mode, one line per item: "1) ", nested aggregates indented
 * under their number, sets as "1~ member", maps as "1# key => value", verbatim text as its own lines.
 * A line is [{text, cls}] segments (the numbers have class r-idx).
 * `limit` stops after that many lines and adds a last line saying how many items were left out.
 */
export function replyLines(reply, limit = Infinity) {
  const lines = [];
  let cut = 0;
  const add = (segs) => {
    if (lines.length < limit) lines.push(segs);
    else cut++;
  };
  // lead: the segments that start the item's first line (its number); prefix: the indent of its other lines.
  const walk = (r, lead, prefix) => {
    const items = r.t === 'map' ? r.entries : r.items;
    if (r.t === 'verbatim') {
      // Its lines as they are, like redis-cli (which does not indent them either).
      const [first, ...rest] = verbatimText(r).replace(/\r?\n$/, '').split(/\r?\n/);
      add([...lead, { text: first, cls: 'r-bulk' }]);
      for (const l of rest) add([{ text: l, cls: 'r-bulk' }]);
      return;
    }
    if (!items) {
      add([...lead, scalar(r)]);
      return;
    }
    if (items.length === 0 && !(r.more > 0)) {
      add([...lead, { text: emptyText[r.t] ?? '(empty array)', cls: 'r-nil' }]);
      return;
    }
    const w = String(items.length).length;
    const inner = prefix + ' '.repeat(w + 2);
    items.forEach((it, i) => {
      const num = { text: String(i + 1).padStart(w) + (numberMark[r.t] ?? ') '), cls: 'r-idx' };
      const first = i === 0 ? [...lead, num] : [{ text: prefix, cls: '' }, num];
      if (r.t === 'map') {
        const [k, v] = it;
        const kText = k.items || k.entries ? scalar({ t: 'simple', v: '(nested key)' }) : scalar(k);
        const arrow = { text: ' => ', cls: 'r-idx' };
        if (v.items || v.entries || v.t === 'verbatim') walk(v, [...first, kText, arrow], inner + ' '.repeat(kText.text.length + 4));
        else add([...first, kText, arrow, scalar(v)]);
      } else walk(it, first, inner);
    });
    // The server keeps at most 10,000 elements of a reply and says how many it left out.
    if (r.more > 0) add([...(items.length === 0 ? lead : [{ text: prefix, cls: '' }]), { text: `… ${r.more} more element${r.more === 1 ? '' : 's'} not sent by Skyscope`, cls: 'r-nil' }]);
  };
  walk(reply, [], '');
  if (cut > 0) lines.push([{ text: `… ${cut} more line${cut === 1 ? '' : 's'} not shown`, cls: 'r-nil' }]);
  return lines;
}

/** The reply as plain text (what copying it gives). */
export function replyText(reply) {
  return replyLines(reply).map((l) => l.map((s) => s.text).join('')).join('\n');
}

// ---------- command docs: hints and completion ----------

function argText(a) {
  let inner;
  if (a.type === 'oneof' && a.arguments) inner = a.arguments.map(argText).join('|');
  else if (a.type === 'block' && a.arguments) inner = a.arguments.map(argText).join(' ');
  else if (a.type === 'pure-token') inner = a.token ?? a.name;
  else inner = (a.token ? a.token + ' ' : '') + a.name;
  const flags = a.flags ?? [];
  const optional = flags.includes('optional');
  const multiple = flags.includes('multiple');
  if (a.token && a.type !== 'pure-token' && (a.type === 'oneof' || a.type === 'block')) inner = `${a.token} ${a.type === 'oneof' ? inner : inner}`;
  let s = a.type === 'oneof' && !optional ? `<${inner}>` : inner;
  if (multiple) s = `${s} [${a.type === 'oneof' || a.type === 'block' ? s : a.name} ...]`;
  return optional ? `[${s}]` : s;
}

/** COMMAND DOCS arguments as the usage line redis-cli hints: key [NX|XX] [GET] [EX seconds|PX milliseconds]. */
export function argHint(args) {
  if (!Array.isArray(args) || args.length === 0) return '';
  return args.map(argText).join(' ');
}

/** Normalises a command name from the docs ("config|get" or "CONFIG GET") to upper-case words. */
export function commandWords(name) {
  return String(name).replace(/\|/g, ' ').toUpperCase();
}

/**
 * Completion for the line being typed. commands: [{name, ...}] (subcommands as "config|get" or "CONFIG GET").
 * Returns {matches: [command], prefix} where the word(s) typed so far match the start of each command's words;
 * once a whole command and a space are typed, {command} is the matched command for its argument hint.
 */
export function complete(line, commands) {
  const typed = line.replace(/^\s+/, '');
  const words = typed.split(/\s+/);
  const upper = typed.toUpperCase();
  // The longest command whose words are all typed and followed by a space: its hint is shown.
  let command;
  for (const c of commands) {
    const w = commandWords(c.name);
    if (upper.startsWith(w + ' ') && (!command || w.length > commandWords(command.name).length)) command = c;
  }
  const matches = [];
  if (words.length <= 2 && typed.length > 0) {
    for (const c of commands) {
      const w = commandWords(c.name);
      if (w.startsWith(upper) && w !== upper.trimEnd()) matches.push(c);
    }
    // A bare "CONFIG " lists its subcommands; "CO" lists commands, not their subcommands.
    const filtered = words.length === 1 ? matches.filter((c) => !commandWords(c.name).includes(' ')) : matches.filter((c) => commandWords(c.name).includes(' '));
    filtered.sort((a, b) => (commandWords(a.name) < commandWords(b.name) ? -1 : 1));
    if (filtered.length > 0 || !command) return { matches: filtered, command };
  }
  // Inside a known command's arguments: the word being typed completes to one of its tokens (EX, NX, MATCH ...).
  const last = words[words.length - 1] ?? '';
  if (!command || last === '' || words.length <= commandWords(command.name).split(' ').length) return { matches: [], command };
  const want = last.toUpperCase();
  return { matches: argumentTokens(command.arguments).filter((t) => t.name.startsWith(want) && t.name !== want), command };
}

/** The line after choosing a completion: the command's words (upper case, as typed in redis-cli docs), or the
 * argument token in place of the word being typed, and a space. */
export function applyCompletion(line, c) {
  if (c.token) return line.replace(/\S*$/, '') + c.name + ' ';
  const lead = line.match(/^\s*/)[0];
  return lead + commandWords(c.name) + ' ';
}

/** Every token a command's COMMAND DOCS arguments accept, at any depth, once each: [{name, summary, token: true}]. */
export function argumentTokens(args) {
  const out = new Map();
  const walk = (list) => {
    for (const a of Array.isArray(list) ? list : []) {
      if (a && typeof a.token === 'string' && a.token !== '' && !out.has(a.token.toUpperCase())) {
        out.set(a.token.toUpperCase(), { name: a.token.toUpperCase(), summary: a.type === 'pure-token' ? '' : `${a.token.toUpperCase()} ${a.name}`, token: true });
      }
      if (a && Array.isArray(a.arguments)) walk(a.arguments);
    }
  };
  walk(args);
  return [...out.values()];
}

/** What the user typed after the command's words, to place the hint after the arguments already given. */
export function typedArgCount(line, command) {
  const w = commandWords(command.name).split(' ').length;
  const parsed = splitCommandLine(line);
  if (!parsed.args) return 0;
  return Math.max(0, parsed.args.length - w);
}

/** History entries (newest first) as lines for the up/down arrows, without repeats next to each other. */
export function historyLines(entries) {
  const out = [];
  for (const e of entries) {
    const line = typeof e === 'string' ? e : e.line ?? e.command ?? (Array.isArray(e.args) ? e.args.join(' ') : '');
    if (line && out[out.length - 1] !== line) out.push(line);
  }
  return out;
}
