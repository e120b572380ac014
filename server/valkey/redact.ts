// Hides secrets in a command before it is shown, logged or stored (CLI history, audit): passwords never reach the file.

const hidden = '***';

/** The arguments that carry a secret, by position; what is left is safe to keep. */
export function secretIndexes(argv: readonly string[]): Set<number> {
  const up = argv.map((a) => a.toUpperCase());
  const out = new Set<number>();
  const all = (from: number) => {
    for (let i = from; i < argv.length; i++) out.add(i);
  };
  const cmd = up[0] ?? '';
  const sub = up[1] ?? '';
  if (cmd === 'AUTH') all(1);
  else if (cmd === 'HELLO') {
    // HELLO [protover [AUTH username password] [SETNAME name]]
    const at = up.indexOf('AUTH', 1);
    if (at > 0) out.add(at + 2);
  } else if (cmd === 'MIGRATE') {
    // ... AUTH password | AUTH2 username password
    const at = up.findIndex((a, i) => i > 5 && (a === 'AUTH' || a === 'AUTH2'));
    if (at > 0) out.add(up[at] === 'AUTH' ? at + 1 : at + 2);
  } else if (cmd === 'ACL' && sub === 'SETUSER') {
    // Rules >pass, <pass (add/remove a password), #hash, !hash (the same as hashes); keep on/off, ~keys, +@cats.
    for (let i = 3; i < argv.length; i++) if (/^[<>#!]/.test(argv[i]!)) out.add(i);
  } else if (cmd === 'CONFIG' && sub === 'SET') {
    // CONFIG SET name value [name value ...]: any setting whose name says pass (requirepass, masterauth, tls-key-file-pass ...).
    for (let i = 2; i + 1 < argv.length; i += 2) if (/pass|auth|secret|token/i.test(argv[i]!)) out.add(i + 1);
  }
  out.delete(0);
  for (const i of out) if (i >= argv.length) out.delete(i);
  return out;
}

/** argv with every secret replaced by *** (same length, so positions still line up). */
export function redactArgs(argv: readonly string[]): string[] {
  const secret = secretIndexes(argv);
  return argv.map((a, i) => (secret.has(i) ? hidden : a));
}

/** A command line for display and storage: redacted, arguments quoted when they need it, non-printable bytes as \xHH. */
export function commandLine(argv: readonly Uint8Array[]): string {
  const texts = argv.map(argText);
  return redactArgs(texts)
    .map((a) => (a === '' || /[\s"']/.test(a) ? `"${a.replace(/["\\]/g, (c) => `\\${c}`)}"` : a))
    .join(' ');
}

/** UTF-8 text when the bytes are valid UTF-8 without control characters, otherwise printable ASCII with \xHH escapes. */
function argText(b: Uint8Array): string {
  try {
    const s = new TextDecoder('utf-8', { fatal: true }).decode(b);
    if (!/[\x00-\x1f\x7f]/.test(s)) return s;
  } catch {
    // falls through to escapes
  }
  return Array.from(b, (c) => (c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`)).join('');
}
