// The key list's loader: paced /api/keys/scan steps one after another, paused and resumed, never "complete" before the API says so.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { MAX_LISTED, addToTree, compactKey, createTree, keyHex } from './keys.js';

/** Keys asked for per step (the API's maximum; a step may return fewer, even none). */
const STEP = 1000;
/** Re-render at most this often while steps arrive: a fast scan must not re-render on every step. */
const PAINT_MS = 150;

function fresh(sep) {
  return { keys: [], tree: createTree(sep), cursor: undefined, complete: false, scanned: null, totalKeys: null, steps: 0, error: undefined, capped: false, started: Date.now(), ended: null };
}

/**
 * Lists the keys matching {match, type, node} step by step. Returns the state (keys, tree, counts), a version that
 * changes when it does, and pause / resume / restart. A failed step stops the loop with the error; resume retries it.
 */
export function useKeyScan({ match, type, node, sep }) {
  const st = useRef(fresh(sep));
  const [version, setVersion] = useState(0);
  const [running, setRunning] = useState(true);
  const runningRef = useRef(true);
  const gen = useRef(0);
  const lastPaint = useRef(0);
  const paintTimer = useRef();

  const paint = (now) => {
    clearTimeout(paintTimer.current);
    if (now || Date.now() - lastPaint.current >= PAINT_MS) {
      lastPaint.current = Date.now();
      setVersion((v) => v + 1);
    } else paintTimer.current = setTimeout(() => paint(true), PAINT_MS);
  };

  const loop = async (g) => {
    const s = st.current;
    while (g === gen.current && runningRef.current && !s.complete) {
      if (s.keys.length >= MAX_LISTED) {
        s.capped = true;
        break;
      }
      let r;
      try {
        // types=1: each key's TYPE for its badge (a TYPE filter gives it already).
        r = await api('/api/keys/scan', { params: { match: match || undefined, type: type || undefined, types: type ? undefined : 1, node: node || undefined, cursor: s.cursor, limit: STEP } });
      } catch (e) {
        if (g !== gen.current) return;
        s.error = e;
        runningRef.current = false;
        setRunning(false);
        paint(true);
        return;
      }
      if (g !== gen.current) return;
      s.error = undefined;
      const add = r.keys.map(compactKey);
      for (const k of add) s.keys.push(k);
      addToTree(s.tree, add);
      s.cursor = r.cursor ?? undefined;
      s.complete = r.complete === true;
      s.scanned = r.scanned;
      s.totalKeys = r.totalKeys;
      s.steps++;
      if (s.complete) s.ended = Date.now();
      paint(s.complete);
    }
    if (g === gen.current) {
      runningRef.current = false;
      setRunning(false);
      paint(true);
    }
  };

  const start = () => {
    gen.current++;
    st.current = fresh(sep);
    runningRef.current = true;
    setRunning(true);
    paint(true);
    loop(gen.current);
  };

  useEffect(() => {
    start();
    return () => {
      gen.current++;
      clearTimeout(paintTimer.current);
    };
  }, [match, type, node]);

  // A new separator re-files the keys already listed; the scan goes on.
  useEffect(() => {
    const s = st.current;
    if (s.tree.sep === (sep || ':')) return;
    s.tree = createTree(sep);
    addToTree(s.tree, s.keys);
    paint(true);
  }, [sep]);

  return {
    state: st.current,
    version,
    running,
    pause() {
      runningRef.current = false;
      gen.current++;
      setRunning(false);
    },
    resume() {
      if (st.current.complete) return;
      st.current.capped = false;
      runningRef.current = true;
      gen.current++;
      setRunning(true);
      loop(gen.current);
    },
    restart: start,
    /** Drops keys the page deleted, so the list does not show them until the next scan. */
    remove(hexes) {
      const s = st.current;
      const gone = new Set(hexes);
      s.keys = s.keys.filter((k) => !gone.has(keyHex(k)));
      s.tree = createTree(sep);
      addToTree(s.tree, s.keys);
      paint(true);
    },
  };
}

