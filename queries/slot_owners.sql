-- The node that last reported each slot before $to (looking back to $lookback): the slot's owner, and its key count.
SELECT slot, arg_max(node_id, ts) AS node_id, arg_max(keys, ts)::DOUBLE AS keys
FROM slot_src($lookback, $to, $h_end, $m_end)
WHERE slot BETWEEN $slot_from AND $slot_to
GROUP BY slot
ORDER BY slot;
