package main

import (
	"context"
	"fmt"
	"time"

	"github.com/billie/supervisor/backend/errs"
	"github.com/billie/supervisor/backend/pipeline"
	"github.com/billie/supervisor/backend/rebuilds"
	"github.com/billie/supervisor/backend/store/ops"
)

// The operations store (backend/store/ops) keeps what is not a projection; the
// packages that use it define the small interfaces they need in their own terms.
// These adapters translate, so neither side imports the other.

// opsHistory keeps the pipeline's per-minute points in the operations store.
type opsHistory struct{ s *ops.Store }

func (h opsHistory) AppendMinute(ctx context.Context, p pipeline.Point) error {
	// The two types hold the same fields: a conversion, checked by the compiler.
	return h.s.AppendMinute(ctx, ops.Minute(p))
}

func (h opsHistory) Minutes(ctx context.Context, since time.Time) ([]pipeline.Point, error) {
	ms, err := h.s.Minutes(ctx, since)
	if err != nil {
		return nil, err
	}
	out := make([]pipeline.Point, len(ms))
	for i, m := range ms {
		out[i] = pipeline.Point(m)
	}
	return out, nil
}

// opsDesktops keeps the desktops' last reports in the operations store, one per user
// and host.
type opsDesktops struct{ s *ops.Store }

func (d opsDesktops) ReportDesktop(ctx context.Context, r pipeline.DesktopReport) error {
	return d.s.ReportDesktop(ctx, ops.Desktop{User: r.User, Name: r.Name, Version: r.Version, Host: r.Host,
		CachePosition: r.CachePosition, Behind: r.Behind, ReportedAt: r.ReportedAt})
}

func (d opsDesktops) Desktops(ctx context.Context) ([]pipeline.DesktopReport, error) {
	ds, err := d.s.Desktops(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]pipeline.DesktopReport, len(ds))
	for i, x := range ds {
		out[i] = pipeline.DesktopReport{User: x.User, Name: x.Name, Version: x.Version, Host: x.Host,
			CachePosition: x.CachePosition, Behind: x.Behind, ReportedAt: x.ReportedAt}
	}
	return out, nil
}

// opsJobs keeps the rebuild and replay jobs' records in the operations store.
type opsJobs struct{ s *ops.Store }

func (j opsJobs) SaveJob(ctx context.Context, job rebuilds.Job) error {
	rec := ops.Job{ID: job.ID, Kind: job.Kind, Source: job.Source, Since: job.Since, Conversation: job.Conversation,
		State: job.State, Done: job.Done, Total: job.Total, Error: job.Error, StartedAt: job.StartedAt, StartedBy: job.StartedBy}
	if job.FinishedAt != nil {
		rec.FinishedAt = *job.FinishedAt
	}
	return j.s.SaveJob(ctx, rec)
}

func (j opsJobs) Jobs(ctx context.Context) ([]rebuilds.Job, error) {
	recs, err := j.s.Jobs(ctx, 100)
	if err != nil {
		return nil, err
	}
	out := make([]rebuilds.Job, len(recs))
	for i, r := range recs {
		out[i] = jobOf(r)
	}
	return out, nil
}

func (j opsJobs) Job(ctx context.Context, id string) (rebuilds.Job, error) {
	r, ok, err := j.s.Job(ctx, id)
	if err != nil {
		return rebuilds.Job{}, err
	}
	if !ok {
		return rebuilds.Job{}, errs.E("job", errs.NotFound, fmt.Errorf("no job %q", id))
	}
	return jobOf(r), nil
}

func jobOf(r ops.Job) rebuilds.Job {
	job := rebuilds.Job{ID: r.ID, Kind: r.Kind, Source: r.Source, Since: r.Since, Conversation: r.Conversation,
		State: r.State, Done: r.Done, Total: r.Total, Error: r.Error, StartedAt: r.StartedAt, StartedBy: r.StartedBy}
	if !r.FinishedAt.IsZero() {
		at := r.FinishedAt
		job.FinishedAt = &at
	}
	return job
}
