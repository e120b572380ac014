-- Records one command run in the CLI (already redacted by the caller).
INSERT INTO cli_history (ts, node, command, ok, ms)
VALUES ($ts, $node, $command, $ok, $ms);
