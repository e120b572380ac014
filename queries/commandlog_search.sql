-- Command log entries in [$from, $to] matching the filters (NULL = any), newest first, after the cursor
-- ($before_*: the last row of the previous page). The page is found on the narrow sort columns first and only its
-- rows are then read whole: sorting every match with its arguments and line would read them all. The number of
-- matches is commandlog_count, run beside it (a window count here made the unfiltered page 4x slower).
WITH page AS (
    SELECT c.rowid AS rid
    FROM commandlog c
    JOIN nodes n USING (node_id)
    WHERE c.ts >= $from AND c.ts <= $to
      AND ($types IS NULL OR list_contains($types, c.type))
      AND ($nodes IS NULL OR list_contains($nodes, n.address))
      AND ($cmd IS NULL OR c.cmd = $cmd)
      AND ($pattern IS NULL OR c.pattern = $pattern)
      AND ($client IS NULL OR contains(lower(c.client_addr || ' ' || c.client_name), $client))
      AND ($q IS NULL OR contains(c.search, $q))
      AND ($min IS NULL OR c.value >= $min)
      AND ($max IS NULL OR c.value <= $max)
      AND ($before_ts IS NULL OR (c.ts, c.node_id, c.type, c.entry_id) < ($before_ts, $before_node, $before_type, $before_id))
    ORDER BY c.ts DESC, c.node_id DESC, c.type DESC, c.entry_id DESC
    LIMIT $limit
)
SELECT epoch_ms(c.ts) AS ts, n.address, c.type, c.entry_id, c.value, c.cmd, c.args, c.args_cut, c.args_more,
       c.line, c.pattern, c.client_addr, c.client_name, c.node_id
FROM commandlog c
JOIN nodes n USING (node_id)
WHERE c.rowid IN (SELECT rid FROM page)
ORDER BY c.ts DESC, c.node_id DESC, c.type DESC, c.entry_id DESC;
