// Module RESP: see docs/ARCHITECTURE.md for its one job.
