// Package pipeline owns the admins' view of the pipeline's health: the document of
// GET /api/admin/pipeline (Redis, database, stream, projection, breakers, dead letters,
// rebuild, desktops, alerts), the per-minute history behind GET
// /api/admin/pipeline/history and the sampler that records it, and the desktops'
// reports (POST /api/desktop/report). It reads Redis, the store and the projector's
// hooks; breakers, the rebuild job, dead letters, history and desktop reports come
// through the small interfaces below, which other packages implement.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/alerts"
	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/projector"
	"github.com/billie/supervisor/backend/store"
)

// Store is what the document reads of the read-model database (*store.Store).
type Store interface {
	Ping(ctx context.Context) error
	Checkpoint(ctx context.Context, name string) (ledger.ID, error)
	Counters(ctx context.Context) (store.Counts, error)
}

// BreakerState is one circuit breaker: "closed", "open" or "half-open".
type BreakerState struct {
	Name  string `json:"name"`
	State string `json:"state"`
}

// Breaker states.
const (
	BreakerClosed   = "closed"
	BreakerOpen     = "open"
	BreakerHalfOpen = "half-open"
)

// BreakerStates lists the process's circuit breakers.
type BreakerStates interface{ States() []BreakerState }

// CurrentJob is the rebuild or replay job running or last run, as its API answers it;
// nil when there is none.
type CurrentJob func() any

// DeadLetterCount counts the dead letters waiting.
type DeadLetterCount func(ctx context.Context) (int64, error)

// Sources are where the document's figures come from. Redis and Store are required;
// every other source may be nil, and then reads as empty.
type Sources struct {
	Redis redis.UniversalClient
	Store Store
	// Stream and Group are the ledger stream and the projector's consumer group (also
	// the name of the store's checkpoint); DeadLetterStream is counted when DeadLetters
	// is nil.
	Stream, Group, DeadLetterStream string
	// DBPath and OpsDBPath are the database files, for their sizes (with their -wal);
	// an empty path has size 0.
	DBPath, OpsDBPath string
	Tracker           *Tracker
	// Failing is the projector's batch in hand while it keeps failing.
	Failing     func() (projector.Failing, bool)
	Breakers    BreakerStates
	Rebuild     CurrentJob
	DeadLetters DeadLetterCount
	Desktops    DesktopStore
	Alerts      *alerts.Evaluator
	// Timeout bounds each dependency's reads (default 2 s), so one that hangs leaves
	// the rest of the document.
	Timeout time.Duration
	Now     func() time.Time
	// Log hears of the sources that failed and are left out (desktops); nil: silent.
	Log *slog.Logger
}

func (s *Sources) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Sources) timeout() time.Duration {
	if s.Timeout <= 0 {
		return 2 * time.Second
	}
	return s.Timeout
}

// Document is the answer of GET /api/admin/pipeline.
type Document struct {
	At          time.Time      `json:"at"`
	Redis       Dependency     `json:"redis"`
	Database    Database       `json:"database"`
	Stream      Stream         `json:"stream"`
	Projection  Projection     `json:"projection"`
	Breakers    []BreakerState `json:"breakers"`
	DeadLetters DeadLetters    `json:"deadLetters"`
	Rebuild     any            `json:"rebuild"`
	Desktops    []Desktop      `json:"desktops"`
	Alerts      []alerts.Alert `json:"alerts"`
	totals      Totals         // for the sampler
	checkpoint  string         // for the sampler
}

// Dependency is whether Redis or the database answered, how fast, and if not, why.
type Dependency struct {
	OK    bool    `json:"ok"`
	RTTMs float64 `json:"rttMs"`
	// Error says in plain words why it did not answer; empty when it did.
	Error string `json:"error"`
}

// Database is the read-model database and the sizes of the database files.
type Database struct {
	Dependency
	SizeBytes    int64 `json:"sizeBytes"`
	OpsSizeBytes int64 `json:"opsSizeBytes"`
}

// Stream is the ledger stream; zeros and empty IDs while Redis does not answer.
type Stream struct {
	Key     string `json:"key"`
	Length  int64  `json:"length"`
	FirstID string `json:"firstId"`
	LastID  string `json:"lastId"`
}

// Projection is the backend's projection: its group on the stream and its progress.
type Projection struct {
	Group         string           `json:"group"`
	LeaseHolder   string           `json:"leaseHolder"`
	LastAppliedID string           `json:"lastAppliedId"`
	Behind        int64            `json:"behind"`
	Pending       int64            `json:"pending"`
	Consumers     []Consumer       `json:"consumers"`
	EventsPerSec1 float64          `json:"eventsPerSec1m"`
	EventsPerSec5 float64          `json:"eventsPerSec15m"`
	Outcomes      map[string]int64 `json:"outcomes"`
	LastError     *string          `json:"lastError"`
	LastErrorAt   *time.Time       `json:"lastErrorAt"`
}

// DeadLetters is the dead letters waiting; -1 when they could not be counted.
type DeadLetters struct {
	Count int64 `json:"count"`
}

// Collect reads every source into the document. It never fails: a dependency that
// does not answer is ok:false with the reason, and the figures it would give are left
// at zero.
func (s *Sources) Collect(ctx context.Context) Document {
	doc := s.collect(ctx)
	if s.Rebuild != nil {
		doc.Rebuild = s.Rebuild()
	}
	if s.Desktops != nil {
		if ds, err := s.desktops(ctx, doc.At); err == nil {
			doc.Desktops = ds
		} else if s.Log != nil {
			s.Log.Warn("pipeline: reading the desktops' reports", "err", err)
		}
	}
	if s.Alerts != nil {
		doc.Alerts = s.Alerts.Firing()
	}
	return doc
}

// collect reads what the sampler needs: the dependencies, the projection, breakers.
func (s *Sources) collect(ctx context.Context) Document {
	doc := Document{
		At:          s.now().UTC(),
		Stream:      Stream{Key: s.Stream},
		Projection:  Projection{Group: s.Group, Consumers: []Consumer{}, Outcomes: map[string]int64{}},
		Breakers:    []BreakerState{},
		DeadLetters: DeadLetters{Count: -1},
		Desktops:    []Desktop{},
		Alerts:      []alerts.Alert{},
	}
	s.readRedis(ctx, &doc)
	s.readDatabase(ctx, &doc)
	s.readProjector(&doc)
	if s.Breakers != nil {
		if bs := s.Breakers.States(); bs != nil {
			doc.Breakers = bs
		}
	}
	return doc
}

func (s *Sources) readRedis(ctx context.Context, doc *Document) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	start := time.Now()
	if err := s.Redis.Ping(ctx).Err(); err != nil {
		doc.Redis.Error = Plain("Redis", err)
		return
	}
	doc.Redis.RTTMs = ms(time.Since(start))
	g, err := ReadGroup(ctx, s.Redis, s.Stream, s.Group)
	if err != nil {
		doc.Redis.Error = Plain("Redis", err)
		return
	}
	doc.Redis.OK = true

	doc.Stream.Length, doc.Stream.FirstID, doc.Stream.LastID = g.Length, g.FirstID, g.LastID
	p := &doc.Projection
	p.LeaseHolder, p.Behind, p.Pending = g.LeaseHolder, g.Behind(), g.Pending
	if g.Consumers != nil {
		p.Consumers = g.Consumers
	}
	if s.DeadLetters == nil && s.DeadLetterStream != "" {
		if n, err := s.Redis.XLen(ctx, s.DeadLetterStream).Result(); err == nil {
			doc.DeadLetters.Count = n
		}
	}
}

func (s *Sources) readDatabase(ctx context.Context, doc *Document) {
	doc.Database.SizeBytes, doc.Database.OpsSizeBytes = fileSize(s.DBPath), fileSize(s.OpsDBPath)
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	start := time.Now()
	err := s.Store.Ping(ctx)
	if err == nil {
		doc.Database.RTTMs = ms(time.Since(start))
		var last ledger.ID
		if last, err = s.Store.Checkpoint(ctx, s.Group); err == nil {
			doc.Projection.LastAppliedID = last.String()
			doc.checkpoint = last.String()
		}
	}
	if err == nil {
		var c store.Counts
		if c, err = s.Store.Counters(ctx); err == nil {
			for _, o := range projection.Outcomes() {
				doc.Projection.Outcomes[o.String()] = c.Of(o)
			}
		}
	}
	if err != nil {
		doc.Database.Error = Plain("The database", err)
		return
	}
	doc.Database.OK = true
	if s.DeadLetters != nil {
		if n, err := s.DeadLetters(ctx); err == nil {
			doc.DeadLetters.Count = n
		}
	}
}

func (s *Sources) readProjector(doc *Document) {
	p := &doc.Projection
	if t := s.Tracker; t != nil {
		p.EventsPerSec1, p.EventsPerSec5 = round(t.Rate(time.Minute)), round(t.Rate(15*time.Minute))
		doc.totals = t.Totals()
		if msg, at, ok := t.LastError(); ok {
			at = at.UTC()
			p.LastError, p.LastErrorAt = &msg, &at
		}
	}
	if s.Failing != nil {
		if f, ok := s.Failing(); ok {
			msg := fmt.Sprintf("the batch from %s has failed %d times: %s", f.First, f.Attempts, f.Error)
			at := f.Last.UTC()
			p.LastError, p.LastErrorAt = &msg, &at
		}
	}
}

// fileSize is the size of the SQLite database at path with its write-ahead log.
func fileSize(path string) int64 {
	if path == "" {
		return 0
	}
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Plain says in plain words why what (Redis, the database) did not answer, for an
// admin: the cause first, the technical error after it.
func Plain(what string, err error) string {
	var nerr net.Error
	var cause string
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		cause = "refuses connections: it is not running or not listening at the configured address"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		cause = "does not answer in time"
	case errors.Is(err, redis.ErrClosed):
		cause = "connection is closed"
	case strings.Contains(err.Error(), "WRONGPASS"), strings.Contains(err.Error(), "NOAUTH"), strings.Contains(err.Error(), "NOPERM"):
		cause = "refuses the backend's credentials"
	case strings.Contains(err.Error(), "database is locked"), strings.Contains(err.Error(), "SQLITE_BUSY"):
		cause = "is locked by another process"
	case strings.Contains(err.Error(), "database is closed"):
		cause = "is closed"
	default:
		cause = "fails"
	}
	return what + " " + cause + " (" + err.Error() + ")"
}
