#!/usr/bin/env bash
# redis-cli running the seed's patterns; prints redis-cli's own output (deterministic parts).
set -euo pipefail
PORT=$1
cli() { redis-cli -h 127.0.0.1 -p "$PORT" "$@"; }
cli FLUSHALL
# cache-aside with TTL
cli SET cache:user:1 '{"id":1,"name":"Ada"}' EX 3600
cli GET cache:user:1
# TTLs tick in real time: print whether they are in range, not the exact second
ttl=$(cli TTL cache:user:1); [ "$ttl" -ge 3590 ] && [ "$ttl" -le 3600 ] && echo "ttl in range"
cli SET cache:user:1 other NX
cli EXISTS cache:user:1 cache:user:2
cli --no-raw GET cache:user:2
# session keys
cli HSET session:abc user_id 42 csrf t0k3n
cli EXPIRE session:abc 1800
cli HGETALL session:abc | sort
ttl=$(cli TTL session:abc); [ "$ttl" -ge 1790 ] && [ "$ttl" -le 1800 ] && echo "ttl in range"
# counters
cli INCR page:views
cli INCRBY page:views 41
cli --no-raw INCRBYFLOAT temp 1.5
cli --no-raw MGET page:views temp nokey
# errors as redis-cli shows them
cli --no-raw INCR cache:user:1 || true
cli --no-raw HGET cache:user:1 f || true
cli --no-raw NOSUCHCMD a b || true
# several commands on stdin (non-interactive mode)
printf 'SET a 1\nINCR a\nGET a\nDEL a\nGET a\n' | cli
# pipe mode (mass insertion) and its summary line
printf 'SET p1 1\r\nSET p2 2\r\nINCR p1\r\n' | cli --pipe 2>&1 | tail -n 1
cli MGET p1 p2
cli DBSIZE
cli --scan --pattern 'cache:*'
