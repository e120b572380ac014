-- Per node and latency event over everything kept: the worst latency, how many samples, the newest (unix ms).
SELECT n.address, l.event, max(l.latency_ms) AS max_ms, count(*) AS samples, epoch_ms(max(l.ts)) AS last_ts
FROM latency_samples l
JOIN nodes n USING (node_id)
GROUP BY n.address, l.event
ORDER BY n.address, l.event;
