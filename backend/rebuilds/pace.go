package rebuilds

import (
	"context"
	"time"
)

// pacer makes a rebuild give way to the live projector. The two share the machine's
// cores and Go schedules their goroutines alike, so a rebuild going flat out took two
// thirds of the live apply rate (5,083 → 1,635 events/s in BenchmarkRebuild), while the
// live projection is what supervisors and the portal see. After each of the rebuild's
// batches the pacer looks at how busy the live store was while the batch was built:
// the fraction f of that time it spent applying (store.Store.ApplyTime, the work before
// each commit). Below keepsUp the projector keeps up anyway and the pacer does not
// wait; above, it waits share × f × that apply time, so the live store's share grows
// with its demand, and one applying flat out (f near 1) has the machine to itself for
// about share/(1+share) of the time. Measured before the threshold: beside a producer's
// 500 entries a second (f about 0.1 to 0.15) the projector's lag stayed at 0 with or
// without waits, which cost the rebuild 7 to 11 %; and a wait in proportion to the
// apply time alone (f left out) had to choose between the two loads: at 1 the live
// rate under flat-out load stayed at about half; at 2, with the commits' fsyncs
// counted, a rebuild beside 500 entries a second waited a third of its time.
type pacer struct {
	// applied is the live store's cumulative apply time (store.Store.ApplyTime).
	applied func() time.Duration
	// share scales the wait (see above); zero or less never waits.
	share float64
	// most bounds one wait, so that a long live batch cannot stall the rebuild.
	most time.Duration
	// sleep waits d or until ctx ends (a timer; tests record instead); now is the
	// clock (tests set it).
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time

	// last is the live apply time and since the moment when the previous wait ended.
	last   time.Duration
	since  time.Time
	waited time.Duration
}

// keepsUp is the busy fraction below which the live store needs no room.
const keepsUp = 0.25

func newPacer(applied func() time.Duration, share float64) *pacer {
	return &pacer{applied: applied, share: share, most: 2 * time.Second, sleep: sleepCtx, now: time.Now,
		last: applied(), since: time.Now()}
}

// pace is called after each rebuild batch: it waits for the live store's share.
func (p *pacer) pace(ctx context.Context) error {
	applied, now := p.applied(), p.now()
	live, took := applied-p.last, now.Sub(p.since)
	p.last, p.since = applied, now
	if live <= 0 || took <= 0 || p.share <= 0 {
		return nil
	}
	busy := min(1, float64(live)/float64(took))
	if busy < keepsUp {
		return nil
	}
	d := min(time.Duration(p.share*busy*float64(live)), p.most)
	err := p.sleep(ctx, d)
	p.waited += d
	// What the live store applied while the rebuild waited was its due: not counted
	// against the next batch.
	p.last, p.since = p.applied(), p.now()
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
