package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/ops"
	"github.com/billie/supervisor/backend/store/pagepool"
)

// config holds the connection settings every subcommand shares. Each flag defaults
// to its environment variable, then to a value that works on a developer machine.
type config struct {
	redisURL   string
	db         string
	opsDB      string
	stream     string
	group      string
	consumer   string
	deadStream string
	addr       string
	opsAddr    string
	// opsTokenFile holds the operations listener's control token (opsTokenPath).
	opsTokenFile string
	logLevel     string
	producerTZ   string

	// zone is producerTZ loaded, once: every store and reader of the process gets
	// the same *time.Location, which decoding ahead relies on.
	zone *time.Location

	// pagePool is set once the process's SQLite page pool has been asked for.
	pagePool bool

	// env is the environment the defaults came from, for settings read after the
	// flags are parsed (the token secret named by --secret-env, for example).
	env environ
}

// defaultConfig is the configuration before flags: the environment's, else the
// developer defaults. It is the only place the connection variables are read.
func defaultConfig(env environ) config {
	get := func(name, fallback string) string {
		if v, ok := env(name); ok && v != "" {
			return v
		}
		return fallback
	}
	host, _ := os.Hostname()
	return config{
		redisURL:     get("BILLIE_REDIS_URL", "redis://127.0.0.1:6379/0"),
		db:           get("BILLIE_DB", "data/billie.db"),
		opsDB:        get("BILLIE_OPS_DB", ""),
		stream:       get("BILLIE_STREAM", "chatLedger"),
		group:        get("BILLIE_GROUP", "billie-projector"),
		consumer:     get("BILLIE_CONSUMER", "projector-"+host),
		deadStream:   get("BILLIE_DEAD_LETTER_STREAM", "chatLedger:dead"),
		addr:         get("BILLIE_ADDR", "127.0.0.1:8080"),
		opsAddr:      get(envOpsAddr, defaultOpsAddr),
		opsTokenFile: get(envOpsTokenFile, ""),
		logLevel:     get("BILLIE_LOG_LEVEL", "info"),
		producerTZ:   get("BILLIE_PRODUCER_TZ", "UTC"),
		env:          env,
	}
}

// getenv is the value of an environment variable, empty when unset.
func (c *config) getenv(name string) string {
	if c.env == nil {
		return ""
	}
	v, _ := c.env(name)
	return v
}

// register makes the connection flags persistent flags of root, defaulting to c.
func (c *config) register(root *cobra.Command) {
	fs := root.PersistentFlags()
	fs.StringVar(&c.redisURL, "redis", c.redisURL, "Redis URL (env BILLIE_REDIS_URL)")
	fs.StringVar(&c.db, "db", c.db, "SQLite database of the read models (env BILLIE_DB)")
	fs.StringVar(&c.opsDB, "ops-db", c.opsDB, "SQLite database of accounts, sessions, audit log and operations history; no rebuild touches it (default: ops.db beside --db; env BILLIE_OPS_DB)")
	fs.StringVar(&c.stream, "stream", c.stream, "ledger stream key (env BILLIE_STREAM)")
	fs.StringVar(&c.group, "group", c.group, "consumer group (env BILLIE_GROUP)")
	fs.StringVar(&c.consumer, "consumer", c.consumer, "consumer name within the group; a stable one restarts without waiting out the lease (env BILLIE_CONSUMER)")
	fs.StringVar(&c.deadStream, "dead-letter-stream", c.deadStream, "dead-letter stream (env BILLIE_DEAD_LETTER_STREAM)")
	fs.StringVar(&c.addr, "addr", c.addr, "HTTP listen address of the APIs (env BILLIE_ADDR)")
	fs.StringVar(&c.opsAddr, "ops-addr", c.opsAddr, "HTTP listen address of /metrics, /readyz, unlocking and rebuild jobs; keep it off the public network (env "+envOpsAddr+")")
	fs.StringVar(&c.opsTokenFile, "ops-token-file", c.opsTokenFile, "the operations listener's control token, written by serve (mode 0600), read by the commands that ask it (default: ops.token beside --db; env "+envOpsTokenFile+")")
	fs.StringVar(&c.producerTZ, "producer-tz", c.producerTZ, "time zone of the producer's times written without one, an IANA name such as Australia/Sydney (env BILLIE_PRODUCER_TZ)")
	fs.StringVar(&c.logLevel, "log-level", c.logLevel, "debug, info, warn or error (env BILLIE_LOG_LEVEL)")
	_ = root.RegisterFlagCompletionFunc("log-level", cobra.FixedCompletions(
		[]string{"debug", "info", "warn", "error"}, cobra.ShellCompDirectiveNoFileComp))
}

func (c *config) logger() *slog.Logger { return c.loggerTo(os.Stderr) }

// loggerTo is logger writing to w.
func (c *config) loggerTo(w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToLower(c.logLevel))); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// producerZone is the producer's time zone, --producer-tz loaded.
func (c *config) producerZone() (*time.Location, error) {
	if c.zone == nil {
		zone, err := time.LoadLocation(c.producerTZ)
		if err != nil {
			return nil, fmt.Errorf("producer time zone (--producer-tz, BILLIE_PRODUCER_TZ): %w", err)
		}
		c.zone = zone
	}
	return c.zone, nil
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
	return c.openStoreAt(ctx, c.db, store.Options{})
}

// openStores opens the read-model store and the operations store; the accounts of
// an older read-model database move into the latter on the way.
func (c *config) openStores(ctx context.Context) (*store.Store, *ops.Store, error) {
	o, err := ops.Open(ctx, c.opsPath(), ops.Options{})
	if err != nil {
		return nil, nil, err
	}
	st, err := c.openStoreAt(ctx, c.db, store.Options{Accounts: o})
	if err != nil {
		o.Close()
		return nil, nil, err
	}
	return st, o, nil
}

// opsPath is the operations store's file: --ops-db, else ops.db beside --db.
func (c *config) opsPath() string {
	if c.opsDB != "" {
		return c.opsDB
	}
	return filepath.Join(filepath.Dir(c.db), "ops.db")
}

// openOps opens the operations store. Accounts that --db still holds from an older
// version move into it first (the read-model store's migration 0008), so every
// command that reads accounts sees them.
func (c *config) openOps(ctx context.Context) (*ops.Store, error) {
	o, err := ops.Open(ctx, c.opsPath(), ops.Options{})
	if err != nil {
		return nil, err
	}
	st, err := c.openStoreAt(ctx, c.db, store.Options{Accounts: o})
	if err != nil {
		o.Close()
		return nil, err
	}
	if err := st.Close(); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// openStoreAt opens the store at path. The first store a command opens sizes the
// process's pool of SQLite page buffers for its connections (see package pagepool);
// stores opened after it share the pool.
func (c *config) openStoreAt(ctx context.Context, path string, o store.Options) (*store.Store, error) {
	zone, err := c.producerZone()
	if err != nil {
		return nil, err
	}
	o.ProducerZone = zone
	if o.Accounts == nil {
		// An older database's accounts move to the operations store when it is
		// opened, whichever command opens it first.
		acc, err := ops.Open(ctx, c.opsPath(), ops.Options{})
		if err != nil {
			return nil, err
		}
		defer acc.Close()
		o.Accounts = acc
	}
	if !c.pagePool {
		c.pagePool = true
		if err := pagepool.Configure(store.PagePoolMiB(o)); err != nil {
			c.logger().Debug("SQLite allocates its own page buffers", "reason", err)
		}
	}
	return store.Open(ctx, path, o)
}
