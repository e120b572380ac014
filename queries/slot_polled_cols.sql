-- Columns of $step seconds in which any primary reported slot statistics: there, a slot without a row had
-- no activity (0); elsewhere nothing was collected (no data).
SELECT DISTINCT ((epoch_ms(ts) - $from_ms) // ($step * 1000))::INTEGER AS col
FROM slot_src($from, $to, $h_end, $m_end, false)
ORDER BY col;
