-- One slot range's metric per bucket of $step seconds: totals (cpu, net) or the summed latest key counts (keys).
SELECT ((epoch_ms(ts) - $from_ms) // ($step * 1000))::INTEGER AS col,
       sum(CASE $metric WHEN 'cpu' THEN cpu_usec WHEN 'net_in' THEN net_in ELSE net_out END)::DOUBLE AS total
FROM slot_src($from, $to, $h_end, $m_end)
WHERE slot BETWEEN $slot_from AND $slot_to
  AND (CASE $metric WHEN 'cpu' THEN cpu_usec WHEN 'net_in' THEN net_in ELSE net_out END) IS NOT NULL
GROUP BY ALL
ORDER BY col;
