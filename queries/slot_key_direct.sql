-- Key counts when every column is exactly one rollup bucket: a rollup row already is its slot's last count in
-- its column, so rows before $split (the tier's watermark) are summed as they are, with no per-slot step. Only
-- newer rows (finer tiers, several per slot and column) take each slot's last count first.
WITH head AS (
    SELECT ((slot - $slot_from) // $per_row)::INTEGER AS row,
           ((epoch_ms(ts) - $from_ms) // ($step * 1000))::INTEGER AS col,
           keys
    FROM slot_src($from, $split, $h_end, $m_end)
    WHERE slot BETWEEN $slot_from AND $slot_to
),
tail AS (
    SELECT slot, ((epoch_ms(ts) - $from_ms) // ($step * 1000))::INTEGER AS col, arg_max(keys, ts) AS keys
    FROM slot_src($split, $to, $h_end, $m_end)
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
