// Runs one source on a fixed schedule: aligned ticks without drift, one call in flight, backoff with jitter on failure.

export interface PollerOptions {
  name: string;
  intervalMs: number;
  /** Ticks fall this far after the interval's multiples (0: on them); see the class comment. */
  phaseMs?: number;
  /** The work of one tick; throwing counts as a failure. */
  run: () => Promise<void>;
  onError?: (e: unknown, consecutiveFailures: number) => void;
  /** First retry delay after a failure; doubles up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

/**
 * Ticks fall on multiples of the interval since the Unix epoch, so every node's samples line up in the
 * same time buckets and a slow poll never shifts later ones. A tick that arrives while the previous call
 * is still running, or while backing off, is skipped rather than queued. A phase moves one source's ticks off
 * the common multiples, so that a large reply from every node (SLOT-STATS) is not parsed on all of them at once.
 */
export class Poller {
  private timer: unknown;
  private running = false;
  private stopped = true;
  private failures = 0;
  private notBefore = 0;
  private readonly o: Required<Omit<PollerOptions, 'onError'>> & Pick<PollerOptions, 'onError'>;

  constructor(opts: PollerOptions) {
    this.o = {
      phaseMs: 0,
      baseBackoffMs: 1000,
      maxBackoffMs: 30_000,
      now: Date.now,
      random: Math.random,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
      ...opts,
    };
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  get inFlight(): boolean {
    return this.running;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.o.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** Run now (outside the schedule), unless a call is already in flight. Used after topology changes. */
  async runNow(): Promise<void> {
    await this.tick(true);
  }

  /** Delay before the next attempt after `failures` consecutive failures: exponential, with full jitter in [50%, 100%]. */
  backoffMs(failures: number): number {
    const exp = Math.min(this.o.maxBackoffMs, this.o.baseBackoffMs * 2 ** Math.max(0, failures - 1));
    return exp * (0.5 + 0.5 * this.o.random());
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = this.o.now();
    const interval = this.o.intervalMs;
    const phase = this.o.phaseMs % interval;
    let next = (Math.floor((now - phase) / interval) + 1) * interval + phase;
    if (next < this.notBefore) next = Math.ceil((this.notBefore - phase) / interval) * interval + phase;
    this.timer = this.o.setTimer(() => {
      this.timer = undefined;
      void this.tick(false).finally(() => this.schedule());
    }, next - now);
  }

  private async tick(forced: boolean): Promise<void> {
    if (this.running || (this.stopped && !forced)) return;
    if (!forced && this.o.now() < this.notBefore) return;
    this.running = true;
    try {
      await this.o.run();
      this.failures = 0;
      this.notBefore = 0;
    } catch (e) {
      this.failures++;
      this.notBefore = this.o.now() + this.backoffMs(this.failures);
      this.o.onError?.(e, this.failures);
    } finally {
      this.running = false;
    }
  }
}
