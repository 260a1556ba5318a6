// Module InferaDetect: see docs/ARCHITECTURE.md for its one job.
