package app

// Keeping the local cache in sync with the stream: opening the cache, running the
// consumer that fills it, and switching both when the settings point at another Redis
// or stream.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/billie/supervisor/backend/store"
)

const cacheIdentityName = "cache.json"

// cacheReaders is the size of the cache's read pool. Each connection keeps its own
// page cache, so few connections stay warm; the window rarely has more than a page,
// a count and a detail in flight.
const cacheReaders = 2

// cacheIdentity says which stream the cache copies. A cache of another stream (or
// of the same name on another Redis) is deleted rather than mixed with it: its
// checkpoint means nothing there.
type cacheIdentity struct {
	Redis  string `json:"redis"`
	Stream string `json:"stream"`
	// Zone is the producer's time zone the cache read times in, "" for UTC: a
	// cache read in another zone holds other times.
	Zone string `json:"zone,omitempty"`
}

func identityOf(c config) (cacheIdentity, error) {
	o, err := c.redisOptions()
	if err != nil {
		return cacheIdentity{}, err
	}
	return cacheIdentity{Redis: fmt.Sprintf("%s/%d", o.Addr, o.DB), Stream: c.Stream}, nil
}

// cacheOptions are the local cache's: it can read its stream again, so it keeps no
// archive and trades the newest commits on power loss for speed; it never serves the
// customer portal, and it serves the supervisor queries.
func cacheOptions() store.Options {
	return store.Options{Relaxed: true, NoArchive: true, NoPortal: true, SupervisorQueries: true,
		UnmappedWriter: true, Readers: cacheReaders, CachedRecords: 1024, CachedDocsMiB: 32}
}

// PagePoolMiB is the size of the SQLite page pool (package pagepool) that the
// desktop's main gives the process for the cache's connections.
func PagePoolMiB() int { return store.PagePoolMiB(cacheOptions()) }

// openCache opens the cache for c's stream, starting afresh when the cache on disk
// belongs to another stream.
func openCache(ctx context.Context, open OpenStore, dir string, c config, zone *time.Location) (*store.Store, error) {
	id, err := identityOf(c)
	if err != nil {
		return nil, err
	}
	if zone != nil && zone != time.UTC {
		id.Zone = zone.String()
	}
	idPath := filepath.Join(dir, cacheIdentityName)
	b, err := readPrivate(idPath)
	if err != nil {
		return nil, err
	}
	var have cacheIdentity
	if b != nil && json.Unmarshal(b, &have) == nil && have != id {
		if err := removeCache(dir); err != nil {
			return nil, err
		}
	}
	o := cacheOptions()
	o.ProducerZone = zone
	st, err := open(ctx, filepath.Join(dir, cacheFile), o)
	if err != nil {
		return nil, fmt.Errorf("open the local cache: %w", err)
	}
	b, err = json.Marshal(id)
	if err == nil {
		err = writePrivate(idPath, b)
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open the local cache: %w", err)
	}
	return st, nil
}

func removeCache(dir string) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		err := os.Remove(filepath.Join(dir, cacheFile+suffix))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("delete the old cache: %w", err)
		}
	}
	return nil
}

// consumerRun is one running consumer.
type consumerRun struct {
	cancel context.CancelFunc
	done   chan struct{}
	rdb    *redis.Client
}

func (r *consumerRun) stop() {
	r.cancel()
	<-r.done
	_ = r.rdb.Close() // nothing to do about a failing close of a client we drop
}

// startConsumer starts consuming c's stream into st. The caller holds a.mu.
func (a *App) startConsumer(c config, st *store.Store) error {
	opts, err := c.redisOptions()
	if err != nil {
		return err
	}
	if a.opts.redisName != "" {
		opts.ClientName = a.opts.redisName
	}
	rdb := redis.NewClient(opts)
	cc := a.opts.consumer
	cc.Stream = c.Stream
	cons := newConsumer(rdb, st, cc, a.log, a.track)
	cons.onApplied = func(res store.Result) { a.coal.add(res.Changes) }
	cons.onGap = a.recordGap
	// Offline from launch, the window still learns how recent the cache is.
	if pos, err := st.Checkpoint(a.base, cons.cfg.Checkpoint); err == nil && !pos.IsZero() {
		a.track.update(func(s *ConnectionState) {
			if s.LastAppliedID == "" {
				s.LastAppliedID = pos.String()
			}
		})
	}
	ctx, cancel := context.WithCancel(a.base)
	run := &consumerRun{cancel: cancel, done: make(chan struct{}), rdb: rdb}
	go func() {
		defer close(run.done)
		cons.run(ctx)
	}()
	a.run = run
	return nil
}

// recordGap keeps a durable note of entries the cache missed because the stream was
// trimmed before they were read.
func (a *App) recordGap(g gap) {
	line, err := json.Marshal(map[string]string{
		"after": idString(g.From), "through": g.To.String(), "at": g.At.UTC().Format(time.RFC3339),
	})
	if err == nil {
		err = appendPrivate(filepath.Join(a.dir, gapsName), line)
	}
	if err != nil {
		a.log.Warn("could not record a gap in the cache", "err", err)
	}
}

// switchStream moves the app from prev to next settings: the consumer restarts, and
// when the stream itself changed the cache is replaced. The caller holds a.mu.
func (a *App) switchStream(prev, next config) error {
	oldID, _ := identityOf(prev)
	newID, err := identityOf(next)
	if err != nil {
		return err
	}
	if a.run != nil {
		a.run.stop()
		a.run = nil
	}
	a.track.update(func(s *ConnectionState) {
		s.RedisURL, s.State, s.Error, s.Behind, s.CatchingUp = next.displayRedisURL(), LinkConnecting, nil, 0, false
	})
	if oldID != newID || a.st == nil {
		if a.st != nil {
			if err := a.st.Close(); err != nil {
				a.log.Warn("closing the old cache failed", "err", err)
			}
			a.st = nil
		}
		st, err := openCache(a.base, a.opts.open, a.dir, next, a.opts.zone)
		if err != nil {
			a.openErr = err
			return err
		}
		a.st, a.openErr = st, nil
		a.counts.reset()
		a.track.update(func(s *ConnectionState) { s.LastAppliedID, s.Applied = "", 0 })
	}
	return a.startConsumer(next, a.st)
}
