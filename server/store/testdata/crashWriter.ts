// Child process for crash.test.ts: appends numbered samples forever, printing each flushed count, until it is killed.
import { openStore } from '../store.ts';

const path = process.argv[2];
if (!path) throw new Error('usage: crashWriter.ts <db path>');
// Virtual time: 10 ms per sample, so maintenance has closed minutes to roll up within seconds.
const base = Date.UTC(2026, 0, 1);
const batch = 1000;
let seq = 0;
const store = await openStore({ path, flushIntervalMs: 20, maintainIntervalMs: 0, now: () => base + seq * 10 + 1000 });
for (let round = 1; ; round++) {
  const samples = [];
  for (let i = 0; i < batch; i++, seq++) samples.push({ ts: base + seq * 10, node: `n${seq % 3}:6379`, metric: 'seq', value: seq });
  store.appendSamples(samples);
  await store.flush();
  // Only what a finished flush wrote is promised to survive.
  console.log(`flushed ${seq}`);
  // More rows that sit unflushed, and maintenance now and then, so the kill can land anywhere.
  store.appendSamples([{ ts: base + seq * 10, node: 'n0:6379', metric: 'pending', value: seq }]);
  if (round % 10 === 0) await store.maintain();
}
