-- The metric dictionary, loaded once at open.
SELECT metric_id, name, labels, label_map
FROM metrics
ORDER BY metric_id;
