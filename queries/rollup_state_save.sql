-- Moves one maintenance watermark (in the same transaction as the work it records).
INSERT INTO rollup_state (name, watermark)
VALUES ($name, $watermark)
ON CONFLICT (name) DO UPDATE SET watermark = excluded.watermark;
