// Package accounts is the supervisors' accounts service: argon2id password hashes,
// opaque session tokens (stored as SHA-256, valid for a fixed 12 hours from
// sign-in), login throttling and the operations behind the `backend user` command and
// the sign-in and admin APIs (package authapi serves them over HTTP).
//
// Its errors carry a kind (package errs) that says what went wrong; the accounts and
// sessions are kept by a Users store (backend/store/ops implements it); who changed
// an account, and how, goes to an Auditor (audit.go).
package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/billie/supervisor/backend/errs"
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

// Errors the operations return, each of its kind; an unusable field value is an
// errs.Invalid error saying what the field must be.
var (
	ErrInvalidCredentials = errs.E(errs.Unauthenticated, "wrong email or password")
	ErrNotFound           = errs.E(errs.NotFound, "no such user")
	ErrEmailTaken         = errs.E(errs.Conflict, "an account with this email exists")
	ErrLastAdmin          = errs.E(errs.Conflict, "the change would leave no enabled admin")
	ErrNoSession          = errs.E(errs.Unauthenticated, "no valid session")
)

func invalid(msg string) error { return errs.E(errs.Invalid, msg) }

// LockedError says sign-in for an email is refused for a while. Login returns it as
// an errs.RateLimited error.
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
	// Ledger is the desktop's own read-only ledger credential, issued at sign-in; nil
	// without LedgerAccess or when issuing failed (the desktop keeps its manual one).
	Ledger *LedgerCredential
}

// LedgerCredential is a Redis username and password that can only read the ledger
// stream.
type LedgerCredential struct {
	Username, Password, Stream string
}

// LedgerAccess issues and revokes the desktops' read-only ledger credentials, one
// per session (sid) of an account (package redisacl implements it over Redis ACLs).
type LedgerAccess interface {
	// Stream is the stream the credentials can read.
	Stream() string
	Issue(ctx context.Context, userID int64, sid string) (username, password string, err error)
	// Revoke deletes the credential of one session; RevokeAll every one of the account.
	Revoke(ctx context.Context, userID int64, sid string) error
	RevokeAll(ctx context.Context, userID int64) error
	// RevokeStale deletes the credentials whose session is not live. It lists the
	// credentials before it asks live which sessions are, so that one issued meanwhile
	// (a session is stored before its credential is issued) is never taken for stale.
	RevokeStale(ctx context.Context, live func(context.Context) (func(userID int64, sid string) bool, error)) error
}

// Users keeps the accounts and their sessions (backend/store/ops implements it over
// SQLite). Times are kept to the millisecond; emails are stored as given
// (normalised by the Service).
type Users interface {
	// CreateUser adds an account with its password hash and returns it with its id;
	// ErrEmailTaken when the email is in use.
	CreateUser(ctx context.Context, u User, passwordHash string) (User, error)
	// ListUsers returns every account, by email.
	ListUsers(ctx context.Context) ([]User, error)
	// UserByEmail returns an account and its password hash; ErrNotFound when none.
	UserByEmail(ctx context.Context, email string) (User, string, error)
	// UpdateUser applies c to the account id in one transaction and returns the
	// account as it now is: ErrNotFound when there is none, ErrLastAdmin (and no
	// change) when it would leave no enabled admin. It ends the account's sessions
	// when c sets a password or the account ends up disabled.
	UpdateUser(ctx context.Context, id int64, c UserChange) (User, error)
	// OpenSession stores a session of the account (by its token's hash) and its
	// sign-in time, dropping the sessions that expired by now.
	OpenSession(ctx context.Context, userID int64, tokenHash []byte, now, expires time.Time) error
	// Session returns the account of a session and the session's expiry;
	// ErrNoSession when there is none by that hash.
	Session(ctx context.Context, tokenHash []byte) (User, time.Time, error)
	// EndSession drops the session (nothing when there is none).
	EndSession(ctx context.Context, tokenHash []byte) error
	// LiveSessions lists the sessions that have not expired by now.
	LiveSessions(ctx context.Context, now time.Time) ([]LiveSession, error)
}

// LiveSession is a session that has not expired: its account and its token's hash.
type LiveSession struct {
	UserID    int64
	TokenHash []byte
}

// UserChange is what UpdateUser changes; nil fields and an empty hash stay as they are.
type UserChange struct {
	Role         *string
	Disabled     *bool
	PasswordHash string
}

// Options tune a Service. The zero value is the production policy.
type Options struct {
	// SessionTTL is how long a session lasts from sign-in, fixed (default 12 h).
	SessionTTL time.Duration
	// Hash are the argon2id parameters for new hashes (default DefaultHashParams).
	Hash HashParams
	// Throttle is the failed-sign-in policy (defaults in DefaultThrottle).
	Throttle ThrottlePolicy
	// Now is the clock (tests).
	Now func() time.Time
	// Ledger issues each sign-in a read-only ledger credential; nil: none (desktops
	// use their manual Redis setting).
	Ledger LedgerAccess
	// Audit records every change to an account and every sign-in unlock, as the
	// actor of the change's context (WithActor); nil: none recorded.
	Audit Auditor
}

// Service is the accounts and their policies.
type Service struct {
	users     Users
	o         Options
	log       *slog.Logger
	throttle  *throttle
	hashSlots chan struct{}
	dummyHash string
}

// New builds the Service over users.
func New(users Users, o Options, log *slog.Logger) (*Service, error) {
	if users == nil {
		return nil, errors.New("accounts: no user store")
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.Hash == (HashParams{}) {
		o.Hash = DefaultHashParams
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Throttle = o.Throttle.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{users: users, o: o, log: log, throttle: newThrottle(o.Throttle, o.Now),
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

// NormalizeEmail is the one form an email is stored, looked up and throttled by:
// trimmed, NFKC-normalised and lower-cased, so that addresses which look alike
// (full-width letters, ligatures, compatibility forms, case) are one address.
func NormalizeEmail(s string) string {
	return norm.NFKC.String(strings.ToLower(norm.NFKC.String(strings.TrimSpace(s))))
}

// NormalizeName is the form a display name is stored in: trimmed and NFKC-normalised.
func NormalizeName(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }

// hasHidden says whether s holds a control or format character (Unicode Cc, Cf: tabs,
// zero-width spaces and joiners, bidirectional overrides, ...), which would let two
// different strings look the same.
func hasHidden(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.In(r, unicode.Cc, unicode.Cf) }) >= 0
}

func checkEmail(email string) error {
	at := strings.IndexByte(email, '@')
	if len(email) > MaxEmailLen || at < 1 || at == len(email)-1 || !utf8.ValidString(email) ||
		strings.IndexFunc(email, unicode.IsSpace) >= 0 || hasHidden(email) {
		return invalid("email must be an address like name@example.com, without spaces or control or format characters")
	}
	return nil
}

func checkName(name string) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > MaxNameLen || !utf8.ValidString(name) || hasHidden(name) {
		return invalid(fmt.Sprintf("name must be 1 to %d characters, without control or format characters", MaxNameLen))
	}
	return nil
}

// CheckRole says whether role is admin or supervisor.
func CheckRole(role string) error {
	if role != RoleAdmin && role != RoleSupervisor {
		return invalid(`role must be "admin" or "supervisor"`)
	}
	return nil
}

// CheckPassword enforces the length policy.
func CheckPassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen || len(pw) > MaxPasswordLen {
		return invalid(fmt.Sprintf("password must be %d to %d characters", MinPasswordLen, MaxPasswordLen))
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

// Create adds an account.
func (s *Service) Create(ctx context.Context, email, name, role, password string) (User, error) {
	email, name = NormalizeEmail(email), NormalizeName(name)
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
	u := User{Email: email, Name: name, Role: role, CreatedAt: s.o.Now().UTC().Truncate(time.Millisecond)}
	u, err := s.users.CreateUser(ctx, u, hash)
	if err != nil {
		return User{}, err
	}
	return u, s.audit(ctx, AuditCreate, u.Email, "role "+u.Role)
}

// List returns every account, by email.
func (s *Service) List(ctx context.Context) ([]User, error) { return s.users.ListUsers(ctx) }

// ByEmail finds an account by email.
func (s *Service) ByEmail(ctx context.Context, email string) (User, error) {
	u, _, err := s.users.UserByEmail(ctx, NormalizeEmail(email))
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
	c := UserChange{Role: p.Role, Disabled: p.Disabled}
	if p.Role != nil {
		if err := CheckRole(*p.Role); err != nil {
			return User{}, err
		}
	}
	if p.Password != nil {
		if err := CheckPassword(*p.Password); err != nil {
			return User{}, err
		}
		var herr error
		if err := s.hash(ctx, func() { c.PasswordHash, herr = Hash(*p.Password, s.o.Hash) }); err != nil {
			return User{}, err
		}
		if herr != nil {
			return User{}, herr
		}
	}
	u, err := s.users.UpdateUser(ctx, id, c)
	if err != nil {
		return User{}, err
	}
	// The sessions ended with the change; so do their desktops' ledger credentials.
	if s.o.Ledger != nil && (u.Disabled || c.PasswordHash != "") {
		if err := s.o.Ledger.RevokeAll(ctx, u.ID); err != nil {
			return User{}, fmt.Errorf("account %d changed, but its ledger credentials could not be revoked (repeat the change): %w", u.ID, err)
		}
	}
	return u, s.auditPatch(ctx, u, p)
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

// sessionID names a session's ledger credential: derived from the token's hash, so
// sign-out finds it, and telling nothing of the token.
func sessionID(hash []byte) string {
	sum := sha256.Sum256(append([]byte("ledger:"), hash...))
	return hex.EncodeToString(sum[:8])
}

// TokenPrefix starts every session token, so that secret scanners can spot one.
const TokenPrefix = "bsv_"

// Login checks an email and password, tried from the client address from, and opens
// a session. Every failure is ErrInvalidCredentials (unknown email, wrong password,
// disabled account alike) or a *LockedError once the email has failed too often from
// this address; both are answered the same whether or not the email exists. Failures
// from other addresses only slow the sign-in down (see ThrottlePolicy).
func (s *Service) Login(ctx context.Context, email, password, from string) (Session, error) {
	email = NormalizeEmail(email)
	// No account can have an email checkEmail refuses; such an email is not counted,
	// so that variants of an address cannot spread its count.
	if checkEmail(email) != nil || password == "" || len(password) > MaxPasswordLen {
		return Session{}, ErrInvalidCredentials
	}
	// Counted before verifying: a burst of parallel guesses is counted as it arrives.
	delay, locked := s.throttle.begin(email, from)
	if locked > 0 {
		return Session{}, errs.E(errs.RateLimited, &LockedError{RetryAfter: locked})
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
	u, hash, err := s.users.UserByEmail(ctx, email)
	found := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
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
		return Session{}, ErrInvalidCredentials
	}
	s.throttle.success(email, from)
	now := s.o.Now()
	sess := Session{Token: TokenPrefix + randomToken(), ExpiresAt: now.Add(s.o.SessionTTL).UTC().Truncate(time.Millisecond), User: u}
	if err := s.users.OpenSession(ctx, u.ID, tokenHash(sess.Token), now, sess.ExpiresAt); err != nil {
		return Session{}, err
	}
	t := now.UTC().Truncate(time.Millisecond)
	sess.User.LastLoginAt = &t
	sess.Ledger = s.issueLedger(ctx, u.ID, tokenHash(sess.Token))
	return sess, nil
}

// SweepLedgerAccess deletes the ledger credentials of sessions that expired or ended
// without a sign-out (sign-out, disabling and a new password revoke at once); the
// backend runs it periodically.
func (s *Service) SweepLedgerAccess(ctx context.Context) error {
	if s.o.Ledger == nil {
		return nil
	}
	err := s.o.Ledger.RevokeStale(ctx, func(ctx context.Context) (func(int64, string) bool, error) {
		sessions, err := s.users.LiveSessions(ctx, s.o.Now())
		if err != nil {
			return nil, err
		}
		live := make(map[int64]map[string]bool)
		for _, ls := range sessions {
			if live[ls.UserID] == nil {
				live[ls.UserID] = map[string]bool{}
			}
			live[ls.UserID][sessionID(ls.TokenHash)] = true
		}
		return func(userID int64, sid string) bool { return live[userID][sid] }, nil
	})
	if err != nil {
		return fmt.Errorf("sweep ledger credentials: %w", err)
	}
	return nil
}

// issueLedger is the session's ledger credential, or nil: the sign-in does not fail
// for it, the desktop keeps its manual setting.
func (s *Service) issueLedger(ctx context.Context, userID int64, hash []byte) *LedgerCredential {
	if s.o.Ledger == nil {
		return nil
	}
	name, pass, err := s.o.Ledger.Issue(ctx, userID, sessionID(hash))
	if err != nil {
		s.log.Warn("no ledger credential issued; the desktop keeps its manual Redis setting", "user", userID, "err", err)
		return nil
	}
	return &LedgerCredential{Username: name, Password: pass, Stream: s.o.Ledger.Stream()}
}

// Unlock forgets the failed sign-ins of email, from every address: its locks and
// its slow-down. It reports whether there were any. The counts live in this
// Service's memory, so only the serving process's Service can unlock its sign-ins.
func (s *Service) Unlock(email string) bool {
	return s.throttle.unlock(NormalizeEmail(email))
}

// UnlockUser is Unlock for the account id; ErrNotFound when there is none.
func (s *Service) UnlockUser(ctx context.Context, id int64) (User, bool, error) {
	users, err := s.users.ListUsers(ctx)
	if err != nil {
		return User{}, false, err
	}
	for _, u := range users {
		if u.ID == id {
			unlocked := s.Unlock(u.Email)
			return u, unlocked, s.audit(ctx, AuditUnlock, u.Email, unlockDetail(unlocked))
		}
	}
	return User{}, false, ErrNotFound
}

// Authenticate returns the session of a token: ErrNoSession when it is unknown,
// expired, or its account is disabled.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 128 {
		return Session{}, ErrNoSession
	}
	u, exp, err := s.users.Session(ctx, tokenHash(token))
	if err != nil {
		return Session{}, err
	}
	if u.Disabled || !s.o.Now().Before(exp) {
		return Session{}, ErrNoSession
	}
	return Session{Token: token, ExpiresAt: exp, User: u}, nil
}

// Logout ends the session of token (nothing when there is none) and revokes its
// desktop's ledger credential.
func (s *Service) Logout(ctx context.Context, token string) error {
	hash := tokenHash(token)
	var owner int64
	if s.o.Ledger != nil {
		u, _, err := s.users.Session(ctx, hash)
		if err != nil && !errors.Is(err, ErrNoSession) {
			return fmt.Errorf("logout: %w", err)
		}
		owner = u.ID
	}
	if err := s.users.EndSession(ctx, hash); err != nil {
		return err
	}
	if owner != 0 {
		if err := s.o.Ledger.Revoke(ctx, owner, sessionID(hash)); err != nil {
			return fmt.Errorf("logout: session ended, but its ledger credential was not revoked: %w", err)
		}
	}
	return nil
}
