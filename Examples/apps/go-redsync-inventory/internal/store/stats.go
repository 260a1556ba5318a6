package store

import "context"

func (s *Store) Views(ctx context.Context, sku string) (int64, error) {
	return s.rdb.Incr(ctx, "views:"+sku).Result()
}

func (s *Store) Top(ctx context.Context) ([]string, error) {
	return s.rdb.ZRevRange(ctx, "top", 0, 9).Result()
}
