package store

import (
	"context"
	"time"

	"github.com/go-redsync/redsync/v4"
	"github.com/go-redsync/redsync/v4/redis/goredis/v9"
	goredislib "github.com/redis/go-redis/v9"
)

type Store struct {
	rdb  *goredislib.Client
	sync *redsync.Redsync
}

func New(addr string) *Store {
	client := goredislib.NewClient(&goredislib.Options{Addr: addr})
	return &Store{rdb: client, sync: redsync.New(goredis.NewPool(client))}
}

func (s *Store) Reserve(ctx context.Context, sku string, n int64) (int64, error) {
	m := s.sync.NewMutex("lock:sku:"+sku, redsync.WithExpiry(5*time.Second))
	if err := m.LockContext(ctx); err != nil {
		return 0, err
	}
	defer m.UnlockContext(ctx)
	return s.rdb.DecrBy(ctx, "stock:"+sku, n).Result()
}
