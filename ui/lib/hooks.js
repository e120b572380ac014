// Data hooks: fetch with abort on change, optional polling, and the last good data kept while a refresh fails.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

/**
 * Runs load(signal) when deps change and every `everyMs` if given. Returns {data, error, loading}.
 * A failed refresh keeps the previous data and sets error, so one slow or failing call never blanks a page.
 * everyMs may be a function (data, error) => ms | undefined: poll only while the answer says it is worth it.
 */
export function useLoad(load, deps, { everyMs } = {}) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  const everyRef = useRef(everyMs);
  everyRef.current = everyMs;
  useEffect(() => {
    let ctrl;
    let timer;
    let alive = true;
    let last;
    const run = async () => {
      ctrl?.abort();
      ctrl = new AbortController();
      const mine = ctrl;
      let error;
      try {
        last = await loadRef.current(mine.signal);
        if (alive && !mine.signal.aborted) setState({ data: last, error: undefined, loading: false });
      } catch (e) {
        if (e.name === 'AbortError' || !alive) return;
        error = e;
        setState((s) => ({ data: s.data, error: e, loading: false }));
      }
      const every = everyRef.current;
      const ms = typeof every === 'function' ? every(last, error) : every;
      if (alive && ms) timer = setTimeout(run, ms);
    };
    setState((s) => ({ ...s, loading: true }));
    run();
    return () => {
      alive = false;
      clearTimeout(timer);
      ctrl?.abort();
    };
  }, deps);
  return state;
}

/** The width of an element, updated on resize; for choosing bucket sizes and chart widths. */
export function useWidth(ref) {
  const [width, setWidth] = useState(0);
  // Measured before the first paint, so pages can size their first requests without waiting a frame for the observer.
  useLayoutEffect(() => {
    if (!ref.current) return;
    const el = ref.current;
    const cs = getComputedStyle(el);
    setWidth(Math.floor(el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)));
    const ro = new ResizeObserver((entries) => setWidth(Math.floor(entries[0].contentRect.width)));
    ro.observe(ref.current);
    return () => ro.disconnect();
  }, [ref.current]);
  return width;
}

/** Re-renders every ms; for "x s ago" labels and live windows. */
export function useTick(ms) {
  const [, set] = useState(0);
  useEffect(() => {
    const t = setInterval(() => set((n) => n + 1), ms);
    return () => clearInterval(t);
  }, [ms]);
}

/** A confirmation dialog's keys: its confirm button (the returned ref) takes the focus, Escape closes it. */
export function useConfirmDialog(onClose) {
  const yes = useRef(null);
  useEffect(() => {
    yes.current?.focus();
    const onKey = (e) => e.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  return yes;
}
