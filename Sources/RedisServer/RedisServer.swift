// Module RedisServer: see docs/ARCHITECTURE.md for its one job.
