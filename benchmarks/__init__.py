"""Speed scripts (not tests); run them from the repository root: ``python -m benchmarks.NAME``."""
