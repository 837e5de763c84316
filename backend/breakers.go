package main

import (
	"context"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/breaker"
	"github.com/billie/supervisor/backend/deadletters"
	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/customerapi"
)

// The circuit breakers of serve: Redis and the database, each for the APIs and for the
// projector (package breaker). The APIs' Redis client and the projector's are two
// clients, each with its breaker's hook; the database is guarded where each client
// calls it, by the wrappers below.

// redisBreaker is the breaker of Redis for client.
func redisBreaker(set *breaker.Set, client string) *breaker.Breaker {
	return set.New(breaker.Redis, client, breaker.Options{IsFailure: breaker.IsRedisFailure})
}

// databaseBreaker is the breaker of the database for client. A failure is what the
// store calls infrastructure (busy, locked, full, I/O, the request's deadline);
// an entry or a request the database refused is an answer.
func databaseBreaker(set *breaker.Set, client string) *breaker.Breaker {
	return set.New(breaker.Database, client, breaker.Options{IsFailure: store.IsInfrastructure})
}

// guardedPortal is the customer API's reads behind the database breaker.
type guardedPortal struct {
	r customerapi.Reader
	b *breaker.Breaker
}

func (g guardedPortal) Applications(ctx context.Context, customerID string, after *store.PortalPosition, limit int) ([]store.PortalRow, error) {
	return breaker.Call(g.b, func() ([]store.PortalRow, error) { return g.r.Applications(ctx, customerID, after, limit) })
}

func (g guardedPortal) Application(ctx context.Context, customerID, applicationID string) ([]byte, error) {
	return breaker.Call(g.b, func() ([]byte, error) { return g.r.Application(ctx, customerID, applicationID) })
}

func (g guardedPortal) Conversations(ctx context.Context, customerID string, after *store.PortalPosition, limit int) ([]store.PortalRow, error) {
	return breaker.Call(g.b, func() ([]store.PortalRow, error) { return g.r.Conversations(ctx, customerID, after, limit) })
}

func (g guardedPortal) Search(ctx context.Context, customerID, q string, limit int) (apps, convs []store.PortalRow, err error) {
	err = g.b.Do(func() error {
		var err error
		apps, convs, err = g.r.Search(ctx, customerID, q, limit)
		return err
	})
	return apps, convs, err
}

// guardedUsers is the accounts and sessions behind the database breaker: every
// signed-in route reads its session there first.
type guardedUsers struct {
	u accounts.Users
	b *breaker.Breaker
}

func (g guardedUsers) CreateUser(ctx context.Context, u accounts.User, passwordHash string) (accounts.User, error) {
	return breaker.Call(g.b, func() (accounts.User, error) { return g.u.CreateUser(ctx, u, passwordHash) })
}

func (g guardedUsers) ListUsers(ctx context.Context) ([]accounts.User, error) {
	return breaker.Call(g.b, func() ([]accounts.User, error) { return g.u.ListUsers(ctx) })
}

func (g guardedUsers) UserByEmail(ctx context.Context, email string) (u accounts.User, hash string, err error) {
	err = g.b.Do(func() error {
		var err error
		u, hash, err = g.u.UserByEmail(ctx, email)
		return err
	})
	return u, hash, err
}

func (g guardedUsers) UpdateUser(ctx context.Context, id int64, c accounts.UserChange) (accounts.User, error) {
	return breaker.Call(g.b, func() (accounts.User, error) { return g.u.UpdateUser(ctx, id, c) })
}

func (g guardedUsers) OpenSession(ctx context.Context, userID int64, tokenHash []byte, now, expires time.Time) error {
	return g.b.Do(func() error { return g.u.OpenSession(ctx, userID, tokenHash, now, expires) })
}

func (g guardedUsers) Session(ctx context.Context, tokenHash []byte) (u accounts.User, expires time.Time, err error) {
	err = g.b.Do(func() error {
		var err error
		u, expires, err = g.u.Session(ctx, tokenHash)
		return err
	})
	return u, expires, err
}

func (g guardedUsers) EndSession(ctx context.Context, tokenHash []byte) error {
	return g.b.Do(func() error { return g.u.EndSession(ctx, tokenHash) })
}

func (g guardedUsers) LiveSessions(ctx context.Context, now time.Time) ([]accounts.LiveSession, error) {
	return breaker.Call(g.b, func() ([]accounts.LiveSession, error) { return g.u.LiveSessions(ctx, now) })
}

// guardedDeadLetters is the dead-letter table behind the database breaker.
type guardedDeadLetters struct {
	s deadletters.Store
	b *breaker.Breaker
}

func (g guardedDeadLetters) DeadLetters(ctx context.Context, f store.DeadLetterFilter, after *store.DeadLetterKey, limit int) (store.DeadLetterPage, error) {
	return breaker.Call(g.b, func() (store.DeadLetterPage, error) { return g.s.DeadLetters(ctx, f, after, limit) })
}

func (g guardedDeadLetters) DeadLetterIDs(ctx context.Context, f store.DeadLetterFilter) ([]ledger.ID, error) {
	return breaker.Call(g.b, func() ([]ledger.ID, error) { return g.s.DeadLetterIDs(ctx, f) })
}

func (g guardedDeadLetters) DeadLetter(ctx context.Context, id ledger.ID) (store.DeadLetterRecord, error) {
	return breaker.Call(g.b, func() (store.DeadLetterRecord, error) { return g.s.DeadLetter(ctx, id) })
}

func (g guardedDeadLetters) RetryDeadLetter(ctx context.Context, id ledger.ID) (store.RetryResult, error) {
	return breaker.Call(g.b, func() (store.RetryResult, error) { return g.s.RetryDeadLetter(ctx, id) })
}

func (g guardedDeadLetters) DropDeadLetter(ctx context.Context, id ledger.ID) (bool, error) {
	return breaker.Call(g.b, func() (bool, error) { return g.s.DropDeadLetter(ctx, id) })
}

// applier is what the projector needs of the store.
type applier interface {
	ApplyRetrying(ctx context.Context, checkpoint string, entries []ledger.Entry, bo backoff.BackOff, onFailure func(store.Failure)) (store.Result, error)
}

// guardedApplier is the projector's store with its database breaker. The store's own
// retry loop makes the attempts: each failure is a failure of the breaker, and while
// the breaker is open the loop waits until it lets a probe through instead of trying
// on; a commit closes it.
type guardedApplier struct {
	st applier
	b  *breaker.Breaker
}

func (g guardedApplier) ApplyRetrying(ctx context.Context, checkpoint string, entries []ledger.Entry, bo backoff.BackOff, onFailure func(store.Failure)) (store.Result, error) {
	res, err := g.st.ApplyRetrying(ctx, checkpoint, entries, g.b.Backoff(bo), func(f store.Failure) {
		if f.Infrastructure {
			g.b.Record(f.Err)
		}
		if onFailure != nil {
			onFailure(f)
		}
	})
	if err == nil {
		g.b.Record(nil)
	}
	return res, err
}
