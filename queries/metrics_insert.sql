-- New dictionary entries for metrics first seen in a batch (parallel lists; labels as canonical text and JSON).
INSERT INTO metrics (metric_id, name, labels, label_map)
SELECT metric_id, name, labels, CAST(CAST(label_json AS JSON) AS MAP(VARCHAR, VARCHAR))
FROM (
    SELECT unnest($metric_ids) AS metric_id,
           unnest($names) AS name,
           unnest($labels) AS labels,
           unnest($label_json) AS label_json
);
