-- Maintenance watermarks: every bucket before the watermark is done.
SELECT name, watermark
FROM rollup_state
ORDER BY name;
