-- Latency monitor samples in [$from, $to], oldest first, for the chosen nodes and events (NULL = all).
SELECT epoch_ms(l.ts) AS ts, n.address, l.event, l.latency_ms
FROM latency_samples l
JOIN nodes n USING (node_id)
WHERE l.ts >= $from AND l.ts <= $to
  AND ($nodes IS NULL OR list_contains($nodes, n.address))
  AND ($events IS NULL OR list_contains($events, l.event))
ORDER BY l.ts, n.address, l.event
LIMIT $limit;
