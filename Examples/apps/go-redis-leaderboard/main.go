package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
)

var rdb *redis.Client

func main() {
	opt, err := redis.ParseURL(os.Getenv("REDIS_URL"))
	if err != nil {
		panic(err)
	}
	rdb = redis.NewClient(opt)
	http.HandleFunc("/score", score)
	http.HandleFunc("/top", top)
	http.HandleFunc("/debug", debug)
	http.ListenAndServe(":8080", nil)
}

func score(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	player := r.URL.Query().Get("player")
	rdb.ZIncrBy(ctx, "leaderboard:weekly", 10, player)
	rdb.Set(ctx, "last-player", player, 0) // Mistake: no expiry.
	rdb.Set(ctx, "session:"+player, "active", 30*time.Minute)
}

func top(w http.ResponseWriter, r *http.Request) {
	entries, _ := rdb.ZRevRangeWithScores(r.Context(), "leaderboard:weekly", 0, 9).Result()
	fmt.Fprintln(w, entries)
}

// Mistake: a client per request, and KEYS.
func debug(w http.ResponseWriter, r *http.Request) {
	client := redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")})
	defer client.Close()
	keys, _ := client.Keys(context.Background(), "leaderboard:*").Result()
	fmt.Fprintln(w, keys)
}
