// Package redisacl issues the desktops' Redis credentials: one ACL user per signed-in
// desktop, allowed only to read the ledger stream (XREAD, XINFO STREAM, PING on that
// key, and CLIENT SETNAME for its own connection), so that no desktop holds a password that can write or read anything else.
package redisacl

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Prefix starts the name of every ACL user this package makes; it deletes no other.
const Prefix = "billie-desktop-"

// ErrNotPermitted says the backend's Redis connection may not manage ACL users (a
// managed Redis, or a restricted backend user): desktops keep their manual setting.
var ErrNotPermitted = errors.New("redisacl: this Redis connection may not manage ACL users")

// Manager makes and deletes the desktops' ACL users on one Redis for one stream.
type Manager struct {
	rdb    redis.UniversalClient
	stream string
	prefix string
}

// New is a Manager of read-only users of stream. prefix, after Prefix, names this
// backend's users (empty is fine; tests give their own).
func New(rdb redis.UniversalClient, stream, prefix string) *Manager {
	return &Manager{rdb: rdb, stream: stream, prefix: Prefix + prefix}
}

// Stream is the stream the issued users can read.
func (m *Manager) Stream() string { return m.stream }

// Check says whether the connection may manage ACL users, by making a disabled user
// without rights and deleting it: ErrNotPermitted when it may not.
func (m *Manager) Check(ctx context.Context) error {
	name := m.prefix + "probe-" + random(9)
	if err := m.rdb.Do(ctx, "ACL", "SETUSER", name, "reset", "off").Err(); err != nil {
		return notPermitted(err)
	}
	if err := m.rdb.Do(ctx, "ACL", "DELUSER", name).Err(); err != nil {
		return notPermitted(err)
	}
	return nil
}

// Issue makes (or replaces) the ACL user of the desktop session sid of account
// userID and returns its name and password.
func (m *Manager) Issue(ctx context.Context, userID int64, sid string) (username, password string, err error) {
	username, password = m.name(userID, sid), random(32)
	err = m.rdb.Do(ctx, "ACL", "SETUSER", username, "reset", "on", ">"+password,
		"~"+escapePattern(m.stream), "resetchannels", "-@all", "+xread", "+xinfo|stream", "+ping",
		// go-redis names its connections (CLIENT LIST shows the desktop); it touches
		// nothing but the connection itself.
		"+client|setname").Err()
	if err != nil {
		return "", "", fmt.Errorf("issue redis user: %w", notPermitted(err))
	}
	return username, password, nil
}

// Revoke deletes the ACL user of session sid of account userID; Redis closes its
// connections. Nothing when there is none.
func (m *Manager) Revoke(ctx context.Context, userID int64, sid string) error {
	if err := m.rdb.Do(ctx, "ACL", "DELUSER", m.name(userID, sid)).Err(); err != nil {
		return fmt.Errorf("revoke redis user: %w", notPermitted(err))
	}
	return nil
}

// RevokeAll deletes every ACL user of account userID (a disabled account, a new
// password).
func (m *Manager) RevokeAll(ctx context.Context, userID int64) error {
	users, err := m.rdb.Do(ctx, "ACL", "USERS").StringSlice()
	if err != nil {
		return fmt.Errorf("list redis users: %w", notPermitted(err))
	}
	own := fmt.Sprintf("%s%d-", m.prefix, userID)
	var names []any
	for _, u := range users {
		if strings.HasPrefix(u, own) {
			names = append(names, u)
		}
	}
	if len(names) == 0 {
		return nil
	}
	if err := m.rdb.Do(ctx, append([]any{"ACL", "DELUSER"}, names...)...).Err(); err != nil {
		return fmt.Errorf("revoke redis users: %w", notPermitted(err))
	}
	return nil
}

// RevokeStale deletes this backend's users whose session live says is gone. It lists
// the users first, then asks live, so a user issued meanwhile is not in the list.
func (m *Manager) RevokeStale(ctx context.Context, live func(context.Context) (func(userID int64, sid string) bool, error)) error {
	users, err := m.rdb.Do(ctx, "ACL", "USERS").StringSlice()
	if err != nil {
		return fmt.Errorf("list redis users: %w", notPermitted(err))
	}
	isLive, err := live(ctx)
	if err != nil {
		return err
	}
	var stale []any
	for _, u := range users {
		if userID, sid, ok := m.parse(u); ok && !isLive(userID, sid) {
			stale = append(stale, u)
		}
	}
	if len(stale) == 0 {
		return nil
	}
	if err := m.rdb.Do(ctx, append([]any{"ACL", "DELUSER"}, stale...)...).Err(); err != nil {
		return fmt.Errorf("revoke redis users: %w", notPermitted(err))
	}
	return nil
}

// parse reads a name this Manager made back into its account and session; ok is
// false for any other name (the probe's, another backend's).
func (m *Manager) parse(name string) (userID int64, sid string, ok bool) {
	rest, found := strings.CutPrefix(name, m.prefix)
	if !found {
		return 0, "", false
	}
	id, sid, found := strings.Cut(rest, "-")
	if !found || sid == "" {
		return 0, "", false
	}
	userID, err := strconv.ParseInt(id, 10, 64)
	if err != nil || m.name(userID, sid) != name {
		return 0, "", false
	}
	return userID, sid, true
}

func (m *Manager) name(userID int64, sid string) string {
	return fmt.Sprintf("%s%d-%s", m.prefix, userID, sid)
}

// escapePattern makes the stream name a glob pattern that matches only itself.
func escapePattern(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// notPermitted marks the errors that say the connection lacks the right to manage
// ACLs (NOPERM, or a Redis without ACL commands).
func notPermitted(err error) error {
	msg := err.Error()
	if strings.HasPrefix(msg, "NOPERM") || strings.Contains(msg, "unknown command") {
		return fmt.Errorf("%w: %v", ErrNotPermitted, err)
	}
	return err
}

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
