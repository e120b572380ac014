// Buffers samples, events and node records in memory and writes them in one batch per flush (Appender for rows).
import {
  DOUBLE,
  DuckDBDataChunk,
  DuckDBTimestampValue,
  LIST,
  TIMESTAMP,
  UINTEGER,
  USMALLINT,
  VARCHAR,
  listValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { CommandLogEntry, LatencySample, NodeEvent, Sample, SlotStatsBatch } from '../collect/sink.ts';
import { appendCommandLogRows, appendLatencyRows } from './logs.ts';
import { tsParam, type NamedQueries } from './db.ts';
import type { Dictionary, PendingEntries } from './dictionary.ts';
import type { NodeRecord } from './types.ts';

/** Past this many buffered samples a flush is requested right away. */
export const flushSoonRows = 50_000;
/** Past this many buffered samples (the database is stuck) new samples are dropped, not hoarded. */
const maxPendingRows = 2_000_000;
/** DuckDB's vector size: the most rows one data chunk holds. */
const chunkRows = 2048;

interface SampleBuffer {
  ts: number[];
  node: number[];
  metric: number[];
  value: number[];
}

interface EventRow {
  ts: number;
  nodeId: number;
  kind: string;
  detail: string;
}

export interface IngestStats {
  rowsWritten: number;
  batches: number;
  lastFlushMs: number;
}

export class Ingest {
  readonly stats: IngestStats = { rowsWritten: 0, batches: 0, lastFlushMs: 0 };
  private samples = emptyBuffer();
  private events: EventRow[] = [];
  /** Slot statistics as they came (a few per node every 10 s); node ids resolved at append. */
  private slotBatches: { nodeId: number; batch: SlotStatsBatch }[] = [];
  private nodes = new Map<string, NodeRecord>();
  private commandLog: CommandLogEntry[] = [];
  private latency: LatencySample[] = [];
  private dropped = 0;

  constructor(
    private readonly db: NamedQueries,
    private readonly dict: Dictionary,
    private readonly now: () => number,
    private readonly log: (msg: string) => void,
    /** Called when the buffer passes flushSoonRows. */
    private readonly onFull: () => void,
  ) {}

  get pendingRows(): number {
    return this.samples.ts.length;
  }

  appendSamples(samples: Sample[]): void {
    const buf = this.samples;
    for (const s of samples) {
      // NaN or Infinity would poison every avg/sum they fall into.
      if (!Number.isFinite(s.value) || !Number.isFinite(s.ts)) continue;
      if (buf.ts.length >= maxPendingRows) {
        this.dropped++;
        continue;
      }
      const nodeId = this.dict.nodeId(s.node);
      const metricId = this.dict.metricId(s.metric, s.labels);
      this.dict.noteSeries(nodeId, metricId);
      buf.ts.push(s.ts);
      buf.node.push(nodeId);
      buf.metric.push(metricId);
      buf.value.push(s.value);
    }
    if (buf.ts.length >= flushSoonRows) this.onFull();
  }

  appendEvents(events: NodeEvent[]): void {
    for (const e of events) {
      this.events.push({ ts: e.ts, nodeId: this.dict.nodeId(e.node), kind: e.kind, detail: JSON.stringify(e.detail ?? {}) });
    }
  }

  appendSlotStats(batch: SlotStatsBatch): void {
    if (!Number.isFinite(batch.ts) || batch.slots.length === 0) return;
    this.slotBatches.push({ nodeId: this.dict.nodeId(batch.node), batch });
  }

  appendCommandLog(entries: CommandLogEntry[]): void {
    for (const e of entries) {
      this.dict.nodeId(e.node);
      this.commandLog.push(e);
    }
  }

  appendLatency(samples: LatencySample[]): void {
    for (const s of samples) {
      this.dict.nodeId(s.node);
      this.latency.push(s);
    }
  }

  recordNode(node: NodeRecord): void {
    this.dict.nodeId(node.address);
    const seenAt = node.seenAt ?? this.now();
    const before = this.nodes.get(node.address);
    // Later records win field by field; an absent field keeps what an earlier record said.
    this.nodes.set(node.address, { ...before, ...definedFields(node), address: node.address, seenAt });
  }

  hasWork(): boolean {
    return (
      this.samples.ts.length > 0 ||
      this.events.length > 0 ||
      this.slotBatches.length > 0 ||
      this.commandLog.length > 0 ||
      this.latency.length > 0 ||
      this.nodes.size > 0 ||
      this.dict.hasPending()
    );
  }

  /** Writes everything buffered. The caller serializes calls (one connection). */
  async flush(): Promise<void> {
    if (!this.hasWork()) return;
    const started = performance.now();
    const samples = this.samples;
    const events = this.events;
    const slotBatches = this.slotBatches;
    const nodes = this.nodes;
    const commandLog = this.commandLog;
    const latency = this.latency;
    const pending = this.dict.takePending();
    this.samples = emptyBuffer();
    this.events = [];
    this.slotBatches = [];
    this.commandLog = [];
    this.latency = [];
    this.nodes = new Map();
    try {
      // Dictionary rows first, so no sample ever references an id the file does not have.
      await this.writeDictionary(pending);
    } catch (err) {
      this.dict.restorePending(pending);
      this.requeue(samples, events, nodes);
      this.slotBatches = slotBatches.concat(this.slotBatches);
      this.commandLog = commandLog.concat(this.commandLog);
      this.latency = latency.concat(this.latency);
      throw err;
    }
    if (nodes.size > 0) await this.upsertNodes([...nodes.values()]);
    if (samples.ts.length > 0) {
      await this.appendSampleRows(samples);
      this.stats.rowsWritten += samples.ts.length;
      this.stats.batches++;
    }
    if (events.length > 0) await this.appendEventRows(events);
    if (slotBatches.length > 0) await this.appendSlotRows(slotBatches);
    if (commandLog.length > 0) await appendCommandLogRows(this.db.conn, this.dict, commandLog, this.now());
    if (latency.length > 0) await appendLatencyRows(this.db.conn, this.dict, latency);
    if (this.dropped > 0) {
      this.log(`store: dropped ${this.dropped} samples while the database was not keeping up`);
      this.dropped = 0;
    }
    this.stats.lastFlushMs = performance.now() - started;
  }

  private requeue(samples: SampleBuffer, events: EventRow[], nodes: Map<string, NodeRecord>): void {
    const newer = this.samples;
    this.samples = {
      ts: samples.ts.concat(newer.ts),
      node: samples.node.concat(newer.node),
      metric: samples.metric.concat(newer.metric),
      value: samples.value.concat(newer.value),
    };
    this.events = events.concat(this.events);
    for (const [address, record] of this.nodes) nodes.set(address, record);
    this.nodes = nodes;
  }

  private async writeDictionary(p: PendingEntries): Promise<void> {
    if (p.nodes.length + p.metrics.length + p.series.length === 0) return;
    const seen = tsParam(this.now());
    await this.db.run('begin');
    try {
      if (p.nodes.length > 0) {
        await this.db.run(
          'nodes_insert',
          { node_ids: listValue(p.nodes.map((n) => n.id)), addresses: listValue(p.nodes.map((n) => n.address)), seen },
          { node_ids: LIST(USMALLINT), addresses: LIST(VARCHAR) },
        );
      }
      if (p.metrics.length > 0) {
        await this.db.run(
          'metrics_insert',
          {
            metric_ids: listValue(p.metrics.map((m) => m.id)),
            names: listValue(p.metrics.map((m) => m.name)),
            labels: listValue(p.metrics.map((m) => m.canonical)),
            label_json: listValue(p.metrics.map((m) => JSON.stringify(m.labels))),
          },
          { metric_ids: LIST(UINTEGER), names: LIST(VARCHAR), labels: LIST(VARCHAR), label_json: LIST(VARCHAR) },
        );
      }
      if (p.series.length > 0) {
        await this.db.run(
          'series_insert',
          { node_ids: listValue(p.series.map((s) => s[0])), metric_ids: listValue(p.series.map((s) => s[1])), seen },
          { node_ids: LIST(USMALLINT), metric_ids: LIST(UINTEGER) },
        );
      }
      await this.db.run('commit');
    } catch (err) {
      await this.db.run('rollback').catch(() => undefined);
      throw err;
    }
  }

  /** One statement for all of them: each was 10-30 ms and a 1-2 MB allocation in DuckDB, six a minute on a 6-node cluster. */
  private async upsertNodes(nodes: NodeRecord[]): Promise<void> {
    const column = <T>(f: (n: NodeRecord) => T) => listValue(nodes.map(f) as DuckDBValue[]);
    await this.db.run(
      'nodes_upsert',
      {
        node_ids: column((n) => this.dict.nodeId(n.address)),
        addresses: column((n) => n.address),
        cluster_node_ids: column((n) => n.clusterNodeId ?? null),
        roles: column((n) => n.role ?? null),
        primary_addresses: column((n) => n.primaryAddress ?? null),
        flavors: column((n) => n.flavor ?? null),
        versions: column((n) => n.version ?? null),
        seen: column((n) => tsParam(n.seenAt ?? this.now())),
      },
      {
        node_ids: LIST(USMALLINT),
        addresses: LIST(VARCHAR),
        cluster_node_ids: LIST(VARCHAR),
        roles: LIST(VARCHAR),
        primary_addresses: LIST(VARCHAR),
        flavors: LIST(VARCHAR),
        versions: LIST(VARCHAR),
        seen: LIST(TIMESTAMP),
      },
    );
  }

  private async appendSampleRows(buf: SampleBuffer): Promise<void> {
    const order = timeOrder(buf.ts);
    const appender = await this.db.conn.createAppender('samples');
    try {
      const chunk = DuckDBDataChunk.create([TIMESTAMP, USMALLINT, UINTEGER, DOUBLE]);
      for (let start = 0; start < order.length; start += chunkRows) {
        const n = Math.min(chunkRows, order.length - start);
        chunk.rowCount = n;
        const ts = chunk.getColumnVector(0);
        const node = chunk.getColumnVector(1);
        const metric = chunk.getColumnVector(2);
        const value = chunk.getColumnVector(3);
        for (let j = 0; j < n; j++) {
          const i = order[start + j];
          ts.setItem(j, new DuckDBTimestampValue(BigInt(Math.round(buf.ts[i])) * 1000n));
          node.setItem(j, buf.node[i]);
          metric.setItem(j, buf.metric[i]);
          value.setItem(j, buf.value[i]);
        }
        ts.flush();
        node.flush();
        metric.flush();
        value.flush();
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  private async appendSlotRows(batches: { nodeId: number; batch: SlotStatsBatch }[]): Promise<void> {
    batches.sort((a, b) => a.batch.ts - b.batch.ts);
    // Row by row: the data-chunk API of @duckdb/node-api 1.5.6 fails on NULLs in UBIGINT vectors.
    const appender = await this.db.conn.createAppender('slot_stats');
    const count = (v: number | null | undefined) => {
      if (v === null || v === undefined || !Number.isFinite(v)) appender.appendNull();
      else appender.appendUBigInt(BigInt(Math.max(0, Math.round(v))));
    };
    try {
      for (const { nodeId, batch: b } of batches) {
        const ts = new DuckDBTimestampValue(BigInt(Math.round(b.ts)) * 1000n);
        for (let i = 0; i < b.slots.length; i++) {
          appender.appendTimestamp(ts);
          appender.appendUSmallInt(nodeId);
          appender.appendUSmallInt(b.slots[i]!);
          appender.appendUBigInt(BigInt(Math.max(0, Math.round(b.keys[i] ?? 0))));
          count(b.cpuUsec[i]);
          count(b.netIn[i]);
          count(b.netOut[i]);
          appender.endRow();
        }
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  private async appendEventRows(events: EventRow[]): Promise<void> {
    events.sort((a, b) => a.ts - b.ts);
    const appender = await this.db.conn.createAppender('events');
    try {
      for (const e of events) {
        appender.appendTimestamp(tsParam(e.ts));
        appender.appendUSmallInt(e.nodeId);
        appender.appendVarchar(e.kind);
        appender.appendVarchar(e.detail);
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }
}

function emptyBuffer(): SampleBuffer {
  return { ts: [], node: [], metric: [], value: [] };
}

/** Row indexes in ascending ts (stable); the identity when already in order, which is the usual case. */
function timeOrder(ts: number[]): Uint32Array {
  const order = new Uint32Array(ts.length);
  let sorted = true;
  for (let i = 0; i < ts.length; i++) {
    order[i] = i;
    if (i > 0 && ts[i] < ts[i - 1]) sorted = false;
  }
  if (!sorted) order.sort((a, b) => ts[a] - ts[b] || a - b);
  return order;
}

function definedFields(node: NodeRecord): Partial<NodeRecord> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) if (value !== undefined) out[key] = value;
  return out as Partial<NodeRecord>;
}
