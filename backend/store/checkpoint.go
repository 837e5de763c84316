package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// walLimit is the WAL size, in pages, past which the checkpointer waits for the
// writer to let it finish a whole pass, so the log cannot grow without bound.
const walLimit = 32768 // 256 MiB of 8 KiB pages

// checkpointer copies the write-ahead log back into the database file on its own
// connection. Left to SQLite's automatic checkpoints that copying happens inside the
// writer's commits, and it was an eighth of the projector's writer time; here it runs
// beside the writer, on the other core.
type checkpointer struct {
	db       *sql.DB
	kick     chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
	every    time.Duration

	mu  sync.Mutex
	err error
}

func startCheckpointer(db *sql.DB, every time.Duration) *checkpointer {
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}), every: every}
	go c.run()
	return c
}

// committed tells the checkpointer that the log grew.
func (c *checkpointer) committed() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	tick := time.NewTicker(c.every)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		case <-tick.C:
		}
		c.setErr(c.checkpoint("PASSIVE"))
	}
}

// checkpoint runs one pass. PASSIVE never waits for the writer; when the log has
// still outgrown walLimit, RESTART waits (up to the busy timeout) for a moment
// between transactions, finishes the pass and lets the writer start the log over.
func (c *checkpointer) checkpoint(mode string) error {
	var busy, log, done int
	q := fmt.Sprintf("PRAGMA wal_checkpoint(%s)", mode)
	if err := c.db.QueryRow(q).Scan(&busy, &log, &done); err != nil {
		return fmt.Errorf("checkpoint %s: %w", mode, err)
	}
	if mode == "PASSIVE" && log > walLimit {
		return c.checkpoint("RESTART")
	}
	return nil
}

func (c *checkpointer) setErr(err error) {
	c.mu.Lock()
	c.err = err
	c.mu.Unlock()
}

// Err is the failure of the latest pass, nil once a pass succeeds again.
func (c *checkpointer) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// close stops the loop; closing again does nothing. The last connection to close
// checkpoints what is left.
func (c *checkpointer) close() error {
	c.stopOnce.Do(func() { close(c.stop) })
	<-c.done
	return c.db.Close()
}

// checkpointConn opens the checkpointer's connection.
func checkpointConn(ctx context.Context, path string, o Options) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn(path, o, false))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
