// Package accounts holds the supervisors' accounts in the backend database: argon2id
// password hashes, opaque session tokens (stored as SHA-256, valid for a fixed 12 hours
// from sign-in), login throttling, the sign-in and admin HTTP handlers and the
// operations behind the `backend user` command.
//
// Writes go through the store's single writer connection, so they queue behind the
// projector's batch transactions instead of racing them; reads use the read pool.
package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"
)

// Roles.
const (
	RoleAdmin      = "admin"
	RoleSupervisor = "supervisor"
)

// Bounds on what an account may hold.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 1024
	MaxEmailLen    = 254
	MaxNameLen     = 100
)

// Errors the operations return; the HTTP layer maps them to problems.
var (
	ErrInvalidCredentials = errors.New("wrong email or password")
	ErrNotFound           = errors.New("no such user")
	ErrEmailTaken         = errors.New("an account with this email exists")
	ErrLastAdmin          = errors.New("the change would leave no enabled admin")
	ErrNoSession          = errors.New("no valid session")
)

// ValidationError is an unusable field value.
type ValidationError struct{ Msg string }

func (e *ValidationError) Error() string { return e.Msg }

// LockedError says sign-in for an email is refused for a while.
type LockedError struct{ RetryAfter time.Duration }

func (e *LockedError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; retry in %s", e.RetryAfter.Round(time.Second))
}

// User is an account as the API shows it.
type User struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        string     `json:"role"`
	Disabled    bool       `json:"disabled"`
	CreatedAt   time.Time  `json:"createdAt"`
	LastLoginAt *time.Time `json:"lastLoginAt"`
}

// Session is a signed-in user's token and its expiry.
type Session struct {
	Token     string
	ExpiresAt time.Time
	User      User
}

// Options tune a Service. The zero value is the production policy.
type Options struct {
	// SessionTTL is how long a session lasts from sign-in, fixed (default 12 h).
	SessionTTL time.Duration
	// Hash are the argon2id parameters for new hashes (default DefaultHashParams).
	Hash HashParams
	// Throttle is the failed-sign-in policy (defaults in DefaultThrottle).
	Throttle ThrottlePolicy
	// LoginRatePerIP is POST /api/auth/login requests per minute per client address
	// (default 60, <0: off).
	LoginRatePerIP int
	// Now is the clock (tests).
	Now func() time.Time
}

// Service is the account store and its policies.
type Service struct {
	r, w      *sql.DB
	o         Options
	log       *slog.Logger
	throttle  *throttle
	hashSlots chan struct{}
	dummyHash string
}

// New builds the Service over the store's read pool r and writer w.
func New(r, w *sql.DB, o Options, log *slog.Logger) (*Service, error) {
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.Hash == (HashParams{}) {
		o.Hash = DefaultHashParams
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LoginRatePerIP == 0 {
		o.LoginRatePerIP = 60
	}
	o.Throttle = o.Throttle.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{r: r, w: w, o: o, log: log, throttle: newThrottle(o.Throttle, o.Now),
		// At most two hashes at once: argon2id takes its memory per hash, and a flood of
		// sign-ins must not take the machine's memory with it.
		hashSlots: make(chan struct{}, 2)}
	// An unknown email is verified against this hash, so it costs what a wrong
	// password costs and the timing does not tell them apart.
	var err error
	if s.dummyHash, err = Hash(randomToken(), o.Hash); err != nil {
		return nil, err
	}
	return s, nil
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NormalizeEmail trims and lower-cases an email.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func checkEmail(email string) error {
	at := strings.IndexByte(email, '@')
	if len(email) > MaxEmailLen || at < 1 || at == len(email)-1 || strings.ContainsAny(email, " \t\r\n") || !utf8.ValidString(email) {
		return &ValidationError{"email must be an address like name@example.com"}
	}
	return nil
}

func checkName(name string) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > MaxNameLen || !utf8.ValidString(name) {
		return &ValidationError{fmt.Sprintf("name must be 1 to %d characters", MaxNameLen)}
	}
	return nil
}

// CheckRole says whether role is admin or supervisor.
func CheckRole(role string) error {
	if role != RoleAdmin && role != RoleSupervisor {
		return &ValidationError{`role must be "admin" or "supervisor"`}
	}
	return nil
}

// CheckPassword enforces the length policy.
func CheckPassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen || len(pw) > MaxPasswordLen {
		return &ValidationError{fmt.Sprintf("password must be %d to %d characters", MinPasswordLen, MaxPasswordLen)}
	}
	return nil
}

// hash runs argon2id in one of the limited slots.
func (s *Service) hash(ctx context.Context, f func()) error {
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.hashSlots }()
	f()
	return nil
}

const userColumns = "id, email, name, role, disabled, created_at, last_login_at"

type scanner interface{ Scan(...any) error }

func scanUser(row scanner, extra ...any) (User, error) {
	var u User
	var created int64
	var last sql.NullInt64
	dst := append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &u.Disabled, &created, &last}, extra...)
	if err := row.Scan(dst...); err != nil {
		return User{}, err
	}
	u.CreatedAt = time.UnixMilli(created).UTC()
	if last.Valid {
		t := time.UnixMilli(last.Int64).UTC()
		u.LastLoginAt = &t
	}
	return u, nil
}

// Create adds an account.
func (s *Service) Create(ctx context.Context, email, name, role, password string) (User, error) {
	email, name = NormalizeEmail(email), strings.TrimSpace(name)
	for _, err := range []error{checkEmail(email), checkName(name), CheckRole(role), CheckPassword(password)} {
		if err != nil {
			return User{}, err
		}
	}
	var hash string
	var herr error
	if err := s.hash(ctx, func() { hash, herr = Hash(password, s.o.Hash) }); err != nil {
		return User{}, err
	}
	if herr != nil {
		return User{}, herr
	}
	now := s.o.Now().UnixMilli()
	row := s.w.QueryRowContext(ctx, `INSERT INTO users (email, name, role, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING `+userColumns, email, name, role, hash, now)
	u, err := scanUser(row)
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return User{}, ErrEmailTaken
	}
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// List returns every account, by email.
func (s *Service) List(ctx context.Context) ([]User, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	users := []User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// ByEmail finds an account by email.
func (s *Service) ByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", NormalizeEmail(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	return u, err
}

// Patch is a change to an account; nil fields stay as they are.
type Patch struct {
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}

// Update applies p to the account id. Disabling an account or changing its password
// ends its sessions. A change that would leave no enabled admin fails with ErrLastAdmin.
func (s *Service) Update(ctx context.Context, id int64, p Patch) (User, error) {
	if p.Role != nil {
		if err := CheckRole(*p.Role); err != nil {
			return User{}, err
		}
	}
	var hash string
	if p.Password != nil {
		if err := CheckPassword(*p.Password); err != nil {
			return User{}, err
		}
		var herr error
		if err := s.hash(ctx, func() { hash, herr = Hash(*p.Password, s.o.Hash) }); err != nil {
			return User{}, err
		}
		if herr != nil {
			return User{}, herr
		}
	}
	tx, err := s.w.BeginTx(ctx, nil) // the writer takes the write lock at BEGIN: the admin count cannot change under us
	if err != nil {
		return User{}, fmt.Errorf("update user: %w", err)
	}
	defer tx.Rollback()
	u, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("update user: %w", err)
	}
	wasAdmin := u.Role == RoleAdmin && !u.Disabled
	if p.Role != nil {
		u.Role = *p.Role
	}
	if p.Disabled != nil {
		u.Disabled = *p.Disabled
	}
	if wasAdmin && (u.Role != RoleAdmin || u.Disabled) {
		var others int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?", id).Scan(&others); err != nil {
			return User{}, fmt.Errorf("update user: %w", err)
		}
		if others == 0 {
			return User{}, ErrLastAdmin
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET role = ?, disabled = ? WHERE id = ?", u.Role, u.Disabled, id); err != nil {
		return User{}, fmt.Errorf("update user: %w", err)
	}
	if hash != "" {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", hash, id); err != nil {
			return User{}, fmt.Errorf("update user: %w", err)
		}
	}
	if hash != "" || u.Disabled {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
			return User{}, fmt.Errorf("update user: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return User{}, fmt.Errorf("update user: %w", err)
	}
	return u, nil
}

// UpdateByEmail is Update for the account with this email.
func (s *Service) UpdateByEmail(ctx context.Context, email string, p Patch) (User, error) {
	u, err := s.ByEmail(ctx, email)
	if err != nil {
		return User{}, err
	}
	return s.Update(ctx, u.ID, p)
}

func tokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// TokenPrefix starts every session token, so that secret scanners can spot one.
const TokenPrefix = "bsv_"

// Login checks an email and password and opens a session. Every failure is
// ErrInvalidCredentials (unknown email, wrong password, disabled account alike) or a
// *LockedError once the email has failed too often; both are answered the same
// whether or not the email exists.
func (s *Service) Login(ctx context.Context, email, password string) (Session, error) {
	email = NormalizeEmail(email)
	if email == "" || len(email) > MaxEmailLen || password == "" || len(password) > MaxPasswordLen {
		return Session{}, ErrInvalidCredentials
	}
	delay, locked := s.throttle.check(email)
	if locked > 0 {
		return Session{}, &LockedError{RetryAfter: locked}
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return Session{}, ctx.Err()
		}
	}
	var hash string
	u, err := scanUser(s.r.QueryRowContext(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE email = ?", email), &hash)
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("login: %w", err)
	}
	if !found {
		hash = s.dummyHash
	}
	var ok bool
	var verr error
	if err := s.hash(ctx, func() { ok, verr = Verify(password, hash) }); err != nil {
		return Session{}, err
	}
	if verr != nil {
		s.log.Error("login: stored hash unreadable", "user", u.ID, "err", verr)
		ok = false
	}
	if !found || !ok || u.Disabled {
		if l := s.throttle.fail(email); l > 0 {
			s.log.Warn("login: sign-in locked after repeated failures", "for", l)
		}
		return Session{}, ErrInvalidCredentials
	}
	s.throttle.success(email)
	now := s.o.Now()
	sess := Session{Token: TokenPrefix + randomToken(), ExpiresAt: now.Add(s.o.SessionTTL).UTC().Truncate(time.Millisecond), User: u}
	if err := s.openSession(ctx, u.ID, tokenHash(sess.Token), now, sess.ExpiresAt); err != nil {
		return Session{}, err
	}
	t := now.UTC().Truncate(time.Millisecond)
	sess.User.LastLoginAt = &t
	return sess, nil
}

func (s *Service) openSession(ctx context.Context, uid int64, hash []byte, now, expires time.Time) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("open session: %w", err)
	}
	defer tx.Rollback()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"DELETE FROM sessions WHERE expires_at <= ?", []any{now.UnixMilli()}},
		{"INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)", []any{hash, uid, now.UnixMilli(), expires.UnixMilli()}},
		{"UPDATE users SET last_login_at = ? WHERE id = ?", []any{now.UnixMilli(), uid}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("open session: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("open session: %w", err)
	}
	return nil
}

// Authenticate returns the session of a token: ErrNoSession when it is unknown,
// expired, or its account is disabled.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 128 {
		return Session{}, ErrNoSession
	}
	var expires int64
	row := s.r.QueryRowContext(ctx, `SELECT u.id, u.email, u.name, u.role, u.disabled, u.created_at, u.last_login_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, tokenHash(token))
	u, err := scanUser(row, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("authenticate: %w", err)
	}
	exp := time.UnixMilli(expires).UTC()
	if u.Disabled || !s.o.Now().Before(exp) {
		return Session{}, ErrNoSession
	}
	return Session{Token: token, ExpiresAt: exp, User: u}, nil
}

// Logout ends the session of token (nothing when there is none).
func (s *Service) Logout(ctx context.Context, token string) error {
	if _, err := s.w.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash(token)); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}
