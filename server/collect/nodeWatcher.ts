// Watches one node: its connection, identity and capabilities, and the INFO and MEMORY STATS pollers.
import { configChanges, configSnapshot, type ConfigSnapshot } from './configFields.ts';
import { ReplyError } from 'ioredis';
import { derived, families, metricDef, self, type MetricDef } from '../metrics/catalog.ts';
import type { LatestValues } from '../metrics/latestValues.ts';
import { internLabels } from '../metrics/seriesKey.ts';
import type { Logger } from '../log.ts';
import { parseCapabilities, containerCommands, has, type Capabilities } from '../valkey/capabilities.ts';
import { describeError, openConnection, rawCall, type NodeConnection } from '../valkey/connection.ts';
import { parseInfo, serverIdentity, type InfoSections } from '../valkey/infoReply.ts';
import { isByteStat, parseMemoryStats } from '../valkey/memoryStatsReply.ts';
import type { Target } from '../valkey/target.ts';
import { infoToReadings, replicasOf, formatAddress, type Reading } from './infoReadings.ts';
import { Poller } from './poller.ts';
import { RateTracker } from './rates.ts';
import { SlotCounterTracker } from './slotCounters.ts';
import { openResp3Connection, type Resp3Connection } from '../valkey/resp3Connection.ts';
import { parseSlotStatsBytes, type SlotStatsReply } from '../valkey/slotStatsReply.ts';
import type { LogResumePoints, LogSink, NodeEvent, NodeEventKind, Sample, SampleSink } from './sink.ts';
import { LogCollector, type CommandLogStatus, type LatencyStatus } from './logCollector.ts';

export interface CollectorSettings {
  infoIntervalMs: number;
  memoryStatsIntervalMs: number;
  /** CLUSTER SLOT-STATS on primaries of a cluster. */
  slotStatsIntervalMs: number;
  topologyIntervalMs: number;
  /** COMMANDLOG / SLOWLOG of every node. */
  commandLogIntervalMs: number;
  /** LATENCY LATEST / HISTORY / HISTOGRAM of every node. */
  latencyIntervalMs: number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

export const defaultCollectorSettings: CollectorSettings = {
  infoIntervalMs: 1000,
  memoryStatsIntervalMs: 5000,
  slotStatsIntervalMs: 10_000,
  topologyIntervalMs: 10_000,
  commandLogIntervalMs: 5000,
  latencyIntervalMs: 5000,
  connectTimeoutMs: 3000,
  commandTimeoutMs: 3000,
};

export type NodeState = 'connecting' | 'up' | 'down';
export type SourceName = 'info' | 'memory_stats' | 'slot_stats' | 'commandlog' | 'latency';
export type Role = 'primary' | 'replica' | 'unknown';

export interface SourceStatus {
  /** idle: supported but not applicable now (slot stats on a replica or a standalone server). */
  state: 'pending' | 'ok' | 'failing' | 'unsupported' | 'idle';
  lastError?: string;
  lastSuccess?: number;
  consecutiveFailures: number;
}

/** What /api/nodes shows about a node. Never contains a password. */
export interface NodeSnapshot {
  address: string;
  url: string;
  clusterNodeId?: string;
  role: Role;
  primary?: string;
  flavor?: 'valkey' | 'redis';
  version?: string;
  capabilities?: Capabilities;
  state: NodeState;
  since: number;
  /** Whether CLUSTER SLOT-STATS includes cpu and network (cluster-slot-stats-enabled); absent until a primary answered. */
  slotStatsCounters?: boolean;
  lastError?: string;
  sources: Record<SourceName, SourceStatus>;
  /** The command log as last read: which command, each log's threshold, length and what was collected or lost. */
  commandLog?: { source: 'commandlog' | 'slowlog' | null; logs: CommandLogStatus[] };
  /** The latency monitor as last read. */
  latency?: LatencyStatus;
}

export interface NodeWatcherDeps {
  sink: SampleSink;
  latest: LatestValues;
  log: Logger;
  settings: CollectorSettings;
  now?: () => number;
  /** Called when the node's role or primary changes, or it goes down: the topology should be re-read. */
  onTopologyHint?: (address: string, reason: string) => void;
  /** Where command log entries and latency samples go; without it those sources are not polled. */
  logSink?: LogSink;
  /** Where each log's collection resumes (what the store already has). */
  resume?: LogResumePoints;
}

export class NodeWatcher {
  readonly address: string;
  private conn: NodeConnection | undefined;
  private connecting: Promise<NodeConnection> | undefined;
  private readonly rates = new RateTracker();
  private readonly pollers: Poller[];
  private readonly now: () => number;
  private runId: string | undefined;
  /** Settings seen in the last INFO, to record config_change events. */
  private config: ConfigSnapshot | undefined;
  private pollErrors: Record<SourceName, number> = { info: 0, memory_stats: 0, slot_stats: 0, commandlog: 0, latency: 0 };
  private readonly logs: LogCollector;
  /** run_id of the server behind the current connection, read when it was opened (a restart always drops it). */
  private connRunId: string | undefined;
  private readonly slotCounters = new SlotCounterTracker();
  /** The socket SLOT-STATS is read over (see readSlotStats); only while the node is an up primary. */
  private slotConn: Resp3Connection | undefined;
  private snap: NodeSnapshot;
  private downError: string | undefined;
  private infoSection: 'everything' | 'all' = 'everything';
  private stopped = false;

  constructor(
    readonly target: Target,
    private readonly deps: NodeWatcherDeps,
    hint: { clusterNodeId?: string; role?: Role; primary?: string } = {},
  ) {
    this.now = deps.now ?? Date.now;
    this.address = formatAddress(target.host, target.port);
    const pending = (): SourceStatus => ({ state: 'pending', consecutiveFailures: 0 });
    this.snap = {
      address: this.address,
      url: target.display,
      role: hint.role ?? 'unknown',
      primary: hint.primary,
      clusterNodeId: hint.clusterNodeId,
      state: 'connecting',
      since: this.now(),
      sources: { info: pending(), memory_stats: pending(), slot_stats: pending(), commandlog: pending(), latency: pending() },
    };
    this.logs = new LogCollector(this.address, deps.resume ?? { commandLog: [], latency: [] }, this.now);
    const s = deps.settings;
    this.pollers = [
      new Poller({ name: 'info', intervalMs: s.infoIntervalMs, run: () => this.pollInfo(), onError: (e) => this.sourceFailed('info', e) }),
      new Poller({ name: 'memory_stats', intervalMs: s.memoryStatsIntervalMs, run: () => this.pollMemoryStats(), onError: (e) => this.sourceFailed('memory_stats', e) }),
      // Each primary's SLOT-STATS reply (~5,461 slots, ~600 KB) is read in a burst: a phase per node spreads the bursts.
      new Poller({ name: 'slot_stats', intervalMs: s.slotStatsIntervalMs, phaseMs: spreadPhase(this.address, s.slotStatsIntervalMs), run: () => this.pollSlotStats(), onError: (e) => this.sourceFailed('slot_stats', e) }),
    ];
    if (deps.logSink) {
      this.pollers.push(
        new Poller({ name: 'commandlog', intervalMs: s.commandLogIntervalMs, run: () => this.pollCommandLog(), onError: (e) => this.sourceFailed('commandlog', e) }),
        new Poller({ name: 'latency', intervalMs: s.latencyIntervalMs, run: () => this.pollLatency(), onError: (e) => this.sourceFailed('latency', e) }),
      );
    }
  }

  /** lastError is derived: the connection error while down, else the first failing source's error. */
  snapshot(): NodeSnapshot {
    const snap = structuredClone(this.snap);
    const failing = (Object.entries(snap.sources) as [SourceName, SourceStatus][]).find(([, st]) => st.state === 'failing');
    snap.lastError = snap.state === 'down' ? this.downError : failing ? `${failing[0]}: ${failing[1].lastError}` : undefined;
    if (this.deps.logSink) {
      snap.commandLog = { source: this.logs.source, logs: structuredClone([...this.logs.logs.values()]) };
      snap.latency = structuredClone(this.logs.latency);
    }
    return snap;
  }

  /** Topology knowledge from the cluster (node id, role) before INFO has answered. */
  applyTopology(hint: { clusterNodeId?: string; role?: Role; primary?: string }): void {
    if (hint.clusterNodeId) this.snap.clusterNodeId = hint.clusterNodeId;
    if (this.snap.role === 'unknown' && hint.role) this.snap.role = hint.role;
  }

  start(): void {
    for (const p of this.pollers) p.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const p of this.pollers) p.stop();
    this.dropConnection();
  }

  /**
   * CLUSTER SLOT-STATS over a raw socket of its own, read in place (parseSlotStatsBytes). Through ioredis each
   * reply became about 10 MB of short-lived objects and Buffer views, every 10 s per primary: the largest swing
   * in Skyscope's RSS. The socket is opened on first use and closed when the node is down or not a primary.
   */
  private async readSlotStats(): Promise<SlotStatsReply> {
    if (!this.slotConn) {
      const conn = await openResp3Connection(this.target, this.deps.settings, 'skyscope-slots');
      if (this.stopped) {
        conn.close();
        throw new Error('watcher stopped');
      }
      conn.onClose(() => {
        if (this.slotConn === conn) this.slotConn = undefined;
      });
      this.slotConn = conn;
    }
    const bytes = await this.slotConn.callRaw(['CLUSTER', 'SLOT-STATS', 'SLOTSRANGE', '0', '16383'].map((a) => Buffer.from(a)), this.deps.settings.commandTimeoutMs);
    return parseSlotStatsBytes(bytes);
  }

  private closeSlotConnection(): void {
    this.slotConn?.close();
    this.slotConn = undefined;
  }

  private async connection(): Promise<NodeConnection> {
    if (this.conn && this.conn.status === 'ready') return this.conn;
    if (!this.connecting) {
      this.dropConnection();
      this.connecting = (async () => {
        const conn = await openConnection(this.target, this.deps.settings);
        if (this.stopped) {
          conn.disconnect();
          throw new Error('watcher stopped');
        }
        this.conn = conn;
        await this.detectCapabilities(conn);
        // Command log ids start again when the server restarts; its run_id tells the logs apart.
        const server = parseInfo(String(await rawCall(conn, ['INFO', 'server']).catch(() => '')));
        this.connRunId = server['server']?.['run_id'] || undefined;
        this.logs.resetWindows();
        return conn;
      })().finally(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private dropConnection(): void {
    this.conn?.disconnect();
    this.conn = undefined;
    this.connRunId = undefined;
    this.closeSlotConnection();
  }

  /** COMMAND LIST may be denied by ACL; COMMAND INFO of the containers still tells most of what matters. */
  private async detectCapabilities(conn: NodeConnection): Promise<void> {
    const list = await rawCall(conn, ['COMMAND', 'LIST']).catch(() => undefined);
    const info = await rawCall(conn, ['COMMAND', 'INFO', ...containerCommands]).catch(() => undefined);
    if (list === undefined && info === undefined) return;
    this.snap.capabilities = parseCapabilities(list, info);
  }

  private async pollInfo(): Promise<void> {
    const started = this.now();
    let text: string;
    try {
      const conn = await this.connection();
      text = String(await rawCall(conn, ['INFO', this.infoSection]).catch(async (e) => {
        // Servers before "INFO everything" existed answer a syntax error; "all" lacks only module sections.
        // Remember the answer so such a server is not asked twice on every poll.
        if (this.infoSection === 'everything' && e instanceof ReplyError && /syntax|wrong number/i.test(e.message)) {
          this.infoSection = 'all';
          return rawCall(conn, ['INFO', 'all']);
        }
        throw e;
      }));
    } catch (e) {
      this.noteDown(e);
      throw e;
    }
    const wallTs = this.now();
    const info = parseInfo(text);
    this.noteUp(wallTs);
    this.noteIdentity(info, wallTs);
    const serverTimeUsec = Number(info['server']?.['server_time_usec']);
    const rateTs = Number.isFinite(serverTimeUsec) && serverTimeUsec > 0 ? serverTimeUsec / 1000 : wallTs;
    const readings = infoToReadings(info);
    const samples = this.rates.toSamples(this.address, readings, rateTs, wallTs);
    const lag = this.replicationLag(info, wallTs);
    samples.push(...lag);
    const own = this.selfReadings('info', (wallTs - started) / 1000, 1);
    for (const r of own) samples.push(toSample(this.address, r, wallTs));
    this.sourceOk('info', wallTs);
    this.deps.sink.appendSamples(samples);
    // /metrics shows counters cumulatively (raw readings) and derived gauges as computed.
    this.deps.latest.update(this.address, [...readings, ...own, ...entriesOf(samples.filter((s) => s.node === this.address && derivedNames.has(s.metric)))], wallTs);
    this.deps.latest.forgetOlderThan(this.address, wallTs, (m) => m.source === 'info' || m.source === 'derived');
    for (const s of lag) this.deps.latest.update(s.node, entriesOf([s]), wallTs);
  }

  private async pollMemoryStats(): Promise<void> {
    if (this.snap.capabilities && !has(this.snap.capabilities, 'memory|stats')) {
      this.snap.sources.memory_stats = { state: 'unsupported', consecutiveFailures: 0 };
      return;
    }
    const started = this.now();
    const conn = await this.connection();
    const stats = parseMemoryStats(await rawCall(conn, ['MEMORY', 'STATS']));
    const ts = this.now();
    const readings: Reading[] = Object.entries(stats).map(([stat, value]) => ({
      metric: isByteStat(stat) ? families.memoryStatsBytes : families.memoryStatsOther,
      labels: internLabels({ stat }),
      value,
    }));
    readings.push(...this.selfReadings('memory_stats', (ts - started) / 1000, undefined));
    this.sourceOk('memory_stats', ts);
    this.deps.sink.appendSamples(readings.filter((r) => r.metric.kind === 'gauge').map((r) => toSample(this.address, r, ts)));
    this.deps.latest.update(this.address, readings, ts);
    this.deps.latest.forgetOlderThan(this.address, ts, (m) => m.source === 'memory_stats');
  }

  /**
   * Per-slot counters of the slots this primary owns. Replicas and standalone servers are idle (a replica's
   * counters would count the replication stream, not clients); the first poll after becoming a primary, a
   * restart or a reconnect is a baseline (see SlotCounterTracker).
   */
  private async pollSlotStats(): Promise<void> {
    // Connecting detects the capabilities, so a server without SLOT-STATS is never asked for it.
    if (this.snap.state === 'up') await this.connection();
    if (this.snap.capabilities && !has(this.snap.capabilities, 'cluster|slot-stats')) {
      this.snap.sources.slot_stats = { state: 'unsupported', consecutiveFailures: 0 };
      return;
    }
    if (this.snap.role !== 'primary' || !this.snap.clusterNodeId || this.snap.state !== 'up') {
      this.slotCounters.reset();
      this.closeSlotConnection();
      if (this.snap.sources.slot_stats.state !== 'failing') this.snap.sources.slot_stats = { state: 'idle', consecutiveFailures: 0 };
      return;
    }
    const started = this.now();
    const reply = await this.readSlotStats();
    const ts = this.now();
    this.snap.slotStatsCounters = reply.cpuUsec !== null;
    const batch = this.slotCounters.update(this.address, ts, reply);
    if (batch.slots.length > 0) this.deps.sink.appendSlotStats(batch);
    const own = this.selfReadings('slot_stats', (ts - started) / 1000, undefined);
    this.deps.sink.appendSamples(own.map((r) => toSample(this.address, r, ts)));
    this.deps.latest.update(this.address, own, ts);
    this.sourceOk('slot_stats', ts);
  }

  /**
   * New command log entries of every log the server has (COMMANDLOG's three on Valkey 8.1+, else SLOWLOG),
   * each stored once: see LogCollector and CommandLogCursors.
   */
  private async pollCommandLog(): Promise<void> {
    if (this.snap.state !== 'up') return;
    const conn = await this.connection();
    // Until the connection's run_id is known, entry ids cannot be placed: wait for the next tick.
    if (!this.connRunId) return;
    const caps = this.snap.capabilities;
    if (caps && !has(caps, 'commandlog|get') && !has(caps, 'slowlog|get')) {
      this.snap.sources.commandlog = { state: 'unsupported', consecutiveFailures: 0 };
      return;
    }
    const started = this.now();
    const { entries, events } = await this.logs.pollCommandLog(conn, this.connRunId, caps ? has(caps, 'commandlog|get') : false);
    const ts = this.now();
    if (entries.length > 0) this.deps.logSink!.appendCommandLog(entries);
    for (const e of events) {
      this.deps.sink.appendEvents([e]);
      this.deps.log.warn(`node ${this.address}: ${String(e.detail['lost'])} ${String(e.detail['type'])} log entries were dropped by the server (${String(e.detail['reason'])}) before Skyscope read them`);
    }
    this.recordOwnPoll('commandlog', started, ts);
  }

  /** Latency monitor samples (each stored once) and per-command latency windows from LATENCY HISTOGRAM. */
  private async pollLatency(): Promise<void> {
    if (this.snap.state !== 'up') return;
    const conn = await this.connection();
    const caps = this.snap.capabilities;
    if (caps && !has(caps, 'latency|latest')) {
      this.snap.sources.latency = { state: 'unsupported', consecutiveFailures: 0 };
      return;
    }
    const started = this.now();
    const { samples, windows } = await this.logs.pollLatency(conn, caps ? has(caps, 'latency|histogram') : false);
    const ts = this.now();
    if (samples.length > 0) this.deps.logSink!.appendLatency(samples);
    if (windows.length > 0) this.deps.sink.appendSamples(windows);
    this.recordOwnPoll('latency', started, ts);
  }

  private recordOwnPoll(source: SourceName, started: number, ts: number): void {
    const own = this.selfReadings(source, (ts - started) / 1000, undefined);
    this.deps.sink.appendSamples(own.map((r) => toSample(this.address, r, ts)));
    this.deps.latest.update(this.address, own, ts);
    this.sourceOk(source, ts);
  }

  /** Sets latency-monitor-threshold (the user confirmed it; refused under --read-only before this is reached). */
  async setLatencyThreshold(ms: number): Promise<void> {
    const conn = await this.connection();
    await rawCall(conn, ['CONFIG', 'SET', 'latency-monitor-threshold', String(ms)]);
    this.deps.log.info(`node ${this.address}: CONFIG SET latency-monitor-threshold ${ms}`);
    this.logs.latency.thresholdMs = ms;
  }

  /** LATENCY DOCTOR's report, read now. */
  async latencyDoctor(): Promise<string> {
    const conn = await this.connection();
    return String(await rawCall(conn, ['LATENCY', 'DOCTOR']));
  }

  /**
   * Turns on per-slot cpu and network counters (the user confirmed it in the UI; refused under --read-only
   * before this is reached). Polls right away so the status shows the change.
   */
  async enableSlotStatsCounters(): Promise<void> {
    const conn = await this.connection();
    await rawCall(conn, ['CONFIG', 'SET', 'cluster-slot-stats-enabled', 'yes']);
    this.deps.log.info(`node ${this.address}: CONFIG SET cluster-slot-stats-enabled yes`);
    await this.pollSlotStats().catch(() => undefined);
  }

  /** Lag of each replica as this primary sees it; stamped on the replica's own address. */
  private replicationLag(info: InfoSections, ts: number): Sample[] {
    const { primaryOffset, replicas } = replicasOf(info);
    const out: Sample[] = [];
    if (primaryOffset === undefined) return out;
    for (const r of replicas) {
      out.push({ ts, node: r.address, metric: derived.replicationLagBytes.name, value: Math.max(0, primaryOffset - r.offset) });
      if (r.lagSeconds !== undefined) out.push({ ts, node: r.address, metric: derived.replicationLagSeconds.name, value: r.lagSeconds });
    }
    return out;
  }

  private selfReadings(source: SourceName, durationSeconds: number, up: number | undefined): Reading[] {
    const out: Reading[] = [{ metric: self.pollDuration, labels: internLabels({ source }), value: durationSeconds }];
    if (up !== undefined) out.push({ metric: self.up, value: up });
    return out;
  }

  private noteIdentity(info: InfoSections, ts: number): void {
    const { flavor, version } = serverIdentity(info);
    this.snap.flavor = flavor;
    this.snap.version = version;
    const runId = info['server']?.['run_id'];
    if (runId && this.runId && runId !== this.runId) {
      this.rates.reset();
      this.slotCounters.reset();
      this.event('restart', ts, { previousRunId: this.runId, runId });
    }
    if (runId) this.runId = runId;
    const config = configSnapshot(info);
    const changes = this.config ? configChanges(this.config, config) : [];
    if (changes.length > 0) {
      this.event('config_change', ts, { changes });
      this.deps.log.info(`node ${this.address}: config changed: ${changes.map((c) => `${c.field} ${c.from} -> ${c.to}`).join(', ')}`);
    }
    this.config = config;
    const repl = info['replication'] ?? {};
    const role: Role = repl['role'] === 'master' ? 'primary' : repl['role'] === 'slave' ? 'replica' : 'unknown';
    const primary = role === 'replica' && repl['master_host'] ? formatAddress(repl['master_host'], Number(repl['master_port'])) : undefined;
    const before = { role: this.snap.role, primary: this.snap.primary };
    if (before.role !== 'unknown' && (before.role !== role || before.primary !== primary)) {
      this.event('role_change', ts, { from: before.role, to: role, previousPrimary: before.primary ?? null, primary: primary ?? null });
      if (before.role === 'replica' && role === 'primary') this.event('failover', ts, { promoted: this.address, previousPrimary: before.primary ?? null });
      this.deps.onTopologyHint?.(this.address, `role changed from ${before.role} to ${role}`);
    }
    this.snap.role = role;
    this.snap.primary = primary;
  }

  private noteUp(ts: number): void {
    if (this.snap.state === 'up') return;
    const wasDown = this.snap.state === 'down';
    this.event('node_up', ts, wasDown ? { downSeconds: Math.round((ts - this.snap.since) / 1000) } : {});
    this.deps.log.info(`node ${this.address} is up${wasDown ? ` again after ${Math.round((ts - this.snap.since) / 1000)} s` : ''}`);
    this.snap.state = 'up';
    this.snap.since = ts;
  }

  /**
   * A reply error (e.g. NOPERM for INFO) means the node answers: it is up, and the source's status tells
   * what failed. Anything else means we cannot reach it.
   */
  private noteDown(e: unknown): void {
    if (e instanceof ReplyError && this.conn) {
      this.noteUp(this.now());
      return;
    }
    const ts = this.now();
    const message = describeError(e);
    this.dropConnection();
    this.downError = message;
    const upSample: Sample = { ts, node: this.address, metric: self.up.name, value: 0 };
    this.deps.sink.appendSamples([upSample]);
    this.deps.latest.update(this.address, [{ metric: self.up, value: 0 }], ts);
    if (this.snap.state === 'down') return;
    this.event('node_down', ts, { error: message });
    this.deps.log.warn(`node ${this.address} is down: ${message}`);
    this.snap.state = 'down';
    this.snap.since = ts;
    this.deps.onTopologyHint?.(this.address, 'node down');
  }

  private sourceOk(source: SourceName, ts: number): void {
    this.snap.sources[source] = { state: 'ok', lastSuccess: ts, consecutiveFailures: 0 };
  }

  private sourceFailed(source: SourceName, e: unknown): void {
    const status = this.snap.sources[source];
    const message = describeError(e);
    this.pollErrors[source]++;
    this.deps.latest.update(this.address, [{ metric: self.pollErrors, labels: { source }, value: this.pollErrors[source] }], this.now());
    if (status.state !== 'failing' || status.lastError !== message) {
      // Only transitions are logged and recorded, so a node down for hours doesn't flood the log or the events table.
      this.deps.log.warn(`node ${this.address}: ${source} poll failed: ${message}`);
      if (source !== 'info' || this.snap.state === 'up') this.event('source_error', this.now(), { source, error: message });
    }
    this.snap.sources[source] = { ...status, state: 'failing', lastError: message, consecutiveFailures: status.consecutiveFailures + 1 };
  }

  private event(kind: NodeEventKind, ts: number, detail: Record<string, unknown>): void {
    const e: NodeEvent = { ts, node: this.address, kind, detail };
    this.deps.sink.appendEvents([e]);
  }
}

function toSample(node: string, r: Reading, ts: number): Sample {
  return r.labels ? { ts, node, metric: r.metric.name, labels: r.labels, value: r.value } : { ts, node, metric: r.metric.name, value: r.value };
}

const derivedNames = new Set<string>([...Object.values(derived)].map((d) => d.name));
function entriesOf(samples: Sample[]): { metric: MetricDef; labels?: Record<string, string>; value: number }[] {
  return samples.map((s) => ({ metric: metricDef(s.metric)!, labels: s.labels, value: s.value }));
}

/** A stable offset in [0, intervalMs) from the node's address (FNV-1a), so nodes' ticks of one source are spread out. */
function spreadPhase(address: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) h = Math.imul(h ^ address.charCodeAt(i), 0x01000193) >>> 0;
  return h % Math.max(1, Math.floor(intervalMs));
}
