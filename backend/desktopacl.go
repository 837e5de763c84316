package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/redisacl"
)

// envDesktopACL turns on the desktops' own read-only Redis credentials (redisacl).
const envDesktopACL = "BILLIE_DESKTOP_REDIS_ACL"

// desktopACLOn is whether desktops get credentials of their own: unless
// BILLIE_DESKTOP_REDIS_ACL is false, so that admins need not hand out a shared Redis
// password (where the backend may not manage ACL users, desktopLedger says so and the
// desktops keep their manual setting).
func desktopACLOn(getenv func(string) string) (bool, error) {
	v := getenv(envDesktopACL)
	if v == "" {
		return true, nil
	}
	on, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s %q: want true or false", envDesktopACL, v)
	}
	return on, nil
}

// desktopLedger is what issues the desktops' ledger credentials, or nil: when they are
// off, or when this Redis connection may not manage ACL users, which it logs (the
// desktops then keep their manual Redis setting).
// Its users are named for the group (redisacl.Prefix, the group, the account and the
// session), so that the sweep of one deployment never deletes another's on a shared
// Redis.
func desktopLedger(ctx context.Context, log *slog.Logger, rdb redis.UniversalClient, stream, group string, on bool) accounts.LedgerAccess {
	if !on || rdb == nil {
		return nil
	}
	m := redisacl.New(rdb, stream, group+"-")
	if err := m.Check(ctx); err != nil {
		log.Warn("desktop ledger credentials are off: this Redis connection may not manage ACL users; desktops keep their manual Redis setting",
			"err", err)
		return nil
	}
	log.Info("desktops get their own read-only ledger credential at sign-in", "stream", stream)
	return m
}

// sweepLedgerAccess deletes, every interval until ctx ends, the desktop credentials of
// sessions that expired or ended without a sign-out.
func sweepLedgerAccess(ctx context.Context, acc *accounts.Service, log *slog.Logger, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := acc.SweepLedgerAccess(ctx); err != nil && ctx.Err() == nil {
				log.Warn("sweeping desktop ledger credentials failed; retrying later", "err", err)
			}
		}
	}
}
