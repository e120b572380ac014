// Runs hot-key detection on a schedule (--hotkeys-every, or set through the API), so history builds up unattended.
import { describeError } from '../valkey/connection.ts';
import type { HotkeyRunRequest, HotkeyRunner } from './runner.ts';

export interface HotkeyScheduleSettings {
  /** Time between run starts; null = no schedule. */
  everyMs: number | null;
  method: HotkeyRunRequest['method'];
  durationS: number;
  top: number;
}

export interface HotkeyScheduleState extends HotkeyScheduleSettings {
  /** When the next run starts (ms epoch), null when off. */
  next: number | null;
  /** What the last scheduled start did: started, or why it did not. */
  last: { at: number; outcome: 'started' | 'skipped'; reason?: string } | null;
}

/** The shortest schedule: a run every minute is already a lot of MONITOR or HOTKEYS time. */
export const minScheduleMs = 60_000;
export const defaultSchedule: HotkeyScheduleSettings = { everyMs: null, method: 'auto', durationS: 30, top: 100 };

export class HotkeySchedule {
  private settings: HotkeyScheduleSettings = { ...defaultSchedule };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private next: number | null = null;
  private last: HotkeyScheduleState['last'] = null;

  private readonly now: () => number;
  private readonly minEveryMs: number;

  constructor(
    private readonly runner: Pick<HotkeyRunner, 'start'>,
    opts: { now?: () => number; log?: (msg: string) => void; minEveryMs?: number } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log;
    this.minEveryMs = opts.minEveryMs ?? minScheduleMs;
  }

  private readonly log: ((msg: string) => void) | undefined;

  state(): HotkeyScheduleState {
    return { ...this.settings, next: this.next, last: this.last };
  }

  /** Replaces the schedule; the first run starts one period from now (never at once: starting Skyscope is not a reason to load the servers). */
  set(settings: HotkeyScheduleSettings): HotkeyScheduleState {
    if (settings.everyMs !== null && settings.everyMs < this.minEveryMs) throw new RangeError(`a schedule must be at least ${this.minEveryMs / 1000} s apart`);
    if (settings.everyMs !== null && settings.everyMs < settings.durationS * 1000) throw new RangeError('a schedule must leave time for each run to end before the next');
    this.settings = { ...settings };
    this.arm();
    return this.state();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.next = null;
  }

  private arm(): void {
    this.stop();
    const every = this.settings.everyMs;
    if (every === null) return;
    this.next = this.now() + every;
    this.timer = setTimeout(() => {
      this.fire();
      this.arm();
    }, every);
    // A pending schedule must not keep the process alive on shutdown.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** One scheduled start; a run already going (manual or not) or no reachable node skips this turn, recorded. */
  fire(): void {
    const { method, durationS, top } = this.settings;
    try {
      this.runner.start({ method, durationS, top, trigger: 'schedule' });
      this.last = { at: this.now(), outcome: 'started' };
    } catch (e) {
      this.last = { at: this.now(), outcome: 'skipped', reason: describeError(e) };
      this.log?.(`hotkeys: scheduled run skipped: ${this.last.reason}`);
    }
  }
}
