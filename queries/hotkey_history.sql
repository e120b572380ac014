-- One key's values in every run in [$from, $to) that found it: when it was hot, where, on what and how much.
SELECT h.ts, h.node_id, h.metric, h.value, h.unit, h.error, h.share, h.rank, r.method, h.run_id
FROM hotkeys h
JOIN hotkey_runs r USING (run_id)
WHERE h.key = $key AND h.ts >= $from AND h.ts < $to
ORDER BY h.ts, h.metric, h.node_id;
