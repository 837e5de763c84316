package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/projector"
	"github.com/billie/supervisor/backend/store"
)

// deps are what the HTTP handlers need from the running backend.
type deps struct {
	cfg   *config
	log   *slog.Logger
	rdb   *redis.Client
	store *store.Store
	// onBatch observers are told of every applied batch (metrics, for example).
	onBatch []func(store.Result, time.Duration)
}

func newServeCmd(cfg *config) *cobra.Command {
	var leaseTTL time.Duration
	envTTL, envErr := leaseTTLFrom(cfg.getenv("BILLIE_LEASE_TTL"))
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the projector and the HTTP APIs",
		Long: `Run the projector (a member of --group on --stream) and the HTTP APIs on --addr:
/healthz, /readyz, /metrics and /api/... SIGINT or SIGTERM finish the batch in hand,
commit, acknowledge, give the group's lease up and exit 0. Of the group's projectors
only the holder of the lease projects; the others stand by and take over once it
stops, or --lease-ttl after it died.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if envErr != nil && !cmd.Flags().Changed("lease-ttl") {
				return envErr
			}
			if leaseTTL < time.Second {
				return fmt.Errorf("--lease-ttl %s: want at least 1s", leaseTTL)
			}
			return runServe(cmd.Context(), cfg, leaseTTL)
		},
	}
	cmd.Flags().DurationVar(&leaseTTL, "lease-ttl", envTTL,
		"how long the group's lease outlives a projector that died holding it (env BILLIE_LEASE_TTL)")
	return cmd
}

// leaseTTLFrom reads BILLIE_LEASE_TTL: a Go duration of at least a second, default 10s.
func leaseTTLFrom(v string) (time.Duration, error) {
	if v == "" {
		return 10 * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second {
		return 10 * time.Second, fmt.Errorf("BILLIE_LEASE_TTL %q: want a duration of at least 1s", v)
	}
	return d, nil
}

func runServe(ctx context.Context, cfg *config, leaseTTL time.Duration) error {
	log := cfg.logger()
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rdb, err := connectRedis(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer rdb.Close()
	hc, err := httpConfigFrom(cfg.getenv)
	if err != nil {
		return err
	}
	d := &deps{cfg: cfg, log: log, rdb: rdb, store: st}
	handler, err := newRouter(ctx, d, hc)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr: cfg.addr, Handler: handler, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
	}
	httpErr := make(chan error, 1)
	go func() { httpErr <- srv.ListenAndServe() }()
	log.Info("backend serving", "addr", "http://"+cfg.addr, "db", cfg.db, "stream", cfg.stream, "group", cfg.group)

	p := projector.New(rdb, st, projector.Config{
		Stream: cfg.stream, Group: cfg.group, Consumer: cfg.consumer, DeadLetterStream: cfg.deadStream,
		LeaseTTL: leaseTTL,
	}, log)
	p.OnBatch = func(res store.Result, took time.Duration) {
		for _, f := range d.onBatch {
			f(res, took)
		}
	}
	projErr := make(chan error, 1)
	go func() { projErr <- p.Run(ctx) }()

	select {
	case err = <-httpErr:
		err = fmt.Errorf("http server: %w", err)
	case err = <-projErr:
		if err != nil {
			err = fmt.Errorf("projector: %w", err)
		}
		<-ctx.Done() // the projector only returns nil when stopping
	case <-ctx.Done():
		err = <-projErr
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdown); serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		log.Warn("http shutdown", "err", serr)
	}
	if err == nil {
		log.Info("backend stopped cleanly")
	}
	return err
}

// connectRedis waits for Redis with backoff: a backend started before its Redis
// should come up when Redis does, not crash-loop.
func connectRedis(ctx context.Context, cfg *config, log *slog.Logger) (*redis.Client, error) {
	wait := 250 * time.Millisecond
	for {
		rdb, err := cfg.openRedis(ctx)
		if err == nil {
			return rdb, nil
		}
		log.Warn("waiting for redis", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for redis: %w", err)
		case <-time.After(wait):
		}
		wait = min(wait*2, 10*time.Second)
	}
}
