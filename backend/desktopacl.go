package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/redisacl"
)

// envDesktopACL turns on the desktops' own read-only Redis credentials (redisacl).
const envDesktopACL = "BILLIE_DESKTOP_REDIS_ACL"

// desktopACLOn is whether BILLIE_DESKTOP_REDIS_ACL asks for desktop credentials.
func desktopACLOn(getenv func(string) string) (bool, error) {
	v := getenv(envDesktopACL)
	if v == "" {
		return false, nil
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
func desktopLedger(ctx context.Context, log *slog.Logger, rdb redis.UniversalClient, stream string, on bool) accounts.LedgerAccess {
	if !on || rdb == nil {
		return nil
	}
	m := redisacl.New(rdb, stream, "")
	if err := m.Check(ctx); err != nil {
		log.Warn("desktop ledger credentials are off: this Redis connection may not manage ACL users; desktops keep their manual Redis setting",
			"err", err)
		return nil
	}
	log.Info("desktops get their own read-only ledger credential at sign-in", "stream", stream)
	return m
}
