"""The run inspector page `durable-graph serve` shows at /_inspector/ (local requests only)."""
