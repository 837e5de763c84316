// Package app holds the object that the Wails window binds to.
//
// Exported methods on *App become callable from the frontend as
// window.go.app.App.<Method>() (see frontend/src/api/client.ts for the contract).
// From launch the app consumes the ledger into a local SQLite cache, before anyone
// signs in, so the cache is current at sign-in; every data method refuses to answer
// without a valid session.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/personal"
)

const (
	// batchInterval is how often ledger:batch may fire (the issue asks for 50-100 ms).
	batchInterval = 75 * time.Millisecond
	// requestTimeout bounds every call to the backend and every cache query.
	requestTimeout = 10 * time.Second
)

// options are what tests change; New uses the real ones.
type options struct {
	defaults Defaults
	open     OpenStore
	now      func() time.Time
	log      *slog.Logger
	consumer consumerConfig
	interval time.Duration
	// redisName names the consumer's Redis connections (CLIENT LIST).
	redisName string
	// zone is the producer's time zone, where times written without one are read
	// (nil is UTC).
	zone *time.Location
	// transport carries the backend requests; nil: http.DefaultTransport.
	transport http.RoundTripper
	// fleetTicker paces the desktop's reports to the backend (fleet.go); nil: none.
	fleetTicker newTicker
	// openPersonal opens the personal store (personal.go); nil: none, and the unread
	// markers, saved views and preferences are unavailable.
	openPersonal OpenPersonal
	// notifier shows desktop notifications (notify.go); nil: none, the window shows
	// its own. Startup sets the Wails one.
	notifier notifier
}

// App is the Wails-bound application object.
type App struct {
	opts  options
	log   *slog.Logger
	emitF func(name string, data any)

	base   context.Context
	cancel context.CancelFunc
	dir    string
	http   *http.Client

	sessions *sessions
	track    *tracker
	coal     *coalescer
	counts   *countsCache
	ready    chan struct{} // closed once the stored session has been checked
	// fleetKick asks the fleet reporter for a report now.
	fleetKick chan struct{}

	// mu guards the settings, the cache and the consumer; queries hold it for
	// reading so a settings change never closes the cache under them.
	mu      sync.RWMutex
	cfg     config
	st      *store.Store
	openErr error
	run     *consumerRun
	// machine is what became of the machine-wide defaults file, set once at start.
	machine MachineDefaultsState

	// personal is each supervisor's own state on this computer (personal.go); nil when
	// it could not be opened. seen caches the signed-in supervisor's part of it.
	personal *personal.Store
	seen     seenCache
	// prefsMu serialises changes of the personal preferences (personal.go).
	prefsMu sync.Mutex
	// jumps stops a palette lookup once a newer one starts (latest.go).
	jumps latestCall
}

// OpenStore opens (creating if needed) a SQLite store at path: store.Open, handed in
// by the desktop's main, which decides what the process opens.
type OpenStore func(ctx context.Context, path string, o store.Options) (*store.Store, error)

// New returns an App ready to be passed to wails.Run, starting from d and keeping its
// local cache in a store that open opens, and each supervisor's own state in one that
// openPersonal opens. producerZone is the producer's time zone (nil is UTC), where the
// times it writes without one are read.
func New(d Defaults, open OpenStore, openPersonal OpenPersonal, producerZone *time.Location) *App {
	return newApp(options{defaults: d, open: open, openPersonal: openPersonal, now: time.Now, log: slog.Default(),
		zone: producerZone, fleetTicker: realTicker})
}

func newApp(o options) *App {
	if o.interval <= 0 {
		o.interval = batchInterval
	}
	return &App{opts: o, log: o.log, http: newBackendHTTP(o.transport), counts: newCountsCache(),
		ready: make(chan struct{}), fleetKick: make(chan struct{}, 1),
		machine: MachineDefaultsState{Path: o.defaults.MachineDefaultsFile, State: MachineDefaultsNone}}
}

// Startup is called by Wails when the window is created; ctx is the Wails runtime
// context, which runtime.EventsEmit needs.
func (a *App) Startup(ctx context.Context) {
	emit := func(name string, data any) { runtime.EventsEmit(ctx, name, data) }
	if a.opts.notifier == nil {
		a.opts.notifier = &wailsNotifier{ctx: ctx, emit: emit, log: a.log}
	}
	a.start(ctx, emit)
}

// start brings up the cache, the consumer and the session. Failures are kept and
// shown by the data methods: the window still opens.
func (a *App) start(ctx context.Context, emit func(string, any)) {
	a.emitF = emit
	a.base, a.cancel = context.WithCancel(context.WithoutCancel(ctx))
	dir, err := resolveDataDir(a.opts.defaults.DataDir)
	if err != nil {
		a.openErr = err
		close(a.ready)
		return
	}
	a.dir = dir
	cfg, machine, err := initialConfig(dir, a.opts.defaults)
	if err != nil {
		a.log.Warn("settings unreadable; using defaults", "err", err)
	}
	a.machine = machine
	if machine.State == MachineDefaultsIgnored {
		a.log.Warn("the machine-wide defaults file is ignored", "file", machine.Path, "problem", machine.Problem)
	}
	if cfg.ledger, err = loadLedgerCredential(dir); err != nil {
		a.log.Warn("using the Redis settings", "err", err)
	}
	a.cfg = cfg
	if a.opts.openPersonal != nil {
		if a.personal, err = a.opts.openPersonal(a.base, filepath.Join(dir, personalName)); err != nil {
			a.log.Warn("unread markers, saved views and preferences are unavailable", "err", err)
			a.personal = nil
		}
	}
	a.sessions = newSessions(dir, a.opts.now, a.log)
	a.track = newTracker(cfg.displayRedisURL(), a.opts.now, func(s ConnectionState) { a.emitF(EventConnection, s) })
	a.coal = newCoalescer(a.opts.interval, a.emitF, a.liveCards, a.signedIn, a.log)
	go a.coal.run(a.base)
	a.mu.Lock()
	if err := a.switchStream(cfg, cfg); err != nil {
		a.log.Error("the ledger could not start", "err", err)
	}
	a.mu.Unlock()
	if a.opts.fleetTicker != nil {
		go a.runFleet(a.base, a.opts.fleetTicker)
	}
	go a.restoreSession()
}

func (a *App) restoreSession() {
	defer close(a.ready)
	ctx, cancel := context.WithTimeout(a.base, requestTimeout)
	defer cancel()
	if err := a.sessions.restore(ctx, a.backend()); err != nil {
		a.log.Warn("could not restore the session", "err", err)
	}
	if a.sessions.current() != nil {
		go a.syncShared()
	}
}

// Shutdown is called by Wails when the application is closing: the consumer
// finishes its batch, then the cache closes.
func (a *App) Shutdown(ctx context.Context) {
	if a.cancel == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.run != nil {
		a.run.stop()
		a.run = nil
	}
	a.cancel()
	if a.track != nil {
		a.track.stop()
	}
	if a.st != nil {
		if err := a.st.Close(); err != nil {
			a.log.Warn("closing the cache failed", "err", err)
		}
		a.st = nil
	}
	// Closed, not forgotten: the field is written once, at start, and read without a
	// lock; a call after this gets the closed database's error.
	if a.personal != nil {
		if err := a.personal.Close(); err != nil {
			a.log.Warn("closing the personal store failed", "err", err)
		}
	}
}

func (a *App) baseContext() context.Context {
	if a.base == nil {
		return context.Background()
	}
	return a.base
}

func (a *App) backend() *backendClient {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return &backendClient{base: a.cfg.BackendURL, http: a.http, allowInsecure: a.opts.defaults.AllowInsecureBackend}
}

// session is the current session, or the error to show. A session made with another
// backend URL than the configured one (a sign-in that raced a settings change) is
// forgotten: it is bound to the backend it came from.
func (a *App) session() (*storedSession, error) {
	sess, err := a.sessions.require()
	if err != nil {
		return nil, err
	}
	a.mu.RLock()
	same := sess.BackendURL == a.cfg.BackendURL
	a.mu.RUnlock()
	if !same {
		a.endSession()
		return nil, errNotSignedIn
	}
	return sess, nil
}

// endSession forgets the session and signs it out at the backend that issued it.
func (a *App) endSession() {
	old, err := a.sessions.take()
	if err != nil {
		a.log.Warn("could not delete the session", "err", err)
	}
	if old == nil {
		return
	}
	ctx, cancel := context.WithTimeout(a.baseContext(), requestTimeout)
	defer cancel()
	a.sessions.logout(ctx, a.backend(), old)
	a.useLedgerCredential(nil)
}

func (a *App) signedIn() bool {
	return a.sessions != nil && a.sessions.current() != nil
}

// ---------------------------------------------------------------------------
// Session

// Session is the signed-in supervisor, or null. It waits for the stored session to
// be checked at start.
func (a *App) Session() (*SessionInfo, error) {
	<-a.ready
	if a.sessions == nil {
		return nil, a.openErr
	}
	cur, err := a.session()
	if err != nil {
		return nil, nil
	}
	info := cur.info()
	return &info, nil
}

// SignIn checks the password with the backend and keeps the session across
// restarts until sign-out or expiry.
func (a *App) SignIn(email, password string) (SessionInfo, error) {
	<-a.ready
	if a.sessions == nil {
		return SessionInfo{}, a.openErr
	}
	ctx, cancel := context.WithTimeout(a.baseContext(), requestTimeout)
	defer cancel()
	info, ledger, err := a.sessions.signIn(ctx, a.backend(), email, password)
	if err != nil {
		a.log.Info("sign-in failed", "err", err) // never the email or password
		return SessionInfo{}, err
	}
	// A backend that issues none leaves the manual Redis setting; an older
	// credential went with its session.
	a.useLedgerCredential(ledger)
	a.syncShared()
	a.kickFleet()
	a.log.Info("signed in", "role", info.Role)
	return info, nil
}

// SignOut ends the session here and on the backend.
func (a *App) SignOut() error {
	<-a.ready
	if a.sessions == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(a.baseContext(), requestTimeout)
	defer cancel()
	err := a.sessions.signOut(ctx, a.backend())
	a.useLedgerCredential(nil)
	return err
}

// Connection is the state of the link to the ledger. It holds no ledger data, so it
// answers without a session.
func (a *App) Connection() (ConnectionState, error) {
	if a.track == nil {
		return ConnectionState{State: LinkOffline, Stale: true}, a.openErr
	}
	return a.track.get(), nil
}

// ---------------------------------------------------------------------------
// Settings

// GetSettings returns the settings; the Redis password never leaves Go. They answer
// without a session so a sign-in screen can fix a wrong backend URL.
func (a *App) GetSettings() (Settings, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cfg.public(), nil
}

// errThresholdsNeedSession refuses a signed-out change of the status thresholds.
var errThresholdsNeedSession = errors.New("Sign in to change the status thresholds")

// SaveSettings validates, stores (mode 0600) and applies new settings: the consumer
// restarts with them. A new backend URL ends the session: it is signed out at the
// old URL (best effort) and its token forgotten, never sent to the new one.
//
// Who may change what is roles.go's checkChange: the ledger connection and the status
// thresholds are an administrator's (they come from the backend for everyone; an
// administrator may override the connection on this desktop); signed out, only the
// backend URL may change, so that the sign-in screen can fix a wrong one; a signed-in
// supervisor changes nothing here.
func (a *App) SaveSettings(s Settings) (Settings, error) {
	if a.dir == "" {
		return Settings{}, a.openErr
	}
	who := a.whoChanges()
	a.mu.RLock()
	wasOverride := a.cfg.ConnectionOverride
	a.mu.RUnlock()
	saved, moved, err := a.saveSettings(s, who)
	if moved {
		// After the lock is released: the old backend may be slow to answer.
		a.endSession()
	}
	if err == nil && who == byAdmin && wasOverride && !saved.ConnectionOverride {
		// Back to the shared connection.
		a.syncShared()
		return a.GetSettings()
	}
	return saved, err
}

// saveSettings is SaveSettings under the lock, for who (roles.go); moved tells that
// the backend URL changed.
func (a *App) saveSettings(s Settings, who changer) (saved Settings, moved bool, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	next, err := a.cfg.merge(s, a.opts.defaults.AllowInsecureBackend)
	if err := checkChange(who, a.cfg, next); err != nil {
		return Settings{}, false, err
	}
	if err != nil {
		return Settings{}, false, err
	}
	if err := saveConfig(a.dir, next); err != nil {
		return Settings{}, false, err
	}
	prev := a.cfg
	a.cfg = next
	moved = prev.BackendURL != next.BackendURL
	if prev.redisKey() != next.redisKey() || a.st == nil {
		if err := a.switchStream(prev, next); err != nil {
			return next.public(), moved, fmt.Errorf("Settings saved, but the ledger could not restart: %w", err)
		}
	}
	if prev.Thresholds != next.Thresholds {
		a.counts.reset()
	}
	a.log.Info("settings saved", "redis", next.displayRedisURL(), "stream", next.Stream, "backend", next.BackendURL)
	return next.public(), moved, nil
}

// redisKey is everything that needs the consumer restarted when it changes.
func (c config) redisKey() redisKey {
	k := redisKey{URL: c.RedisURL, Username: c.RedisUsername, Password: c.RedisPassword, TLS: c.RedisTLS, Stream: c.Stream}
	if c.ledger != nil {
		k.Ledger = *c.ledger
	}
	return k
}

type redisKey struct {
	URL, Username, Password string
	TLS                     bool
	Stream                  string
	Ledger                  ledgerCredential
}

// ---------------------------------------------------------------------------
// Access to the cache

// cache runs f with the cache, for a signed-in supervisor only.
func (a *App) cache(f func(ctx context.Context, st *store.Store, c config) error) error {
	if a.sessions == nil {
		return a.openErr
	}
	if _, err := a.session(); err != nil {
		return err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.st == nil {
		if a.openErr != nil {
			return fmt.Errorf("The local cache is not available: %w", a.openErr)
		}
		return errors.New("The local cache is not available")
	}
	ctx, cancel := context.WithTimeout(a.baseContext(), requestTimeout)
	defer cancel()
	return f(ctx, a.st, a.cfg)
}

// liveCards reads changed cards for the coalescer.
func (a *App) liveCards(ctx context.Context, ids []string) ([]ConversationCard, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.st == nil {
		return []ConversationCard{}, nil
	}
	cards, err := a.st.Supervisor().CardsByID(ctx, ids, a.opts.now(), a.cfg.Thresholds.projection())
	if err != nil {
		return nil, err
	}
	return a.cardsFor(ctx, cards), nil
}
