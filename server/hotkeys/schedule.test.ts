// The hot-key schedule: settings checked, a run per period with trigger "schedule", skipped turns recorded.
import { describe, expect, test } from 'bun:test';
import { HotkeyRunError, type HotkeyRunRequest } from './runner.ts';
import { HotkeySchedule } from './schedule.ts';

function fakeRunner(fail?: HotkeyRunError) {
  const starts: HotkeyRunRequest[] = [];
  return {
    starts,
    start(req: HotkeyRunRequest) {
      if (fail) throw fail;
      starts.push(req);
      return { state: 'running' as const, method: 'monitor' as const, started: 0, durationS: req.durationS, nodes: [] };
    },
  };
}

describe('HotkeySchedule', () => {
  test('refuses schedules shorter than a minute or than the run itself', () => {
    const s = new HotkeySchedule(fakeRunner());
    expect(() => s.set({ everyMs: 30_000, method: 'auto', durationS: 10, top: 10 })).toThrow(/60 s/);
    expect(() => s.set({ everyMs: 60_000, method: 'auto', durationS: 120, top: 10 })).toThrow(/end before the next/);
    expect(s.state().next).toBeNull();
  });

  test('the next run is one period away; turning it off clears it', () => {
    let now = 1_000_000;
    const s = new HotkeySchedule(fakeRunner(), { now: () => now });
    expect(s.set({ everyMs: 3_600_000, method: 'slot_scan', durationS: 30, top: 50 }).next).toBe(now + 3_600_000);
    expect(s.set({ everyMs: null, method: 'auto', durationS: 30, top: 50 }).next).toBeNull();
    s.stop();
  });

  test('a turn starts a run with the schedule trigger and the chosen settings', () => {
    const runner = fakeRunner();
    const s = new HotkeySchedule(runner, { now: () => 5 });
    s.set({ everyMs: 3_600_000, method: 'monitor', durationS: 20, top: 7 });
    s.fire();
    s.stop();
    expect(runner.starts).toEqual([{ method: 'monitor', durationS: 20, top: 7, trigger: 'schedule' }]);
    expect(s.state().last).toEqual({ at: 5, outcome: 'started' });
  });

  test('a turn that finds a run going is skipped and says why', () => {
    const logged: string[] = [];
    const s = new HotkeySchedule(fakeRunner(new HotkeyRunError('busy', 'a monitor run is already in progress')), { now: () => 9, log: (m) => logged.push(m) });
    s.fire();
    expect(s.state().last).toEqual({ at: 9, outcome: 'skipped', reason: 'a monitor run is already in progress' });
    expect(logged).toHaveLength(1);
  });

  test('runs really start on the timer', async () => {
    const runner = fakeRunner();
    const s = new HotkeySchedule(runner, { minEveryMs: 10 });
    s.set({ everyMs: 30, method: 'auto', durationS: 0, top: 1 });
    await Bun.sleep(100);
    s.stop();
    expect(runner.starts.length).toBeGreaterThanOrEqual(2);
  });
});
