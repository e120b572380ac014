-- How many command log entries in [$from, $to] match the filters (NULL = any); run beside commandlog_search.
SELECT count(*) AS total
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
  AND ($max IS NULL OR c.value <= $max);
