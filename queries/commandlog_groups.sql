-- Command log entries in [$from, $to] matching the filters, grouped by log type and command ($by = 'command')
-- or argument pattern ($by = 'pattern'); each group with its biggest entry as the example.
SELECT c.type,
       CASE WHEN $by = 'pattern' THEN c.pattern ELSE c.cmd END AS key,
       count(*) AS count, sum(c.value) AS sum, max(c.value) AS max, avg(c.value) AS avg,
       list(DISTINCT n.address ORDER BY n.address) AS nodes,
       epoch_ms(min(c.ts)) AS first, epoch_ms(max(c.ts)) AS last,
       epoch_ms(arg_max(c.ts, c.value)) AS ex_ts, arg_max(n.address, c.value) AS ex_node,
       arg_max(c.entry_id, c.value) AS ex_id, arg_max(c.cmd, c.value) AS ex_cmd, arg_max(c.args, c.value) AS ex_args,
       arg_max(c.args_cut, c.value) AS ex_args_cut, arg_max(c.args_more, c.value) AS ex_args_more,
       arg_max(c.line, c.value) AS ex_line, arg_max(c.pattern, c.value) AS ex_pattern,
       arg_max(c.client_addr, c.value) AS ex_client, arg_max(c.client_name, c.value) AS ex_client_name
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
GROUP BY c.type, key
ORDER BY sum DESC, c.type, key
LIMIT $limit;
