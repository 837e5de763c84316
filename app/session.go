package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Errors the frontend shows as they are.
var (
	errNotSignedIn    = errors.New("Not signed in")
	errSessionExpired = errors.New("Your session has expired. Please sign in again.")
	errWrongPassword  = errors.New("Wrong email or password")
)

// sessionUser is the user part of the backend's session answers.
type sessionUser struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// storedSession is what session.json holds.
type storedSession struct {
	Token      string      `json:"token"`
	ExpiresAt  time.Time   `json:"expiresAt"`
	User       sessionUser `json:"user"`
	BackendURL string      `json:"backendUrl"`
}

func (s *storedSession) info() SessionInfo {
	return SessionInfo{Email: s.User.Email, Name: s.User.Name, Role: s.User.Role, ExpiresAt: s.ExpiresAt}
}

// backendClient talks to the backend's auth and admin APIs at base, the configured
// backend URL. Requests with a session token go to the URL the session was made
// with (see authed), never to base when that has changed.
type backendClient struct {
	base string
	http *http.Client
	// allowInsecure is Defaults.AllowInsecureBackend.
	allowInsecure bool
}

// newBackendHTTP is the HTTP client for the backend. It follows no redirects: a
// redirect could carry the session token to another URL than the session's.
func newBackendHTTP(t http.RoundTripper) *http.Client {
	return &http.Client{Timeout: requestTimeout, Transport: t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// apiError is a non-2xx answer; Message is fit for the screen.
type apiError struct {
	Status  int
	Message string
}

func (e *apiError) Error() string { return e.Message }

// offlineError means the backend could not be reached at all.
type offlineError struct{ err error }

func (e *offlineError) Error() string {
	return "Cannot reach the Billie backend: " + e.err.Error()
}
func (e *offlineError) Unwrap() error { return e.err }

// anon sends a request without a token to the configured backend.
func (c *backendClient) anon(ctx context.Context, method, path string, in, out any) error {
	return c.send(ctx, c.base, method, path, "", in, out)
}

// authed sends a request with sess's token to the backend that issued it, whatever
// the configured URL is now: the token goes nowhere else.
func (c *backendClient) authed(ctx context.Context, sess *storedSession, method, path string, in, out any) error {
	if sess.BackendURL == "" {
		return errNotSignedIn
	}
	return c.send(ctx, sess.BackendURL, method, path, sess.Token, in, out)
}

// send sends a JSON request to base+path and decodes a JSON answer into out (when
// not nil). A base that may not carry credentials (checkBackendURL) gets nothing.
func (c *backendClient) send(ctx context.Context, base, method, path, token string, in, out any) error {
	if base == "" {
		return &offlineError{errors.New("no backend URL is configured (Settings)")}
	}
	if err := checkBackendURL(base, c.allowInsecure); err != nil {
		return err
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return &offlineError{err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return &offlineError{err}
	}
	if resp.StatusCode/100 != 2 {
		return &apiError{Status: resp.StatusCode, Message: problemMessage(resp.StatusCode, data)}
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode answer to %s %s: %w", method, path, err)
	}
	return nil
}

// problemMessage turns an RFC 9457 problem (or any error body) into a sentence.
func problemMessage(status int, body []byte) string {
	var p struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	_ = json.Unmarshal(body, &p) // a body that is not a problem falls back to the status
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

type loginAnswer struct {
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expiresAt"`
	User      sessionUser `json:"user"`
	// Ledger is this desktop's own Redis credential, when the backend issues one.
	Ledger *ledgerCredential `json:"ledger"`
}

type meAnswer struct {
	User      sessionUser `json:"user"`
	ExpiresAt time.Time   `json:"expiresAt"`
}

// sessions keeps the signed-in supervisor, in memory and in session.json.
type sessions struct {
	path string
	now  func() time.Time
	log  *slog.Logger

	mu  sync.Mutex
	cur *storedSession
}

func newSessions(dir string, now func() time.Time, log *slog.Logger) *sessions {
	return &sessions{path: filepath.Join(dir, sessionName), now: now, log: log}
}

// restore loads the stored session. Online, the backend confirms it (a rejected
// token is forgotten); offline, an unexpired session is accepted so the cache stays
// usable.
func (s *sessions) restore(ctx context.Context, client *backendClient) error {
	b, err := readPrivate(s.path)
	if err != nil || b == nil {
		return err
	}
	var st storedSession
	if err := json.Unmarshal(b, &st); err != nil || st.Token == "" {
		s.log.Warn("forgetting an unreadable stored session")
		return s.forget()
	}
	if !st.ExpiresAt.After(s.now()) {
		return s.forget()
	}
	if st.BackendURL != client.base {
		// The backend URL changed while the app was closed: end the session where it
		// was made, not at the new URL.
		s.log.Info("the backend URL changed; signing out at the old one")
		s.logout(ctx, client, &st)
		return s.forget()
	}
	var me meAnswer
	err = client.authed(ctx, &st, http.MethodGet, "/api/auth/me", nil, &me)
	var offline *offlineError
	var api *apiError
	switch {
	case errors.As(err, &offline):
		s.log.Info("backend unreachable; keeping the stored session until it expires", "expires", st.ExpiresAt)
	case errors.As(err, &api) && (api.Status == http.StatusUnauthorized || api.Status == http.StatusForbidden):
		s.log.Info("the backend no longer accepts the stored session")
		return s.forget()
	case err != nil:
		s.log.Warn("could not confirm the stored session; keeping it", "err", err)
	default:
		st.User = me.User
		if !me.ExpiresAt.IsZero() {
			st.ExpiresAt = me.ExpiresAt
		}
	}
	return s.set(&st)
}

// signIn checks the password with the backend and keeps the session. It returns the
// ledger credential the backend issued with it, or nil.
func (s *sessions) signIn(ctx context.Context, client *backendClient, email, password string) (SessionInfo, *ledgerCredential, error) {
	if strings.TrimSpace(email) == "" || password == "" {
		return SessionInfo{}, nil, errors.New("Enter your email and password")
	}
	var ans loginAnswer
	err := client.anon(ctx, http.MethodPost, "/api/auth/login", map[string]string{"email": strings.TrimSpace(email), "password": password}, &ans)
	var api *apiError
	if errors.As(err, &api) && api.Status == http.StatusUnauthorized {
		return SessionInfo{}, nil, errWrongPassword
	}
	if err != nil {
		return SessionInfo{}, nil, err
	}
	if ans.Token == "" || !ans.ExpiresAt.After(s.now()) {
		return SessionInfo{}, nil, errors.New("The backend answered the sign-in without a valid session")
	}
	st := &storedSession{Token: ans.Token, ExpiresAt: ans.ExpiresAt, User: ans.User, BackendURL: client.base}
	if err := s.set(st); err != nil {
		return SessionInfo{}, nil, err
	}
	if l := ans.Ledger; l != nil && (l.Username == "" || l.Password == "") {
		ans.Ledger = nil
	}
	return st.info(), ans.Ledger, nil
}

// signOut forgets the session locally and tells the backend that issued it, if it
// answers.
func (s *sessions) signOut(ctx context.Context, client *backendClient) error {
	cur, err := s.take()
	if err != nil {
		return err
	}
	if cur != nil {
		s.logout(ctx, client, cur)
	}
	return nil
}

// take forgets the session and returns what it was, for a sign-out at its backend.
func (s *sessions) take() (*storedSession, error) {
	s.mu.Lock()
	cur := s.cur
	s.mu.Unlock()
	if err := s.forget(); err != nil {
		return nil, err
	}
	return cur, nil
}

// logout tells st's backend to end it; best effort, as the token is forgotten
// anyway.
func (s *sessions) logout(ctx context.Context, client *backendClient, st *storedSession) {
	if err := client.authed(ctx, st, http.MethodPost, "/api/auth/logout", nil, nil); err != nil {
		s.log.Info("backend sign-out failed; signed out locally", "err", err)
	}
}

// current is the unexpired session, or nil.
func (s *sessions) current() *storedSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil || !s.cur.ExpiresAt.After(s.now()) {
		return nil
	}
	c := *s.cur
	return &c
}

// require is the current session or the error to show.
func (s *sessions) require() (*storedSession, error) {
	s.mu.Lock()
	had := s.cur != nil
	s.mu.Unlock()
	if cur := s.current(); cur != nil {
		return cur, nil
	}
	if had {
		return nil, errSessionExpired
	}
	return nil, errNotSignedIn
}

func (s *sessions) set(st *storedSession) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("store session: %w", err)
	}
	if err := writePrivate(s.path, b); err != nil {
		return fmt.Errorf("store session: %w", err)
	}
	s.mu.Lock()
	s.cur = st
	s.mu.Unlock()
	return nil
}

func (s *sessions) forget() error {
	s.mu.Lock()
	s.cur = nil
	s.mu.Unlock()
	if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
