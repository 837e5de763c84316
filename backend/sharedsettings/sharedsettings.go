// Package sharedsettings owns the settings every supervisor's desktop shares: where
// the ledger is (Redis URL and stream) and the status thresholds, so two supervisors
// never see two statuses for one conversation. Any signed-in session reads them
// (GET /api/settings/shared); only an admin changes them (PUT), validated and audited.
// They are stored through Store (the ops store implements it); a deployment that
// never saved any answers its defaults.
package sharedsettings

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/billie/supervisor/backend/errs"
)

// Store keeps one value per key (the ops store's settings table).
type Store interface {
	Setting(ctx context.Context, key string) ([]byte, bool, error)
	PutSetting(ctx context.Context, key string, value []byte, by string) error
}

// Auditor records who changed what (detail never holds a secret).
type Auditor interface {
	Record(ctx context.Context, actor, action, target, detail string) error
}

// Key is the Store key of the shared settings.
const Key = "shared"

// Action is the audit action of a change.
const Action = "settings.shared.update"

// Thresholds are the idle times after the last message at which a conversation
// turns Paused, Soft End and Hard End.
type Thresholds struct {
	PausedSeconds  int `json:"pausedSeconds"`
	SoftEndSeconds int `json:"softEndSeconds"`
	HardEndSeconds int `json:"hardEndSeconds"`
}

// Settings are the shared settings. RedisURL never carries credentials: each desktop
// reads the ledger with the credential issued at its sign-in (or its own).
type Settings struct {
	RedisURL   string     `json:"redisUrl"`
	Stream     string     `json:"stream"`
	Thresholds Thresholds `json:"thresholds"`
}

// DefaultThresholds are the contract's: 3 minutes, 20 minutes, 24 hours.
var DefaultThresholds = Thresholds{PausedSeconds: 180, SoftEndSeconds: 1200, HardEndSeconds: 86400}

// maxThreshold bounds a threshold (30 days): beyond it a typo, not a policy.
const maxThreshold = 30 * 86400

// Service reads and changes the shared settings.
type Service struct {
	store    Store
	audit    Auditor
	defaults Settings
}

// New is the service over store, recording changes with audit; defaults answer
// until an admin saves settings (their credentials, if any, are dropped).
func New(store Store, audit Auditor, defaults Settings) *Service {
	defaults.RedisURL = withoutCredentials(defaults.RedisURL)
	if defaults.Thresholds == (Thresholds{}) {
		defaults.Thresholds = DefaultThresholds
	}
	return &Service{store: store, audit: audit, defaults: defaults}
}

// Get is the settings in force.
func (s *Service) Get(ctx context.Context) (Settings, error) {
	const op = "sharedsettings.Get"
	b, ok, err := s.store.Setting(ctx, Key)
	if err != nil {
		return Settings{}, errs.E(op, err)
	}
	if !ok {
		return s.defaults, nil
	}
	var out Settings
	if err := json.Unmarshal(b, &out); err != nil {
		return Settings{}, errs.E(op, fmt.Errorf("stored shared settings: %w", err))
	}
	return out, nil
}

// Put validates and stores in as the settings for everyone, and records who did it.
func (s *Service) Put(ctx context.Context, actor string, in Settings) (Settings, error) {
	const op = "sharedsettings.Put"
	in.RedisURL = strings.TrimSpace(in.RedisURL)
	in.Stream = strings.TrimSpace(in.Stream)
	if err := Validate(in); err != nil {
		return Settings{}, errs.E(op, errs.Invalid, err)
	}
	b, err := json.Marshal(in)
	if err != nil {
		return Settings{}, errs.E(op, err)
	}
	if err := s.store.PutSetting(ctx, Key, b, actor); err != nil {
		return Settings{}, errs.E(op, err)
	}
	detail := fmt.Sprintf("redisUrl=%s stream=%s thresholds=%d/%d/%d", in.RedisURL, in.Stream,
		in.Thresholds.PausedSeconds, in.Thresholds.SoftEndSeconds, in.Thresholds.HardEndSeconds)
	if err := s.audit.Record(ctx, actor, Action, Key, detail); err != nil {
		return Settings{}, errs.E(op, fmt.Errorf("record the change: %w", err))
	}
	return in, nil
}

// Validate says what is wrong with s, in words an admin can act on.
func Validate(s Settings) error {
	u, err := url.Parse(s.RedisURL)
	switch {
	case s.RedisURL == "":
		return fmt.Errorf("the Redis URL is required")
	case err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "":
		return fmt.Errorf("the Redis URL must look like redis://host:6379/0 or rediss://host:6380/0")
	case u.User != nil:
		return fmt.Errorf("the Redis URL must not hold a username or password: every desktop reads with its own credential")
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("the Redis URL must not have a query or fragment")
	}
	if db := strings.TrimPrefix(u.Path, "/"); db != "" {
		if n, err := strconv.Atoi(db); err != nil || n < 0 || n > 15 {
			return fmt.Errorf("the Redis database must be a number from 0 to 15")
		}
	}
	if s.Stream == "" || len(s.Stream) > 200 || strings.IndexFunc(s.Stream, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return fmt.Errorf("the stream must be a key of 1 to 200 characters without spaces")
	}
	t := s.Thresholds
	if t.PausedSeconds <= 0 || t.SoftEndSeconds <= 0 || t.HardEndSeconds <= 0 {
		return fmt.Errorf("every status threshold must be more than 0 seconds")
	}
	if t.PausedSeconds >= t.SoftEndSeconds || t.SoftEndSeconds >= t.HardEndSeconds {
		return fmt.Errorf("the thresholds must increase: Paused before Soft End before Hard End")
	}
	if t.HardEndSeconds > maxThreshold {
		return fmt.Errorf("the Hard End threshold must be at most 30 days")
	}
	return nil
}

func withoutCredentials(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}
