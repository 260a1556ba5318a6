// Module InferaPlan: see docs/ARCHITECTURE.md for its one job.
