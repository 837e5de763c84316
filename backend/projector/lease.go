package projector

import (
	"context"
	"errors"
	"time"

	"github.com/billie/supervisor/backend/ledger/reader"
)

// runLeased projects during each tenure of the group's lease, standing by between
// them, until ctx ends.
func (p *Projector) runLeased(ctx context.Context) error {
	defer func() {
		release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := p.lease.Release(release); err != nil {
			p.log.Warn("giving the lease up failed; a standby takes over once it expires", "err", err)
		}
	}()
	// Only the first attempt takes over a lease held under this consumer's name: that
	// is this consumer's previous process, which died holding it.
	own := true
	for {
		if err := p.acquire(ctx, own); err != nil {
			return nil // ctx ended
		}
		own = false
		err := p.hold(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if !errors.Is(err, reader.ErrLeaseLost) {
			return err
		}
		p.log.Warn("lost the group's lease to another consumer; standing by")
	}
}

// acquire waits until this projector holds the lease; it fails only when ctx ends.
func (p *Projector) acquire(ctx context.Context, own bool) error {
	poll := max(p.cfg.LeaseTTL/10, 10*time.Millisecond)
	told := false
	for {
		ok, err := p.lease.Acquire(ctx, own)
		switch {
		case ok:
			p.log.Info("holding the group's lease", "consumer", p.cfg.Consumer)
			return nil
		case err != nil && ctx.Err() == nil:
			p.log.Warn("taking the group's lease failed; retrying", "err", err, "in", poll)
		case !told && ctx.Err() == nil:
			holder, _ := reader.Holder(ctx, p.rdb, p.cfg.Stream, p.cfg.Group)
			p.log.Info("standing by: another consumer holds the group's lease", "holder", holder)
			told = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}

// hold projects for one tenure of the lease: it claims the group's pending entries,
// applies them, then new ones, renewing the lease meanwhile. It returns
// reader.ErrLeaseLost once another consumer holds the lease; what was read ahead is
// dropped, and only the batch being applied finishes.
func (p *Projector) hold(ctx context.Context) error {
	tenure, end := context.WithCancelCause(ctx)
	defer end(nil)
	go p.renew(tenure, end)
	p.group = p.newGroup()
	err := reader.Run(tenure, p.group, p.apply, reader.Options{
		ReadAhead: readAhead, MaxApply: p.cfg.MaxTransaction, ProducerZone: p.cfg.ProducerZone,
		OnReadError: func(err error, wait time.Duration) {
			p.log.Warn("reading the stream failed; retrying", "err", err, "in", wait)
		},
	})
	if ctx.Err() == nil && errors.Is(context.Cause(tenure), reader.ErrLeaseLost) {
		// A batch whose retries the loss cut short is not an error: the new holder
		// claimed its entries.
		return reader.ErrLeaseLost
	}
	return err
}

// renew keeps the lease until the tenure ends, ending it when the lease turns out to
// be someone else's. A failed renewal (Redis away) is not a loss: the reads fail too
// meanwhile, and if the lease expired, the first one after says so.
func (p *Projector) renew(tenure context.Context, end context.CancelCauseFunc) {
	t := time.NewTicker(max(p.cfg.LeaseTTL/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-tenure.Done():
			return
		case <-t.C:
		}
		held, err := p.lease.Renew(tenure)
		switch {
		case err != nil && tenure.Err() == nil:
			p.log.Warn("renewing the group's lease failed", "err", err)
		case err == nil && !held:
			end(reader.ErrLeaseLost)
			return
		}
	}
}
