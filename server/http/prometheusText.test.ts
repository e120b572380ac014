// Tests /metrics text: order, HELP/TYPE per family, escaping and special values, and promtool's verdict on output from real INFO.
import { describe, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { promtoolPath } from '../../test/servers/servers.ts';
import { infoToReadings } from '../collect/infoReadings.ts';
import { catalog, families, self } from '../metrics/catalog.ts';
import { LatestValues } from '../metrics/latestValues.ts';
import { parseInfo, serverIdentity } from '../valkey/infoReply.ts';
import { isByteStat, parseMemoryStats } from '../valkey/memoryStatsReply.ts';
import { renderPrometheus, type NodeIdentity } from './prometheusText.ts';

function fixture(flavor: string, name: string): unknown {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures', flavor, `${name}.json`), 'utf8')) as { reply: Json };
  return fromJson(f.reply);
}

const PRIMARY = '127.0.0.1:7000';
const REPLICA = '127.0.0.1:7001';

/** What the node watchers would hold after one poll of a primary and its replica of this flavor. */
function latestFromFixtures(flavor: string): { latest: LatestValues; nodes: NodeIdentity[] } {
  const latest = new LatestValues();
  const primaryInfo = parseInfo(String(fixture(flavor, 'info-all')));
  const replicaInfo = parseInfo(String(fixture(flavor, 'info-replica')));
  const stats = Object.entries(parseMemoryStats(fixture(flavor, 'memory-stats'))).map(([stat, value]) => ({
    metric: isByteStat(stat) ? families.memoryStatsBytes : families.memoryStatsOther,
    labels: { stat },
    value,
  }));
  latest.update(PRIMARY, [...infoToReadings(primaryInfo), ...stats, { metric: self.up, value: 1 }, { metric: self.pollDuration, labels: { source: 'info' }, value: 0.0012 }], 1000);
  latest.update(REPLICA, [...infoToReadings(replicaInfo), { metric: self.up, value: 1 }], 1000);
  const { flavor: f, version } = serverIdentity(primaryInfo);
  return {
    latest,
    nodes: [
      { address: PRIMARY, flavor: f, version, role: 'primary' },
      { address: REPLICA, flavor: f, version, role: 'replica' },
    ],
  };
}

function promtool(text: string): { status: number | null; output: string } {
  const r = spawnSync(promtoolPath(), ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 10_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** name{labels} of a sample line. */
const seriesOf = (line: string) => line.slice(0, line.lastIndexOf(' '));
const nameOf = (line: string) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0];

const flavors = [
  { flavor: 'redis7', identity: 'flavor="redis",version="7.0.15"', getUsec: 60, p999: '0.000011007' },
  { flavor: 'valkey8', identity: 'flavor="valkey",version="8.0.1"', getUsec: 39, p999: '0.000011007' },
  { flavor: 'valkey9', identity: 'flavor="valkey",version="9.1.2"', getUsec: 45, p999: '0.000009023' },
  { flavor: 'redis8', identity: 'flavor="redis",version="8.6.3"', getUsec: 27, p999: '0.000006015' },
];

describe('renderPrometheus on values from real INFO and MEMORY STATS', () => {
  test.each(flavors)('$flavor: promtool check metrics accepts it', ({ flavor }) => {
    const { latest, nodes } = latestFromFixtures(flavor);
    expect(promtool(renderPrometheus(latest, nodes))).toEqual({ status: 0, output: '' });
  });

  test.each(flavors)('$flavor: counters cumulative, latency in seconds, identity as labels', ({ flavor, identity, getUsec, p999 }) => {
    const { latest, nodes } = latestFromFixtures(flavor);
    const lines = renderPrometheus(latest, nodes).split('\n');
    expect(lines).toContain(`valkey_node_info{node="${PRIMARY}",${identity},role="primary"} 1`);
    expect(lines).toContain(`valkey_node_info{node="${REPLICA}",${identity},role="replica"} 1`);
    expect(lines).toContain(`valkey_command_calls_total{node="${PRIMARY}",cmd="get"} 102`);
    expect(lines).toContain(`valkey_command_duration_seconds_total{node="${PRIMARY}",cmd="get"} ${getUsec / 1e6}`);
    expect(lines).toContain(`valkey_command_latency_seconds{node="${PRIMARY}",cmd="get",percentile="99.9"} ${p999}`);
    expect(lines).toContain(`valkey_db_keys{node="${PRIMARY}",db="0"} 58`);
    expect(lines).toContain(`valkey_keyspace_hits_total{node="${PRIMARY}"} 93`);
    expect(lines).toContain(`valkey_role_primary{node="${REPLICA}"} 0`);
    expect(lines).toContain(`valkey_memory_stats_value{node="${PRIMARY}",stat="keys.count"} 59`);
    expect(lines).toContain('# TYPE valkey_command_calls_total counter');
    expect(lines).toContain('# TYPE valkey_command_latency_seconds gauge');
  });

  test.each(flavors)('$flavor: one HELP and TYPE per family, families contiguous and in catalog order, no duplicate series', ({ flavor }) => {
    const { latest, nodes } = latestFromFixtures(flavor);
    const text = renderPrometheus(latest, nodes);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    const names: string[] = [];
    const seen = new Set<string>();
    let current = '';
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.startsWith('# HELP ')) {
        current = line.split(' ')[2]!;
        names.push(current);
        expect(lines[i + 1]).toMatch(new RegExp(`^# TYPE ${current} (gauge|counter)$`));
        i++;
        continue;
      }
      expect(nameOf(line)).toBe(current);
      expect(seen.has(seriesOf(line))).toBe(false);
      seen.add(seriesOf(line));
    }
    expect(new Set(names).size).toBe(names.length);
    const order = catalog.map((d) => d.name);
    expect(names).toEqual([...names].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    expect(names.length).toBeGreaterThan(50);
  });
});

describe('renderPrometheus (synthetic values)', () => {
  test('output does not depend on insertion order', () => {
    const { latest, nodes } = latestFromFixtures('valkey9');
    const reversed = new LatestValues();
    for (const node of [...latest.nodes()].reverse()) reversed.update(node, [...latest.entries(node)].reverse(), 2000);
    expect(renderPrometheus(reversed, [...nodes].reverse())).toBe(renderPrometheus(latest, nodes));
  });

  test('lines within a family are sorted by node, then labels', () => {
    const latest = new LatestValues();
    latest.update('10.0.0.2:6379', [{ metric: families.dbKeys, labels: { db: '0' }, value: 1 }], 1);
    latest.update('10.0.0.1:6379', [{ metric: families.dbKeys, labels: { db: '1' }, value: 2 }, { metric: families.dbKeys, labels: { db: '0' }, value: 3 }], 1);
    expect(renderPrometheus(latest, []).split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'valkey_db_keys{node="10.0.0.1:6379",db="0"} 3',
      'valkey_db_keys{node="10.0.0.1:6379",db="1"} 2',
      'valkey_db_keys{node="10.0.0.2:6379",db="0"} 1',
      '',
    ]);
  });

  test('label values escape backslash, double quote and newline; promtool reads them back', () => {
    const latest = new LatestValues();
    latest.update('n:1', [{ metric: families.errors, labels: { error: 'a\\b"c\nd' }, value: 1 }], 1);
    const text = renderPrometheus(latest, [{ address: 'n:1', role: 'primary' }]);
    expect(text).toContain('valkey_errors_total{node="n:1",error="a\\\\b\\"c\\nd"} 1\n');
    expect(text).toContain('valkey_node_info{node="n:1",flavor="unknown",version="unknown",role="primary"} 1\n');
    expect(promtool(text)).toEqual({ status: 0, output: '' });
  });

  test('NaN, +Inf, -Inf and ordinary numbers', () => {
    const latest = new LatestValues();
    latest.update('n:1', [
      { metric: families.commandLatency, labels: { cmd: 'a', percentile: '50' }, value: NaN },
      { metric: families.commandLatency, labels: { cmd: 'b', percentile: '50' }, value: Infinity },
      { metric: families.commandLatency, labels: { cmd: 'c', percentile: '50' }, value: -Infinity },
      { metric: families.commandLatency, labels: { cmd: 'd', percentile: '50' }, value: 0.000001003 },
      { metric: families.commandLatency, labels: { cmd: 'e', percentile: '50' }, value: 25276063744 },
    ], 1);
    const text = renderPrometheus(latest, []);
    expect(text.split('\n').filter((l) => l.startsWith('valkey_')).map((l) => l.slice(l.lastIndexOf(' ') + 1))).toEqual(['NaN', '+Inf', '-Inf', '0.000001003', '25276063744']);
    expect(promtool(text)).toEqual({ status: 0, output: '' });
  });

  test('promtool does reject a broken exposition (so the checks above can fail)', () => {
    const r = promtool('# HELP a x\n# TYPE a gauge\na{l="x"y"} 1\n');
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('parsing error');
  });
});
