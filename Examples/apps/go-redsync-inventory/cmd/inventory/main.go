package main

import (
	"log"
	"os"

	"github.com/acme/inventory/internal/store"
)

func main() {
	s := store.New(os.Getenv("REDIS_ADDR"))
	log.Println("ready", s != nil)
}
