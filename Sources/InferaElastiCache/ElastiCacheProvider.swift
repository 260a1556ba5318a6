// The ElastiCache provider (issue #13).
