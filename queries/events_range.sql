-- Events in [$from, $to], oldest first, optionally for one node address ($node NULL = all nodes).
SELECT epoch_ms(e.ts) AS ts, n.address AS node, e.kind, e.detail
FROM events e
JOIN nodes n USING (node_id)
WHERE e.ts >= $from AND e.ts <= $to
  AND ($node IS NULL OR n.address = $node)
ORDER BY e.ts, n.address
LIMIT $limit;
