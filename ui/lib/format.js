// Number, unit and time formatting: compact, fixed-width friendly, consistent on every page.
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1024 && i < BYTE_UNITS.length - 1) {
    x /= 1024;
    i++;
  }
  return `${v < 0 ? '-' : ''}${x >= 100 || i === 0 ? x.toFixed(0) : x.toFixed(1)} ${BYTE_UNITS[i]}`;
}

/** "1.00" -> "1", "1.50%" -> "1.5%": tick labels and headers read better without trailing zeros. */
export function trimZeros(s) {
  return s.replace(/(\.\d*?)0+(?=[^\d]|$)/, '$1').replace(/\.(?=[^\d]|$)/, '');
}

export function formatNumber(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  // Whole numbers (keys, clients, replicas) read as they are: "2", not "2.00".
  if (Number.isInteger(v) && a < 1e4) return String(v);
  if (a >= 1e9) return (v / 1e9).toFixed(a >= 1e10 ? 1 : 2) + 'G';
  if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 1 : 2) + 'M';
  if (a >= 1e4) return (v / 1e3).toFixed(a >= 1e5 ? 0 : 1) + 'k';
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a === 0) return '0';
  if (a >= 0.01) return v.toFixed(2);
  return v.toPrecision(2);
}

export function formatSeconds(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a < 1e-3) return (v * 1e6).toFixed(a < 1e-5 ? 1 : 0) + ' µs';
  if (a < 1) return (v * 1e3).toFixed(a < 0.01 ? 2 : a < 0.1 ? 1 : 0) + ' ms';
  if (a < 120) return v.toFixed(a < 10 ? 2 : 1) + ' s';
  if (a < 7200) return (v / 60).toFixed(1) + ' min';
  if (a < 172800) return (v / 3600).toFixed(1) + ' h';
  return (v / 86400).toFixed(1) + ' d';
}

/** A value in its catalog unit; counters are per-second rates in the API, so they get "/s". */
export function formatValue(v, unit, kind) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const rate = kind === 'counter' ? '/s' : '';
  switch (unit) {
    case 'bytes':
      return formatBytes(v) + rate;
    case 'seconds':
      return kind === 'counter' ? formatNumber(v) + ' s/s' : formatSeconds(v);
    case 'ratio':
      return (v * 100).toFixed(v * 100 >= 10 ? 1 : 2) + '%';
    case 'boolean':
      return v ? 'yes' : 'no';
    case 'timestamp_seconds':
      return v > 0 ? formatTime(v) : '–';
    default:
      return formatNumber(v) + rate;
  }
}

/** Unix seconds as local "YYYY-MM-DD HH:MM:SS" (date dropped when today). */
export function formatTime(sec, { date = 'auto' } = {}) {
  const d = new Date(sec * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (date === 'never') return time;
  if (date === 'auto' && new Date().toDateString() === d.toDateString()) return time;
  return `${day} ${time}`;
}

/** "3 s ago", "5 min ago". */
export function formatAgo(sec, now = Date.now() / 1000) {
  const d = Math.max(0, now - sec);
  if (d < 60) return `${Math.round(d)} s ago`;
  if (d < 3600) return `${Math.round(d / 60)} min ago`;
  if (d < 86400) return `${(d / 3600).toFixed(1)} h ago`;
  return `${(d / 86400).toFixed(1)} d ago`;
}
