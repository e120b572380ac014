-- Which node reported which metric, loaded once at open.
SELECT node_id, metric_id
FROM series
ORDER BY node_id, metric_id;
