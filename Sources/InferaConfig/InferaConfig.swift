// Module InferaConfig: see docs/ARCHITECTURE.md for its one job.
