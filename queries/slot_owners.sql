-- The node that last reported each slot before $to (looking back to $lookback): the slot's owner, its key count, and
-- when (the bucket's start for a rollup row).
SELECT slot, arg_max(node_id, ts) AS node_id, arg_max(keys, ts)::DOUBLE AS keys, epoch_ms(max(ts))::DOUBLE AS ts
FROM slot_src($lookback, $to, $h_end, $m_end, false)
WHERE slot BETWEEN $slot_from AND $slot_to
GROUP BY slot
ORDER BY slot;
