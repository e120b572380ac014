-- Per node and latency event: the newest second stored (unix ms).
SELECT n.address, l.event, epoch_ms(max(l.ts)) AS last_ts
FROM latency_samples l
JOIN nodes n USING (node_id)
GROUP BY n.address, l.event
ORDER BY n.address, l.event;
