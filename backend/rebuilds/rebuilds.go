// Package rebuilds owns the online rebuild and replay jobs of the backend's read
// models: one at a time, each with its state, progress, rate and ETA, cancellable,
// recorded (JobRecords) and audited (Auditor). A rebuild builds a shadow database
// from the archive or the stream while the projector keeps projecting, catches it up
// and swaps it in (store.Shadow); a replay rebuilds the records touched since a point,
// or one conversation's (store.Replay). Its HTTP routes are in api.go.
package rebuilds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/errs"
	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/ledger/reader"
	"github.com/billie/supervisor/backend/store"
)

// Kinds of job.
const (
	KindRebuild = "rebuild"
	KindReplay  = "replay"
)

// Sources of a rebuild.
const (
	SourceArchive = "archive"
	SourceStream  = "stream"
)

// States of a job.
const (
	Running   = "running"
	Succeeded = "succeeded"
	Failed    = "failed"
	Cancelled = "cancelled"
)

// Audit actions.
const (
	ActionStart   = "rebuild.start"
	ActionCancel  = "rebuild.cancel"
	ActionSucceed = "rebuild.succeed"
	ActionFail    = "rebuild.fail"
)

// Job is one rebuild or replay, as the admin API shows it.
type Job struct {
	ID           string     `json:"id"`
	Kind         string     `json:"kind"`
	Source       string     `json:"source"`
	Since        string     `json:"since"`
	Conversation string     `json:"conversation"`
	State        string     `json:"state"`
	Done         int64      `json:"done"`
	Total        int64      `json:"total"`
	RatePerSec   float64    `json:"ratePerSec"`
	EtaSeconds   float64    `json:"etaSeconds"`
	Error        string     `json:"error"`
	StartedAt    time.Time  `json:"startedAt"`
	FinishedAt   *time.Time `json:"finishedAt"`
	StartedBy    string     `json:"startedBy"`
}

// Request asks for a job: a full rebuild from Source, or, with Since or Conversation,
// a replay (Source is then the archive's).
type Request struct {
	Source       string `json:"source"`
	Since        string `json:"since,omitempty"`
	Conversation string `json:"conversation,omitempty"`
}

// Auditor records who did what (ops-store's *ops.Store implements it).
type Auditor interface {
	Record(ctx context.Context, actor, action, target, detail string) error
}

// JobRecords keep the jobs across restarts (ops-store's jobs table).
type JobRecords interface {
	SaveJob(ctx context.Context, j Job) error
	// Jobs are the recorded jobs, newest first.
	Jobs(ctx context.Context) ([]Job, error)
	// Job is one recorded job; an errs.NotFound error when there is none.
	Job(ctx context.Context, id string) (Job, error)
}

// Config is what a Runner works on.
type Config struct {
	Store *store.Store
	// Checkpoint is the projector's checkpoint (its group).
	Checkpoint string
	// Redis and Stream are the ledger, for a rebuild from the stream; without Redis
	// only the archive is a source.
	Redis  redis.UniversalClient
	Stream string
	// Records and Audit may be nil: the jobs are then kept in memory, unaudited.
	Records JobRecords
	Audit   Auditor
	Log     *slog.Logger
	// BatchSize is how many entries the shadow takes per transaction (default 10,000).
	BatchSize int
	// LiveShare scales how long a rebuild waits after each of its batches for the
	// live store, by how busy it was meanwhile (see pacer): the live projection goes
	// first. Zero is the default, 4; a negative share never waits.
	LiveShare float64
	// AfterBatch, when set, is called after each batch a job applies, with the entries
	// done so far; an error fails the job there (tests inject failures with it).
	AfterBatch func(done int64) error
}

// Runner runs the jobs, one at a time.
type Runner struct {
	cfg  Config
	base context.Context
	now  func() time.Time

	mu      sync.Mutex
	current *running
	memory  []Job // when cfg.Records is nil
	seq     int
}

type running struct {
	job    Job
	cancel context.CancelFunc
	done   chan struct{}
	start  time.Time
}

// New is a Runner whose jobs run until ctx ends (the server's life).
func New(ctx context.Context, cfg Config) *Runner {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 10000
	}
	if cfg.LiveShare == 0 {
		cfg.LiveShare = 4
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Runner{cfg: cfg, base: ctx, now: time.Now}
}

// Start starts a job for actor; errs.Conflict while another runs, errs.Invalid for a
// request it cannot do.
func (r *Runner) Start(ctx context.Context, actor string, req Request) (Job, error) {
	const op = "start rebuild"
	j := Job{Source: req.Source, Since: req.Since, Conversation: req.Conversation, State: Running, StartedBy: actor}
	var sel store.ReplaySelection
	switch {
	case req.Since != "" && req.Conversation != "":
		return Job{}, errs.E(op, errs.Invalid, errors.New("give since or conversation, not both"))
	case req.Since != "":
		id, err := ParseSince(req.Since)
		if err != nil {
			return Job{}, errs.E(op, errs.Invalid, err)
		}
		j.Kind, sel.Since = KindReplay, id
	case req.Conversation != "":
		j.Kind, sel.Conversation = KindReplay, req.Conversation
	default:
		j.Kind = KindRebuild
	}
	switch {
	case j.Source == "":
		j.Source = SourceArchive
	case j.Source != SourceArchive && j.Source != SourceStream:
		return Job{}, errs.E(op, errs.Invalid, fmt.Errorf("source %q: want archive or stream", req.Source))
	case j.Source == SourceStream && j.Kind == KindReplay:
		return Job{}, errs.E(op, errs.Invalid, errors.New("a replay reads the archive; the stream is a source of full rebuilds only"))
	case j.Source == SourceStream && r.cfg.Redis == nil:
		return Job{}, errs.E(op, errs.Unavailable, errors.New("no Redis to read the stream from"))
	}

	r.mu.Lock()
	if r.current != nil && r.current.job.State == Running {
		r.mu.Unlock()
		return Job{}, errs.E(op, errs.Conflict, fmt.Errorf("job %s is running; cancel it or wait", r.current.job.ID))
	}
	r.seq++
	start := r.now().UTC()
	j.ID = strconv.FormatInt(start.UnixMilli(), 10) + "-" + strconv.Itoa(r.seq)
	j.StartedAt = start
	jctx, cancel := context.WithCancel(r.base)
	run := &running{job: j, cancel: cancel, done: make(chan struct{}), start: start}
	r.current = run
	r.mu.Unlock()

	r.save(ctx, j)
	r.audit(ctx, actor, ActionStart, j, describe(j))
	go r.run(jctx, run, sel)
	return j, nil
}

// ParseSince reads a replay's point: an RFC 3339 time (the stream ID of its
// millisecond) or a stream ID.
func ParseSince(s string) (ledger.ID, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		if t.UnixMilli() < 0 {
			return ledger.ID{}, fmt.Errorf("since %q: before 1970", s)
		}
		return ledger.ID{Ms: uint64(t.UnixMilli())}, nil
	}
	id, err := ledger.ParseID(s)
	if err != nil {
		return ledger.ID{}, fmt.Errorf("since %q: want an RFC 3339 time or a stream ID", s)
	}
	return id, nil
}

func describe(j Job) string {
	switch {
	case j.Since != "":
		return "replay since " + j.Since
	case j.Conversation != "":
		return "replay of conversation " + j.Conversation
	}
	return "rebuild from the " + j.Source
}

// Cancel cancels the running job id for actor; errs.NotFound when no job of that id
// is running. A job in its final swap finishes it.
func (r *Runner) Cancel(ctx context.Context, actor, id string) (Job, error) {
	r.mu.Lock()
	run := r.current
	if run == nil || run.job.ID != id || run.job.State != Running {
		r.mu.Unlock()
		j, err := r.Job(ctx, id)
		if err != nil {
			return Job{}, err
		}
		return j, errs.E("cancel rebuild", errs.Conflict, fmt.Errorf("job %s is %s", id, j.State))
	}
	r.mu.Unlock()
	r.audit(ctx, actor, ActionCancel, run.job, "")
	run.cancel()
	<-run.done
	return r.Job(ctx, id)
}

// Wait waits for the job id, if it is the running one, to end, and returns it.
func (r *Runner) Wait(ctx context.Context, id string) (Job, error) {
	r.mu.Lock()
	run := r.current
	r.mu.Unlock()
	if run != nil && run.job.ID == id {
		select {
		case <-run.done:
		case <-ctx.Done():
			return Job{}, ctx.Err()
		}
	}
	return r.Job(ctx, id)
}

// Current is the running job, nil when none runs (the pipeline view shows it).
func (r *Runner) Current() *Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.current == nil || r.current.job.State != Running {
		return nil
	}
	j := r.current.job
	return &j
}

// Job is the job id.
func (r *Runner) Job(ctx context.Context, id string) (Job, error) {
	r.mu.Lock()
	if r.current != nil && r.current.job.ID == id {
		j := r.current.job
		r.mu.Unlock()
		return j, nil
	}
	if r.cfg.Records == nil {
		defer r.mu.Unlock()
		for _, j := range r.memory {
			if j.ID == id {
				return j, nil
			}
		}
		return Job{}, errs.E("rebuild job", errs.NotFound, fmt.Errorf("no job %s", id))
	}
	r.mu.Unlock()
	return r.cfg.Records.Job(ctx, id)
}

// Jobs are the jobs, newest first, the running one included.
func (r *Runner) Jobs(ctx context.Context) ([]Job, error) {
	var out []Job
	if r.cfg.Records == nil {
		r.mu.Lock()
		for i := len(r.memory) - 1; i >= 0; i-- {
			out = append(out, r.memory[i])
		}
		r.mu.Unlock()
	} else {
		var err error
		if out, err = r.cfg.Records.Jobs(ctx); err != nil {
			return nil, errs.E("rebuild jobs", err)
		}
	}
	if cur := r.Current(); cur != nil {
		for i := range out {
			if out[i].ID == cur.ID {
				out[i] = *cur
			}
		}
	}
	return out, nil
}

// save records j; a failure is logged, not the job's.
func (r *Runner) save(ctx context.Context, j Job) {
	if r.cfg.Records == nil {
		r.mu.Lock()
		defer r.mu.Unlock()
		for i := range r.memory {
			if r.memory[i].ID == j.ID {
				r.memory[i] = j
				return
			}
		}
		r.memory = append(r.memory, j)
		return
	}
	if err := r.cfg.Records.SaveJob(context.WithoutCancel(ctx), j); err != nil {
		r.cfg.Log.Error("rebuild: record job", "job", j.ID, "err", err)
	}
}

func (r *Runner) audit(ctx context.Context, actor, action string, j Job, detail string) {
	if r.cfg.Audit == nil {
		return
	}
	if err := r.cfg.Audit.Record(context.WithoutCancel(ctx), actor, action, "rebuild/"+j.ID, detail); err != nil {
		r.cfg.Log.Error("rebuild: audit", "job", j.ID, "action", action, "err", err)
	}
}

// progress updates the running job's counts, rate and ETA.
func (r *Runner) progress(run *running, done, total int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := &run.job
	j.Done, j.Total = done, max(total, done)
	if el := r.now().Sub(run.start).Seconds(); el > 0 {
		j.RatePerSec = float64(done) / el
	}
	if j.RatePerSec > 0 {
		j.EtaSeconds = float64(j.Total-j.Done) / j.RatePerSec
	}
}

// run does the job and records how it ended.
func (r *Runner) run(ctx context.Context, run *running, sel store.ReplaySelection) {
	defer close(run.done)
	defer run.cancel()
	var err error
	if run.job.Kind == KindReplay {
		err = r.replay(ctx, run, sel)
	} else {
		err = r.rebuild(ctx, run)
	}
	r.mu.Lock()
	j := &run.job
	fin := r.now().UTC()
	j.FinishedAt = &fin
	action := ActionSucceed
	switch {
	case err == nil:
		j.State, j.EtaSeconds = Succeeded, 0
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		j.State, j.Error, action = Cancelled, "cancelled", ActionFail
	default:
		j.State, j.Error, action = Failed, err.Error(), ActionFail
	}
	final := *j
	r.mu.Unlock()
	r.save(context.Background(), final)
	if final.State != Cancelled {
		r.audit(context.Background(), final.StartedBy, action, final, final.Error)
	}
	r.cfg.Log.Info("rebuild job ended", "job", final.ID, "kind", final.Kind, "state", final.State, "done", final.Done, "err", final.Error)
}

// rebuild builds a shadow from the source, catches it up with the live archive and
// swaps it in; on any error the shadow is removed and the live store is untouched.
func (r *Runner) rebuild(ctx context.Context, run *running) (err error) {
	st := r.cfg.Store
	sh, err := st.NewShadow(ctx, r.cfg.Checkpoint)
	if err != nil {
		return err
	}
	defer func() {
		if derr := sh.Discard(); derr != nil && err == nil {
			err = derr
		}
	}()
	var done int64
	pace := newPacer(st.ApplyTime, r.cfg.LiveShare)
	step := func(n int64, total int64) error {
		done += n
		r.progress(run, done, total)
		if r.cfg.AfterBatch != nil {
			if err := r.cfg.AfterBatch(done); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		return pace.pace(ctx)
	}
	if run.job.Source == SourceStream {
		if err := r.fromStream(ctx, sh, step); err != nil {
			return err
		}
	}
	// The archive: all of it for a rebuild from the archive, what the live projector
	// archived since the stream's end for one from the stream; then, a few times,
	// what it archived meanwhile, so the swap has little left to do.
	for round := 0; round < 5; round++ {
		total, err := st.ArchiveCount(ctx)
		if err != nil {
			return err
		}
		r.progress(run, done, total)
		n, err := sh.CatchUp(ctx, r.cfg.BatchSize, func(n int) error { return step(int64(n), total) })
		if err != nil {
			return err
		}
		if n < int64(r.cfg.BatchSize)/10 {
			break
		}
	}
	stats, err := sh.Swap(ctx)
	if err != nil {
		return err
	}
	done += stats.CaughtUp
	r.progress(run, done, done)
	r.cfg.Log.Info("rebuild swapped in", "job", run.job.ID, "caught_up", stats.CaughtUp,
		"apply_paused", stats.ApplyPaused, "readers_held", stats.ReadersHeld, "gave_way", pace.Waited())
	return nil
}

// fromStream applies the stream, from its first entry to the last one the live
// store archived, to the shadow. Entries trimmed from the stream are not rebuilt.
func (r *Runner) fromStream(ctx context.Context, sh *store.Shadow, step func(n, total int64) error) error {
	end, err := sh.LiveArchiveEnd(ctx)
	if err != nil || end.IsZero() {
		return err
	}
	total, err := r.cfg.Redis.XLen(ctx, r.cfg.Stream).Result()
	if err != nil {
		return fmt.Errorf("rebuild from the stream: %w", err)
	}
	start := "-"
	for {
		entries, err := reader.Range(ctx, r.cfg.Redis, r.cfg.Stream, start, end.String(), int64(r.cfg.BatchSize))
		if err != nil {
			return fmt.Errorf("rebuild from the stream: %w", err)
		}
		if len(entries) == 0 {
			return nil
		}
		ledger.DecodeEntries(entries, r.cfg.Store.ProducerZone())
		if _, err := sh.Apply(ctx, entries); err != nil {
			return fmt.Errorf("rebuild from the stream: %w", err)
		}
		if err := step(int64(len(entries)), total); err != nil {
			return err
		}
		start = "(" + entries[len(entries)-1].ID
	}
}

// replay rebuilds the selected records in place.
func (r *Runner) replay(ctx context.Context, run *running, sel store.ReplaySelection) error {
	stats, err := r.cfg.Store.Replay(ctx, sel, r.cfg.Checkpoint, func(done, total int64) {
		r.progress(run, done, total)
	})
	if err != nil {
		return err
	}
	r.cfg.Log.Info("replay done", "job", run.job.ID, "conversations", stats.Conversations, "applications", stats.Applications,
		"customers", stats.Customers, "entries", stats.Entries, "rounds", stats.Rounds, "apply_paused", stats.ApplyPaused)
	return nil
}
