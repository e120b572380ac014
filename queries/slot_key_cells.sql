-- Heatmap cells for key counts. Each slot's rows become key-count changes (the first row in the window is
-- the slot's whole count: rows reach back to $lookback, where every owned slot has a full row); summed per
-- cell and accumulated along each row, they give the row's key count at every column that saw a change.
-- Changes before $from land in column 0. The caller carries values forward over columns without changes.
WITH changes AS (
    SELECT ts, slot,
           keys::DOUBLE - coalesce(lag(keys) OVER (PARTITION BY slot ORDER BY ts), 0)::DOUBLE AS dk
    FROM slot_src($lookback, $to, $h_end, $m_end, false)
    WHERE slot BETWEEN $slot_from AND $slot_to
),
cells AS (
    SELECT ((slot - $slot_from) // $per_row)::INTEGER AS row,
           greatest((epoch_ms(ts) - $from_ms) // ($step * 1000), 0)::INTEGER AS col,
           sum(dk) AS dk
    FROM changes
    GROUP BY ALL
)
SELECT row, col, sum(dk) OVER (PARTITION BY row ORDER BY col) AS total
FROM cells
ORDER BY row, col;
