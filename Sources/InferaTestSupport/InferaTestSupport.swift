// Module InferaTestSupport: see docs/ARCHITECTURE.md for its one job.
