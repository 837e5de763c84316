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

	"github.com/billie/supervisor/backend/breaker"
	"github.com/billie/supervisor/backend/projector"
	"github.com/billie/supervisor/backend/rebuilds"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/ops"
)

// deps are what the HTTP handlers need from the running backend.
type deps struct {
	cfg   *config
	log   *slog.Logger
	rdb   *redis.Client
	store *store.Store
	// ops is the operations store: accounts, sessions, the audit log.
	ops *ops.Store
	// onBatch observers are told of every applied batch (metrics, for example).
	onBatch []func(store.Result, time.Duration)
	// onFailure observers are told of every failed attempt to apply a batch.
	onFailure []func(store.Failure)
	// failing is the projector's batch in hand while it keeps failing; nil without a
	// projector.
	failing func() (projector.Failing, bool)
	// rebuilds runs the online rebuild and replay jobs; newRouters makes one when nil.
	rebuilds *rebuilds.Runner
	// breakers are the circuit breakers around Redis and the database, for the APIs
	// and the projector (their States are the pipeline report's); newRouters adds the
	// APIs' and makes the set when there is none.
	breakers *breaker.Set
	// opsToken is what the operations listener's control routes want (opsControl);
	// empty, they refuse every request.
	opsToken string
}

func newServeCmd(cfg *config) *cobra.Command {
	var leaseTTL time.Duration
	envTTL, envErr := leaseTTLFrom(cfg.getenv("BILLIE_LEASE_TTL"))
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the projector and the HTTP APIs",
		Long: `Run the projector (a member of --group on --stream), the HTTP APIs on --addr
(/api/... and /healthz, which says only up or down) and the operations listener on
--ops-addr (/metrics, /readyz, /healthz; loopback by default, keep it off the public
network; its unlock and rebuild routes answer only loopback requests with the token
written to --ops-token-file). SIGINT or SIGTERM finish the batch in hand, commit, acknowledge, give the
group's lease up and exit 0. Of the group's projectors only the holder of the lease
projects; the others stand by and take over once it stops, or --lease-ttl after it died.`,
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
	// Held until exit: backend restore refuses to replace the files meanwhile.
	unlock, err := lockServe(cfg.db)
	if err != nil {
		return err
	}
	defer unlock()
	st, opsStore, err := cfg.openStores(ctx)
	if err != nil {
		return err
	}
	defer opsStore.Close()
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
	// The projector has a Redis client of its own, so that each client has its breaker.
	breakers := breaker.NewSet()
	prdb, err := connectRedis(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer prdb.Close()
	prdb.AddHook(breaker.RedisHook(redisBreaker(breakers, breaker.Projector)))
	p := projector.New(prdb, guardedApplier{st: st, b: databaseBreaker(breakers, breaker.Projector)}, projector.Config{
		Stream: cfg.stream, Group: cfg.group, Consumer: cfg.consumer, DeadLetterStream: cfg.deadStream,
		ProducerZone: st.ProducerZone(),
		LeaseTTL:     leaseTTL,
	}, log)
	opsToken, err := loadOrCreateOpsToken(cfg.opsTokenPath())
	if err != nil {
		return err
	}
	d := &deps{cfg: cfg, log: log, rdb: rdb, store: st, ops: opsStore, failing: p.Failing, breakers: breakers, opsToken: opsToken}
	p.OnBatch = func(res store.Result, took time.Duration) {
		for _, f := range d.onBatch {
			f(res, took)
		}
	}
	p.OnFailure = func(f store.Failure) {
		for _, o := range d.onFailure {
			o(f)
		}
	}
	rs, err := newRouters(ctx, d, hc)
	if err != nil {
		return err
	}
	go rs.sampler.Run(ctx)
	srv, opsSrv := newServer(cfg.addr, rs.public, hc.limits), newServer(cfg.opsAddr, rs.ops, hc.limits)
	httpErr := make(chan error, 2)
	go func() { httpErr <- srv.ListenAndServe() }()
	go func() {
		if err := opsSrv.ListenAndServe(); err != nil {
			httpErr <- fmt.Errorf("operations listener: %w", err)
		}
	}()
	log.Info("backend serving", "addr", "http://"+cfg.addr, "ops_addr", "http://"+cfg.opsAddr, "db", cfg.db, "stream", cfg.stream, "group", cfg.group)

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
	for _, s := range []*http.Server{srv, opsSrv} {
		if serr := s.Shutdown(shutdown); serr != nil && !errors.Is(serr, http.ErrServerClosed) {
			log.Warn("http shutdown", "addr", s.Addr, "err", serr)
		}
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
