-- The keys one run found, by metric and rank (rank is per node and metric; value orders them across nodes).
SELECT h.node_id, h.key, h.metric, h.value, h.unit, h.error, h.share, h.memory_bytes, h.slot, h.type, h.ttl_ms, h.rank
FROM hotkeys h
WHERE h.run_id = $run_id
ORDER BY h.metric, h.value DESC, h.node_id, h.rank;
