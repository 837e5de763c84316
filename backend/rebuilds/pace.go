package rebuilds

import (
	"context"
	"time"
)

// pacer makes a rebuild give way to the live projector. The two share the machine's
// cores and Go schedules their goroutines alike, so a rebuild going flat out took two
// thirds of the live apply rate (5,083 → 1,635 events/s in BenchmarkRebuild), while the
// live projection is what supervisors and the portal see. After each of the rebuild's
// batches, the pacer waits share × the time the live store spent applying since the
// previous wait ended: with no live entries it never waits; a projector keeping up with
// a producer's few hundred entries a second costs the rebuild little; one applying flat
// out has the machine to itself share/(1+share) of the time (two thirds at the default
// share of 2; at 1 the live rate during a rebuild was still only about half its own).
// The live store's time in ApplyBatch measures its demand without any signal from the
// projector.
type pacer struct {
	// applied is the live store's cumulative apply time (store.Store.ApplyTime).
	applied func() time.Duration
	// share is how long to wait per unit of live apply time; zero never waits.
	share float64
	// most bounds one wait, so that a long live batch cannot stall the rebuild.
	most time.Duration
	// sleep waits d or until ctx ends (a timer; tests record instead).
	sleep func(ctx context.Context, d time.Duration) error

	last   time.Duration
	waited time.Duration
}

func newPacer(applied func() time.Duration, share float64) *pacer {
	return &pacer{applied: applied, share: share, most: 2 * time.Second, sleep: sleepCtx, last: applied()}
}

// pace is called after each rebuild batch: it waits for the live store's share.
func (p *pacer) pace(ctx context.Context) error {
	now := p.applied()
	live := now - p.last
	p.last = now
	if live <= 0 || p.share <= 0 {
		return nil
	}
	d := min(time.Duration(float64(live)*p.share), p.most)
	err := p.sleep(ctx, d)
	p.waited += d
	// What the live store applied while the rebuild waited was its due: not counted
	// against the next batch.
	p.last = p.applied()
	return err
}

// Waited is the time the pacer has waited in all.
func (p *pacer) Waited() time.Duration { return p.waited }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
