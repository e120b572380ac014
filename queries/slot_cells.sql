-- Heatmap cells for cpu / net_in / net_out: the metric summed per (row of $per_row slots, column of $step s).
-- $metric picks the column; rows without a known delta (baselines) are left out.
SELECT ((slot - $slot_from) // $per_row)::INTEGER AS row,
       ((epoch_ms(ts) - $from_ms) // ($step * 1000))::INTEGER AS col,
       sum(CASE $metric WHEN 'cpu' THEN cpu_usec WHEN 'net_in' THEN net_in ELSE net_out END)::DOUBLE AS total
FROM slot_src($from, $to, $h_end, $m_end, $grouped)
WHERE slot BETWEEN $slot_from AND $slot_to
  AND (CASE $metric WHEN 'cpu' THEN cpu_usec WHEN 'net_in' THEN net_in ELSE net_out END) IS NOT NULL
GROUP BY ALL
ORDER BY row, col;
