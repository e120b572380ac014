-- Key counts from rollups: each slot's last count per column, summed per row. Every rollup bucket holds every
-- owned slot (a full row is written at least every 4.5 minutes), so nothing needs carrying forward; only the newest
-- column may miss idle slots (its raw part can be shorter than that) and the caller replaces it with the current
-- counts. When every column is exactly one rollup bucket, a rollup row already is its slot's last count in its
-- column: rows before $split (the tier's watermark) are summed as they are. Otherwise $split is the window start.
WITH head AS (
    SELECT ((slot - $slot_from) // $per_row)::INTEGER AS row,
           ((epoch_ms(ts) - $from_ms) // ($step * 1000))::INTEGER AS col,
           keys
    FROM slot_src($from, $split, $h_end, $m_end, $grouped)
    WHERE slot BETWEEN $slot_from AND $slot_to
),
tail AS (
    SELECT slot, ((epoch_ms(ts) - $from_ms) // ($step * 1000))::INTEGER AS col, arg_max(keys, ts) AS keys
    FROM slot_src($split, $to, $h_end, $m_end, false)
    WHERE slot BETWEEN $slot_from AND $slot_to
    GROUP BY slot, col
)
SELECT row, col, sum(keys)::DOUBLE AS total
FROM (
    SELECT row, col, keys FROM head
    UNION ALL
    SELECT ((slot - $slot_from) // $per_row)::INTEGER, col, keys FROM tail
)
GROUP BY ALL
ORDER BY row, col;
