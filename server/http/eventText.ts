// One readable sentence per event for the UI's timeline, tables and chart markers.
import type { NodeEvent } from '../collect/sink.ts';

const str = (v: unknown): string => (v === null || v === undefined ? '?' : String(v));

export function eventMessage(e: Pick<NodeEvent, 'kind' | 'detail'>): string {
  const d = e.detail ?? {};
  switch (e.kind) {
    case 'node_up':
      return d['downSeconds'] !== undefined ? `up again after ${d['downSeconds']} s down` : 'up';
    case 'node_down':
      return `down: ${str(d['error'])}`;
    case 'node_added':
      return `joined${d['role'] ? ` as ${d['role']}` : ''}`;
    case 'node_removed':
      return 'left the cluster';
    case 'role_change':
      return `role ${str(d['from'])} → ${str(d['to'])}${d['primary'] ? ` (primary ${d['primary']})` : ''}`;
    case 'failover':
      return `promoted to primary${d['previousPrimary'] ? ` (was replica of ${d['previousPrimary']})` : ''}`;
    case 'restart':
      return 'restarted (new run id)';
    case 'config_change': {
      const changes = Array.isArray(d['changes']) ? (d['changes'] as { field: string; from: string; to: string }[]) : [];
      return `config: ${changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(', ') || 'changed'}`;
    }
    case 'source_error':
      return `${str(d['source'])} poll failing: ${str(d['error'])}`;
    case 'slot_move': {
      const ranges = Array.isArray(d['slots']) ? (d['slots'] as [number, number][]) : [];
      // Long lists (a rebalance) are cut: the detail keeps every range.
      const shown = ranges.slice(0, 3).map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ') + (ranges.length > 3 ? ', …' : '');
      const count = Number(d['count']);
      return `${count === 1 ? 'slot' : `${Number.isFinite(count) ? count : '?'} slots`} ${shown || '?'} moved from ${d['from'] ? String(d['from']) : 'no owner'} to ${d['to'] ? String(d['to']) : 'no owner'}`;
    }
    case 'commandlog_lost': {
      const why = d['reason'] === 'reset' ? 'the log was reset' : d['reason'] === 'rotated' ? 'the log rotated past them' : 'the server dropped them';
      return `${str(d['lost'])} ${str(d['type'])} log entries lost before they were read (${why})`;
    }
    default:
      return String(e.kind).replace(/_/g, ' ');
  }
}
