-- Oldest raw sample: where rollups start on a file that has never been maintained.
SELECT min(ts) AS ts
FROM samples;
