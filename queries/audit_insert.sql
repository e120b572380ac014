-- Records one write made through Skyscope (already redacted by the caller).
INSERT INTO audit (ts, source, node, command, target, ok, error)
VALUES ($ts, $source, $node, $command, $target, $ok, $error);
