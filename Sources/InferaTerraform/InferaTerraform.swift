// Module InferaTerraform: see docs/ARCHITECTURE.md for its one job.
