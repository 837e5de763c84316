package app

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults is what a desktop starts with before its settings file says otherwise.
// The desktop's main fills it from BILLIE_DATA_DIR, BILLIE_REDIS_URL, BILLIE_STREAM
// and BILLIE_BACKEND_URL, so admins can preconfigure many desktops; an empty field
// takes the built-in default.
type Defaults struct {
	// DataDir holds the cache, the settings and the session; empty: billie-supervisor
	// in the user's config directory.
	DataDir    string
	RedisURL   string
	Stream     string
	BackendURL string
	// RedisTLS and Thresholds: nil takes the built-in default.
	RedisTLS   *bool
	Thresholds *Thresholds
	// AllowInsecureBackend lets the backend URL be plain http:// on a host other than
	// this computer. Only the machine's defaults (main, from the environment) can set
	// it, never the settings file or the settings screen: a session token sent in
	// clear can be read on the way.
	AllowInsecureBackend bool
	// MachineDefaultsFile is the machine-wide defaults file (machine.go), below these
	// fields; "" when the platform has none.
	MachineDefaultsFile string
}

// Built-in defaults, for what neither the settings file nor Defaults says.
const (
	defaultRedisURL   = "redis://127.0.0.1:6379/0"
	defaultStream     = "chatLedger"
	defaultBackendURL = "http://127.0.0.1:8080"
)

var defaultThresholds = Thresholds{PausedSeconds: 180, SoftEndSeconds: 1200, HardEndSeconds: 86400}

// config is the stored form of the settings, password included. It never leaves the
// process except into the settings file (mode 0600).
type config struct {
	RedisURL      string     `json:"redisUrl"`
	RedisUsername string     `json:"redisUsername,omitempty"`
	RedisPassword string     `json:"redisPassword,omitempty"`
	RedisTLS      bool       `json:"redisTls,omitempty"`
	Stream        string     `json:"stream"`
	BackendURL    string     `json:"backendUrl"`
	Thresholds    Thresholds `json:"thresholds"`
	// ConnectionOverride: an administrator set this desktop's Redis URL and stream
	// instead of the shared ones, which the desktop then no longer applies.
	ConnectionOverride bool `json:"connectionOverride,omitempty"`
	// ledger, when set for this stream, replaces RedisUsername and RedisPassword. It
	// is kept in its own file, never in the settings.
	ledger *ledgerCredential
}

// defaultConfig is what a desktop starts with: d, else the built-in defaults.
func defaultConfig(d Defaults) config {
	c := config{
		RedisURL: or(d.RedisURL, defaultRedisURL), Stream: or(d.Stream, defaultStream),
		BackendURL: or(d.BackendURL, defaultBackendURL), Thresholds: defaultThresholds,
	}
	if d.RedisTLS != nil {
		c.RedisTLS = *d.RedisTLS
	}
	if d.Thresholds != nil {
		c.Thresholds = *d.Thresholds
	}
	c.liftCredentials()
	return c
}

func or(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}

// liftCredentials moves a username and password written into the Redis URL into
// their own fields, so the URL can be shown and logged.
func (c *config) liftCredentials() {
	u, err := url.Parse(c.RedisURL)
	if err != nil || u.User == nil {
		return
	}
	if c.RedisUsername == "" {
		c.RedisUsername = u.User.Username()
	}
	if p, ok := u.User.Password(); ok && c.RedisPassword == "" {
		c.RedisPassword = p
	}
	u.User = nil
	c.RedisURL = u.String()
}

// loadConfig reads the settings file, falling back to the defaults for what it
// does not hold.
func loadConfig(dir string, d Defaults) (config, error) {
	c := defaultConfig(d)
	b, err := readPrivate(filepath.Join(dir, settingsName))
	if err != nil || b == nil {
		return c, err
	}
	var stored config
	if err := json.Unmarshal(b, &stored); err != nil {
		return c, fmt.Errorf("read settings: %w", err)
	}
	stored.RedisURL, stored.Stream = or(stored.RedisURL, c.RedisURL), or(stored.Stream, c.Stream)
	if stored.Thresholds == (Thresholds{}) {
		stored.Thresholds = c.Thresholds
	}
	stored.liftCredentials()
	return stored, nil
}

func saveConfig(dir string, c config) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return writePrivate(filepath.Join(dir, settingsName), b)
}

// public is the settings as the frontend sees them: never the password.
func (c config) public() Settings {
	return Settings{
		RedisURL: c.RedisURL, RedisUsername: c.RedisUsername, HasRedisPassword: c.RedisPassword != "",
		RedisTLS: c.RedisTLS, Stream: c.Stream, BackendURL: c.BackendURL, Thresholds: c.Thresholds,
		ConnectionOverride: c.ConnectionOverride,
	}
}

// merge applies settings from the frontend to c: an empty password keeps the stored
// one when hasRedisPassword is true and removes it otherwise. allowInsecure is
// Defaults.AllowInsecureBackend.
func (c config) merge(s Settings, allowInsecure bool) (config, error) {
	next := config{
		RedisURL: strings.TrimSpace(s.RedisURL), RedisUsername: strings.TrimSpace(s.RedisUsername),
		RedisTLS: s.RedisTLS, Stream: strings.TrimSpace(s.Stream),
		BackendURL: strings.TrimRight(strings.TrimSpace(s.BackendURL), "/"), Thresholds: s.Thresholds,
		ConnectionOverride: s.ConnectionOverride, ledger: c.ledger,
	}
	switch {
	case s.RedisPassword != "":
		next.RedisPassword = s.RedisPassword
	case s.HasRedisPassword:
		next.RedisPassword = c.RedisPassword
	}
	next.liftCredentials()
	return next, next.validate(allowInsecure)
}

func (c config) validate(allowInsecure bool) error {
	if _, err := c.redisOptions(); err != nil {
		return err
	}
	if c.Stream == "" {
		return errors.New("The stream name is required")
	}
	if c.BackendURL == "" {
		return errBackendRequired
	}
	if err := checkBackendURL(c.BackendURL, allowInsecure); err != nil {
		return err
	}
	th := c.Thresholds
	if th.PausedSeconds <= 0 || th.SoftEndSeconds <= th.PausedSeconds || th.HardEndSeconds <= th.SoftEndSeconds {
		return errors.New("Status thresholds must be positive and increase: paused < soft end < hard end")
	}
	return nil
}

// errBackendRequired: the backend is where supervisors sign in and where the shared
// settings come from; there is no desktop without one.
var errBackendRequired = errors.New("The backend URL is required: it is where you sign in")

// errInsecureBackend refuses a plain http:// backend away from this computer.
var errInsecureBackend = errors.New("The backend URL must use https://: plain http:// is allowed only for this computer " +
	"(localhost, 127.0.0.1, ::1) unless your administrator allows insecure backends")

// checkBackendURL says whether raw may receive passwords and session tokens: https,
// or http to a loopback address (a backend on this computer), or any http when
// allowInsecure.
func checkBackendURL(raw string, allowInsecure bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("The backend URL must look like https://host:port, not %q", raw)
	}
	if u.Scheme == "http" && !allowInsecure && !isLoopback(u.Hostname()) {
		return errInsecureBackend
	}
	return nil
}

// isLoopback is whether host names this computer: localhost, 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redisOptions are the go-redis options for these settings.
func (c config) redisOptions() (*redis.Options, error) {
	o, err := redis.ParseURL(c.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("The Redis URL is not valid (expected redis://host:port/db): %w", err)
	}
	if c.RedisUsername != "" {
		o.Username = c.RedisUsername
	}
	if c.RedisPassword != "" {
		o.Password = c.RedisPassword
	}
	if l := c.ledger; l != nil && l.Stream == c.Stream {
		o.Username, o.Password = l.Username, l.Password
	}
	if c.RedisTLS && o.TLSConfig == nil {
		host, _, _ := strings.Cut(o.Addr, ":")
		o.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	}
	// Fail fast when Redis is away, so the window shows "offline" promptly; the
	// consumer retries with backoff.
	o.DialTimeout = 3 * time.Second
	o.MaxRetries = 1
	o.ClientName = "billie-desktop"
	return o, nil
}

// displayRedisURL is the Redis URL without credentials.
func (c config) displayRedisURL() string {
	u, err := url.Parse(c.RedisURL)
	if err != nil {
		return ""
	}
	u.User = nil
	return u.String()
}
