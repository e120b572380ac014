-- New (node, metric) pairs first seen in a batch (parallel lists).
INSERT INTO series (node_id, metric_id, first_seen)
SELECT unnest($node_ids), unnest($metric_ids), $seen;
