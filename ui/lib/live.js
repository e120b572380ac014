// The live stream client: one EventSource per page on /api/live, samples batched so a busy cluster never stalls rendering.
import { useEffect, useRef, useState } from 'preact/hooks';
import { withToken } from './api.js';

/** Batches are applied at most this often; 6 nodes x 30 metrics a second become ~4 small updates. */
const flushMs = 250;
/** A tab in the background gets its timers throttled; past this many queued samples the oldest go (history refetch fills gaps). */
const maxQueued = 200_000;
/** When the server refused the stream (EventSource gives up on an HTTP error), try again after this long. */
const reopenMs = 5000;

function listParam(v) {
  if (v === undefined || v === null || v === '') return undefined;
  return Array.isArray(v) ? v.join(',') : String(v);
}

/**
 * Subscribes to /api/live for the given metrics and nodes ('all', an address, or a list); re-opens when they change,
 * closes on unmount. onSamples(samples[]) and onEvents(events[]) get batches, never one message at a time.
 * Returns {status: 'connecting'|'live'|'reconnecting', opens, reconnects}: reconnects counts connections re-made after a
 * drop (not after a parameter change), so a page can refetch history to fill the gap. Pass enabled=false to keep the stream closed (e.g. a fixed, non-live range).
 */
export function useLive({ metrics, nodes, enabled = true }, onSamples, onEvents) {
  const [state, setState] = useState({ status: 'connecting', opens: 0, reconnects: 0 });
  const handlers = useRef({});
  handlers.current.onSamples = onSamples;
  handlers.current.onEvents = onEvents;
  const metricParam = listParam(metrics);
  const nodeParam = listParam(nodes) ?? 'all';

  useEffect(() => {
    if (!enabled) return;
    let samples = [];
    let events = [];
    let flushTimer;
    let reopenTimer;
    let es;
    let closed = false;
    let dropped = false;

    const flush = () => {
      flushTimer = undefined;
      const s = samples;
      const e = events;
      samples = [];
      events = [];
      if (s.length > 0) handlers.current.onSamples?.(s);
      if (e.length > 0) handlers.current.onEvents?.(e);
    };
    const schedule = () => {
      flushTimer ??= setTimeout(flush, flushMs);
    };

    const open = () => {
      const q = new URLSearchParams();
      if (metricParam) q.set('metric', metricParam);
      q.set('node', nodeParam);
      es = new EventSource(withToken('/api/live?' + q.toString()));
      es.addEventListener('open', () => {
        setState((st) => ({ status: 'live', opens: st.opens + 1, reconnects: st.reconnects + (dropped ? 1 : 0) }));
        dropped = false;
      });
      es.addEventListener('samples', (m) => {
        const batch = JSON.parse(m.data);
        for (const x of batch) samples.push(x);
        if (samples.length > maxQueued) samples.splice(0, samples.length - maxQueued);
        schedule();
      });
      es.addEventListener('events', (m) => {
        for (const x of JSON.parse(m.data)) events.push(x);
        schedule();
      });
      es.addEventListener('error', () => {
        if (closed) return;
        dropped = true;
        setState((st) => (st.status === 'reconnecting' ? st : { ...st, status: 'reconnecting' }));
        // CLOSED means the browser gave up (an HTTP error, not a dropped connection): retry ourselves.
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          reopenTimer = setTimeout(open, reopenMs);
        }
      });
    };

    setState((st) => ({ ...st, status: 'connecting' }));
    open();
    return () => {
      closed = true;
      es?.close();
      clearTimeout(flushTimer);
      clearTimeout(reopenTimer);
    };
  }, [metricParam, nodeParam, enabled]);

  return state;
}
