-- Per slot over [$from, $to): the metric's total (cpu, net_in, net_out) or the latest key count (keys), and the
-- slot's owner at the end. Key counts look back to $lookback so idle slots count too.
SELECT slot,
       arg_max(node_id, ts) AS node_id,
       CASE WHEN $metric = 'keys' THEN arg_max(keys, ts)::DOUBLE
            ELSE coalesce(sum(CASE $metric WHEN 'cpu' THEN cpu_usec WHEN 'net_in' THEN net_in ELSE net_out END) FILTER (WHERE ts >= $from), 0)::DOUBLE
       END AS total
FROM slot_src($lookback, $to, $h_end, $m_end, false)
WHERE ts >= (CASE WHEN $metric = 'keys' THEN $lookback ELSE $from END)
GROUP BY slot
ORDER BY slot;
