package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/store"
)

// config holds the connection settings every subcommand shares. Each flag defaults
// to its environment variable, then to a value that works on a developer machine.
type config struct {
	redisURL   string
	db         string
	stream     string
	group      string
	consumer   string
	deadStream string
	addr       string
	logLevel   string
}

func (c *config) register(fs *flag.FlagSet) {
	host, _ := os.Hostname()
	fs.StringVar(&c.redisURL, "redis", env("BILLIE_REDIS_URL", "redis://127.0.0.1:6379/0"), "Redis URL (env BILLIE_REDIS_URL)")
	fs.StringVar(&c.db, "db", env("BILLIE_DB", "data/billie.db"), "SQLite database of the read models (env BILLIE_DB)")
	fs.StringVar(&c.stream, "stream", env("BILLIE_STREAM", "chatLedger"), "ledger stream key (env BILLIE_STREAM)")
	fs.StringVar(&c.group, "group", env("BILLIE_GROUP", "billie-projector"), "consumer group (env BILLIE_GROUP)")
	fs.StringVar(&c.consumer, "consumer", env("BILLIE_CONSUMER", "projector-"+host), "consumer name within the group, stable across restarts (env BILLIE_CONSUMER)")
	fs.StringVar(&c.deadStream, "dead-letter-stream", env("BILLIE_DEAD_LETTER_STREAM", "chatLedger:dead"), "dead-letter stream (env BILLIE_DEAD_LETTER_STREAM)")
	fs.StringVar(&c.addr, "addr", env("BILLIE_ADDR", "127.0.0.1:8080"), "HTTP listen address (env BILLIE_ADDR)")
	fs.StringVar(&c.logLevel, "log-level", env("BILLIE_LOG_LEVEL", "info"), "debug, info, warn or error (env BILLIE_LOG_LEVEL)")
}

func env(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return fallback
}

func (c *config) logger() *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToLower(c.logLevel))); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

func (c *config) openRedis(ctx context.Context) (*redis.Client, error) {
	opts, err := redis.ParseURL(c.redisURL)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	rdb := redis.NewClient(opts)
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redis at %s: %w", opts.Addr, err)
	}
	return rdb, nil
}

func (c *config) openStore(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, c.db, store.Options{})
}
