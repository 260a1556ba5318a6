// Module InferaYAML: see docs/ARCHITECTURE.md for its one job.
