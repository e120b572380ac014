// The latency and command log pages' pure parts: units, bounds as typed, filters to API parameters, paging, links, chart columns, sorting, status notes.
import { expect, test } from 'bun:test';
import {
  boundsNote, changeRatio, commandLatencyChart, commandlogFilters, commandlogQuery, correlationParams, dashboardHref, entryKey, formatChange, formatLogValue,
  formatMicros, formatMillis, groupsByType, latencyCharts, logStatusNotes, mergePages, monitorNote, nextSort, parseAmount, readCorrelation, readSort,
  shownArgs, sortRows, COMMANDSTATS_COLUMNS, type CommandLogEntryJson,
} from '../../ui/lib/latency.js';

const key = (text: string, more: Partial<{ binary: boolean; truncated: boolean; bytes: number }> = {}) => ({
  text, hex: Buffer.from(text).toString('hex'), bytes: text.length, binary: false, truncated: false, ...more,
});
function entry(more: Partial<CommandLogEntryJson> = {}): CommandLogEntryJson {
  return {
    ts: 1000, node: '127.0.0.1:7000', type: 'slow', id: 1, value: 50_000, unit: 'us', cmd: 'debug', args: [key('DEBUG'), key('SLEEP'), key('0.05')],
    argsMore: 0, line: 'DEBUG SLEEP 0.05', client: '127.0.0.1:5000', clientName: '', pattern: 'DEBUG SLEEP #', ...more,
  };
}

test('slow values read as µs, ms or s; sizes in binary units; the monitor\'s milliseconds likewise', () => {
  expect(formatMicros(350)).toBe('350 µs');
  expect(formatMicros(50_193)).toBe('50.2 ms');
  expect(formatMicros(50_000)).toBe('50 ms');
  expect(formatMicros(1500)).toBe('1.5 ms');
  expect(formatMicros(2_500_000)).toBe('2.5 s');
  expect(formatMicros(0)).toBe('0 µs');
  expect(formatMicros(null)).toBe('–');
  expect(formatLogValue(10_000, 'us')).toBe('10 ms');
  expect(formatLogValue(512, 'bytes')).toBe('512 B');
  expect(formatLogValue(1_048_576, 'bytes')).toBe('1.0 MiB');
  expect(formatLogValue(3 * 1024 * 1024 * 1024, 'bytes')).toBe('3.0 GiB');
  expect(formatMillis(51)).toBe('51 ms');
  expect(formatMillis(1200)).toBe('1.2 s');
});

test('a bound as typed: durations to µs, sizes to bytes (k = 1000, kb = 1024 as the server reads them), bare numbers as they are', () => {
  expect(parseAmount('10ms')).toEqual({ value: 10_000, unit: 'us' });
  expect(parseAmount(' 1.5 s ')).toEqual({ value: 1_500_000, unit: 'us' });
  expect(parseAmount('500µs')).toEqual({ value: 500, unit: 'us' });
  expect(parseAmount('500us')).toEqual({ value: 500, unit: 'us' });
  expect(parseAmount('64KB')).toEqual({ value: 65_536, unit: 'bytes' });
  expect(parseAmount('64k')).toEqual({ value: 64_000, unit: 'bytes' });
  expect(parseAmount('2mb')).toEqual({ value: 2 * 1024 * 1024, unit: 'bytes' });
  expect(parseAmount('100b')).toEqual({ value: 100, unit: 'bytes' });
  expect(parseAmount('5000')).toEqual({ value: 5000, unit: null });
  expect(parseAmount('')).toBeUndefined();
  expect(parseAmount(null)).toBeUndefined();
  expect(parseAmount('ten')).toHaveProperty('error');
  expect(parseAmount('5 parsecs')).toHaveProperty('error');
  expect(parseAmount('-5ms')).toHaveProperty('error');
});

test('filters come from the URL as typed and become API parameters; unknown types and groups are ignored', () => {
  const f = commandlogFilters(new URLSearchParams('node=127.0.0.1:7000&type=slow,bogus,large-reply&cmd=GET&client=app&q=user:&min=10ms&max=2s&group=pattern'));
  expect(f).toEqual({ node: '127.0.0.1:7000', types: ['slow', 'large-reply'], cmd: 'GET', client: 'app', q: 'user:', min: '10ms', max: '2s', group: 'pattern' });
  const { params, errors } = commandlogQuery(f, { from: 100, to: 200 });
  expect(params).toEqual({ from: 100, to: 200, node: '127.0.0.1:7000', type: 'slow,large-reply', cmd: 'get', client: 'app', q: 'user:', min: 10_000, max: 2_000_000 });
  expect(errors).toEqual({});

  const none = commandlogFilters(new URLSearchParams('group=sideways'));
  expect(none).toEqual({ node: 'all', types: [], cmd: '', client: '', q: '', min: '', max: '', group: 'none' });
  // All three types is no type filter; node=all is no node filter.
  expect(commandlogQuery({ ...none, types: ['slow', 'large-request', 'large-reply'] }, { from: 1, to: 2 }).params).toEqual({ from: 1, to: 2 });
  // A bound that cannot be read is reported and not sent.
  const bad = commandlogQuery({ ...none, min: 'lots' }, { from: 1, to: 2 });
  expect(bad.params).toEqual({ from: 1, to: 2 });
  expect(bad.errors.min).toContain('lots');
});

test('a bound over types of different units says so', () => {
  const base = commandlogFilters(new URLSearchParams(''));
  expect(boundsNote(base)).toBeNull();
  expect(boundsNote({ ...base, min: '10ms' })).toContain('µs for slow entries and bytes');
  expect(boundsNote({ ...base, types: ['slow'], min: '10ms' })).toBeNull();
  expect(boundsNote({ ...base, types: ['slow'], min: '1MB' })).toContain('size bound on slow');
  expect(boundsNote({ ...base, types: ['large-reply'], max: '10ms' })).toContain('duration bound');
  expect(boundsNote({ ...base, types: ['large-reply', 'large-request'], min: '1MB' })).toBeNull();
});

test('pages merge newest first without the entries two pages share', () => {
  const a = entry({ id: 3, ts: 30 });
  const b = entry({ id: 2, ts: 20 });
  const c = entry({ id: 1, ts: 10 });
  const other = entry({ id: 2, ts: 20, node: '127.0.0.1:7001' });
  expect(mergePages([{ entries: [a, b] }, { entries: [b, other, c] }]).map(entryKey)).toEqual([entryKey(a), entryKey(b), entryKey(other), entryKey(c)]);
  expect(mergePages([])).toEqual([]);
});

test('arguments shown are capped in count and length; the hidden count adds the ones the server dropped', () => {
  const e = entry({ args: [key('MSET'), ...Array.from({ length: 20 }, (_, i) => key('k' + i))], argsMore: 5 });
  const s = shownArgs(e, 12);
  expect(s.args.length).toBe(12);
  expect(s.args[0]!.k.text).toBe('k0');
  expect(s.args[0]!.cut).toBe(0);
  expect(s.hidden).toBe(8 + 5);
  expect(s.dropped).toBe(5);
  const long = shownArgs(entry({ args: [key('SET'), key('x'.repeat(5000))] }), 12, 200);
  expect(long.args[0]!.k.text.length).toBe(200);
  expect(long.args[0]!.k.truncated).toBe(true);
  // An argument the server itself cut (Valkey keeps 128 bytes of each) says how much is missing.
  const cut = shownArgs(entry({ args: [key('SET'), key('big'), key('x'.repeat(128))], argsCut: [0, 0, 1_999_872] }));
  expect(cut.args.map((a) => a.cut)).toEqual([0, 1_999_872]);
  expect(long.hidden).toBe(0);
  const bin = key('\\x00\\xff', { binary: true });
  expect(shownArgs(entry({ args: [key('GET'), bin] })).args[0]).toEqual({ k: bin, cut: 0 });
});

test('links: the dashboard 5 min either side of an entry on its node; the correlation panel state in the URL', () => {
  expect(dashboardHref('127.0.0.1:7000', 1000.4)).toBe('/dashboard?node=127.0.0.1%3A7000&from=700&to=1301');
  expect(dashboardHref('n:1', 1000, 60)).toBe('/dashboard?node=n%3A1&from=940&to=1060');
  const params = correlationParams('127.0.0.1:7000', 1234.6);
  expect(params).toEqual({ corr: 1235, corrNode: '127.0.0.1:7000' });
  const q = new URLSearchParams({ ...params, corr: String(params.corr), other: 'x' });
  expect(readCorrelation(q)).toEqual({ node: '127.0.0.1:7000', ts: 1235, before: 60 });
  q.set('corrBefore', '300');
  expect(readCorrelation(q)?.before).toBe(300);
  expect(readCorrelation(new URLSearchParams('corr=1235'))).toBeNull();
  expect(readCorrelation(new URLSearchParams('corr=abc&corrNode=n:1'))).toBeNull();
});

test('/api/latency columns become one chart per event with only the times that event has a sample', () => {
  const resp = {
    series: [{ node: '127.0.0.1:7010', event: 'command' }, { node: '127.0.0.1:7002', event: 'command' }, { node: '127.0.0.1:7002', event: 'fork' }],
    data: [
      [10, 11, 12, 13],
      [50, null, null, 70],
      [null, 60, null, null],
      [null, null, 5, null],
    ],
  };
  expect(latencyCharts(resp)).toEqual([
    // Nodes by port as a number: 7002 before 7010.
    { event: 'command', nodes: ['127.0.0.1:7002', '127.0.0.1:7010'], data: [[10, 11, 13], [null, 60, null], [50, null, 70]] },
    { event: 'fork', nodes: ['127.0.0.1:7002'], data: [[12], [5]] },
  ]);
  // The range asked for is kept at the ends (empty), so spikes sit where they happened in it.
  expect(latencyCharts({ ...resp, from: 5.5, to: 20.2 })[1]).toEqual({ event: 'fork', nodes: ['127.0.0.1:7002'], data: [[5, 12, 21], [null, 5, null]] });
  expect(latencyCharts(undefined)).toEqual([]);
  expect(latencyCharts({ series: [], data: [[]] })).toEqual([]);
});

test('per-command latency: series by node then percentile, labelled p50/p99/p99.9, with the node when there are several', () => {
  const one = commandLatencyChart({
    series: [{ node: 'a:1', labels: { cmd: 'get', percentile: '99.9' } }, { node: 'a:1', labels: { cmd: 'get', percentile: '50' } }, { node: 'a:1', labels: { cmd: 'get', percentile: '99' } }],
    data: [[1, 2], [3, 4], [1, 1], [2, 2]],
  });
  expect(one.series.map((s) => s.label)).toEqual(['p50', 'p99', 'p99.9']);
  expect(one.data).toEqual([[1, 2], [1, 1], [2, 2], [3, 4]]);
  const two = commandLatencyChart({
    series: [{ node: 'a:2', labels: { percentile: '99' } }, { node: 'a:1', labels: { percentile: '99' } }],
    data: [[1], [20], [10]],
  });
  expect(two.series).toEqual([{ label: 'a:1 p99', node: 'a:1', percentile: '99' }, { label: 'a:2 p99', node: 'a:2', percentile: '99' }]);
  expect(two.data).toEqual([[1], [10], [20]]);
  expect(commandLatencyChart(null)).toEqual({ series: [], data: [[]] });
});

test('sorting: numbers either way with missing values last, names as ties; the URL value flips or starts in the column\'s direction', () => {
  const rows = [
    { cmd: 'get', callsPerSec: 10, usecPerSec: 5 },
    { cmd: 'set', callsPerSec: 30, usecPerSec: null },
    { cmd: 'del', callsPerSec: 10, usecPerSec: 50 },
  ];
  expect(sortRows(rows, 'callsPerSec', true).map((r) => r.cmd)).toEqual(['set', 'del', 'get']);
  expect(sortRows(rows, 'callsPerSec', false).map((r) => r.cmd)).toEqual(['del', 'get', 'set']);
  expect(sortRows(rows, 'usecPerSec', true).map((r) => r.cmd)).toEqual(['del', 'get', 'set']);
  expect(sortRows(rows, 'usecPerSec', false).map((r) => r.cmd)).toEqual(['get', 'del', 'set']);
  expect(sortRows(rows, 'cmd', false).map((r) => r.cmd)).toEqual(['del', 'get', 'set']);
  expect(rows[0]!.cmd).toBe('get'); // not sorted in place

  const def = { key: 'usecPerSec', desc: true };
  expect(readSort(null, COMMANDSTATS_COLUMNS, def)).toEqual(def);
  expect(readSort('-callsPerSec', COMMANDSTATS_COLUMNS, def)).toEqual({ key: 'callsPerSec', desc: true });
  expect(readSort('cmd', COMMANDSTATS_COLUMNS, def)).toEqual({ key: 'cmd', desc: false });
  expect(readSort('-nonsense', COMMANDSTATS_COLUMNS, def)).toEqual(def);
  const col = (k: string) => COMMANDSTATS_COLUMNS.find((c) => c.key === k)!;
  expect(nextSort(def, col('usecPerSec'))).toBe('usecPerSec');
  expect(nextSort({ key: 'usecPerSec', desc: false }, col('usecPerSec'))).toBe('-usecPerSec');
  expect(nextSort(def, col('cmd'))).toBe('cmd');
  expect(nextSort(def, col('callsPerSec'))).toBe('-callsPerSec');
});

test('groups by type in the page order, each keeping the API\'s order', () => {
  const g = (type: string, key: string) => ({ type, key });
  expect(groupsByType([g('large-reply', 'lrange'), g('slow', 'debug'), g('slow', 'keys'), g('weird', 'x')])).toEqual([
    { type: 'slow', groups: [g('slow', 'debug'), g('slow', 'keys')] },
    { type: 'large-reply', groups: [g('large-reply', 'lrange')] },
    { type: 'weird', groups: [g('weird', 'x')] },
  ]);
  expect(groupsByType(undefined)).toEqual([]);
});

test('status notes say what is off, unsupported or losing entries, and which setting fixes it', () => {
  const log = (type: string, more = {}) => ({ type, threshold: 10_000, thresholdUnit: 'us' as const, maxLen: 128, length: 3, lastId: 2, collected: 3, lost: 0, ...more });
  expect(logStatusNotes({ node: 'n:1', source: 'commandlog', logs: [log('slow'), log('large-reply', { thresholdUnit: 'bytes' })] })).toEqual([]);
  const off = logStatusNotes({ node: 'n:1', source: 'commandlog', logs: [log('slow', { threshold: -1 })] });
  expect(off).toHaveLength(1);
  expect(off[0]!.text).toContain('CONFIG SET commandlog-execution-slower-than 10000');
  const slowlogOff = logStatusNotes({ node: 'n:1', source: 'slowlog', logs: [log('slow', { threshold: -1 })] });
  expect(slowlogOff[0]!.text).toContain('slowlog-log-slower-than');
  const lost = logStatusNotes({ node: 'n:1', source: 'slowlog', logs: [log('slow', { lost: 7 })] });
  expect(lost[0]!.text).toContain('7 slow entries were dropped');
  expect(lost[0]!.text).toContain('slowlog-max-len');
  const none = logStatusNotes({ node: 'n:1', source: null, logs: [] });
  expect(none[0]!.level).toBe('bad');
  expect(none[0]!.text).toContain('Neither COMMANDLOG nor SLOWLOG');
  expect(logStatusNotes({ node: 'n:1', source: 'slowlog', error: 'timeout', logs: [] })[0]!.text).toContain('timeout');
  // Not read yet is not unsupported.
  expect(logStatusNotes({ node: 'n:1', source: null, sourceState: 'pending', logs: [] })).toEqual([]);
  expect(logStatusNotes({ node: 'n:1', source: null, sourceState: 'unsupported', logs: [] })[0]!.level).toBe('bad');
});

test('the monitor note says off costs nearly nothing to turn on; nothing when it is on', () => {
  expect(monitorNote({ thresholdMs: 0 })?.text).toContain('costs nearly nothing');
  expect(monitorNote({ thresholdMs: 100 })).toBeNull();
  expect(monitorNote({ thresholdMs: 100, error: 'NOPERM' })?.text).toContain('NOPERM');
  expect(monitorNote({ thresholdMs: null, sourceState: 'pending' })).toBeNull();
  expect(monitorNote({ thresholdMs: null, sourceState: 'unsupported' })?.text).toContain('ACL SETUSER');
});

test('change against the baseline: a ratio, shown only when it is worth saying', () => {
  expect(changeRatio(30, 10)).toBe(3);
  expect(changeRatio(0, 0)).toBe(1);
  expect(changeRatio(5, 0)).toBeNull();
  expect(changeRatio(null, 3)).toBeNull();
  expect(formatChange(3)).toBe('×3.0');
  expect(formatChange(25)).toBe('×25');
  expect(formatChange(1.5)).toBe('+50%');
  expect(formatChange(0.6)).toBe('−40%');
  expect(formatChange(1.02)).toBe('');
  expect(formatChange(null)).toBe('');
});
