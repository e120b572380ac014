-- Heatmap cells for key counts from rollups: each slot's last count per column, summed per row. Every rollup
-- bucket holds every owned slot (a full row is written at least every 4.5 minutes), so no value needs carrying
-- forward; only the newest column may miss idle slots (its raw part can be shorter than that) and the caller
-- replaces it with the current counts.
WITH last AS (
    SELECT slot,
           ((epoch_ms(ts) - $from_ms) // ($step * 1000))::INTEGER AS col,
           arg_max(keys, ts) AS keys
    FROM slot_src($from, $to, $h_end, $m_end)
    WHERE slot BETWEEN $slot_from AND $slot_to
    GROUP BY slot, col
)
SELECT ((slot - $slot_from) // $per_row)::INTEGER AS row, col, sum(keys)::DOUBLE AS total
FROM last
GROUP BY ALL
ORDER BY row, col;
