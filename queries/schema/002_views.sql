-- Friendly views for people using `duckdb skyscope.duckdb` by hand (documented in queries/README.md).

CREATE VIEW v_nodes AS
SELECT node_id, address, cluster_node_id, role, primary_address, flavor, version, first_seen, last_seen
FROM nodes;

CREATE VIEW v_metrics AS
SELECT metric_id, name, labels, label_map
FROM metrics;

CREATE VIEW v_series AS
SELECT n.address AS node, m.name AS metric, m.labels, s.first_seen, s.node_id, s.metric_id
FROM series s
JOIN nodes n USING (node_id)
JOIN metrics m USING (metric_id);

CREATE VIEW v_samples AS
SELECT s.ts, n.address AS node, m.name AS metric, m.labels, s.value, m.label_map
FROM samples s
JOIN nodes n USING (node_id)
JOIN metrics m USING (metric_id);

CREATE VIEW v_samples_1m AS
SELECT s.ts, n.address AS node, m.name AS metric, m.labels,
       s.sum / s.count AS avg, s.min, s.max, s.last, s.count, m.label_map
FROM samples_1m s
JOIN nodes n USING (node_id)
JOIN metrics m USING (metric_id);

CREATE VIEW v_samples_1h AS
SELECT s.ts, n.address AS node, m.name AS metric, m.labels,
       s.sum / s.count AS avg, s.min, s.max, s.last, s.count, m.label_map
FROM samples_1h s
JOIN nodes n USING (node_id)
JOIN metrics m USING (metric_id);

CREATE VIEW v_events AS
SELECT e.ts, n.address AS node, e.kind, e.detail
FROM events e
JOIN nodes n USING (node_id);

-- Latest value of every series that reported in the 5 minutes before the newest sample
-- (bounded so the view stays fast on a day of raw data).
CREATE VIEW v_latest AS
WITH recent AS (
    SELECT node_id, metric_id, max(ts) AS ts, arg_max(value, ts) AS value
    FROM samples
    WHERE ts >= (SELECT max(ts) FROM samples) - INTERVAL 5 MINUTE
    GROUP BY node_id, metric_id
)
SELECT r.ts, n.address AS node, m.name AS metric, m.labels, r.value, m.label_map
FROM recent r
JOIN nodes n USING (node_id)
JOIN metrics m USING (metric_id);
