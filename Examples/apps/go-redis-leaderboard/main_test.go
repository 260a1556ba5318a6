package main

import (
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

func TestScore(t *testing.T) {
	s := miniredis.RunT(t)
	rdb = redis.NewClient(&redis.Options{Addr: s.Addr()})
	rdb.Keys(nil, "*")
}
