// Module RedisEngine: see docs/ARCHITECTURE.md for its one job.
