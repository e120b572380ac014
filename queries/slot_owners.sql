-- The node that last reported each slot before $to (looking back to $lookback): the slot's owner.
SELECT slot, arg_max(node_id, ts) AS node_id
FROM slot_stats
WHERE ts >= $lookback AND ts < $to
  AND slot BETWEEN $slot_from AND $slot_to
GROUP BY slot
ORDER BY slot;
