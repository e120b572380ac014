-- The node that last reported each slot before $to (looking back to $lookback): the slot's owner.
SELECT slot, arg_max(node_id, ts) AS node_id
FROM slot_src($lookback, $to, $h_end, $m_end)
WHERE slot BETWEEN $slot_from AND $slot_to
GROUP BY slot
ORDER BY slot;
