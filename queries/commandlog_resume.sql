-- Per node and log type: the server run of the newest entry stored (by when it was read, then logged), and the
-- highest entry id stored for that run.
WITH latest AS (
    SELECT node_id, type, arg_max(run_id, (collected, ts)) AS run_id
    FROM commandlog
    GROUP BY node_id, type
)
SELECT n.address, c.type, c.run_id, max(c.entry_id) AS last_id
FROM commandlog c
JOIN latest l USING (node_id, type, run_id)
JOIN nodes n USING (node_id)
GROUP BY n.address, c.type, c.run_id
ORDER BY n.address, c.type;
