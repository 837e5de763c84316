package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/billie/supervisor/customerapi"
)

// TestTokenCommand: minted tokens carry iat, and no lifetime over the API's cap is
// minted.
func TestTokenCommand(t *testing.T) {
	run := func(env map[string]string, args ...string) (string, error) {
		root := newRootCmd(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		var out bytes.Buffer
		root.SetArgs(append([]string{"token"}, args...))
		root.SetOut(&out)
		root.SetErr(io.Discard)
		err := root.ExecuteContext(context.Background())
		return strings.TrimSpace(out.String()), err
	}
	env := map[string]string{customerapi.EnvSecret: testSecret}
	tok, err := run(env, "--customer", "cust-1", "--ttl", "2h")
	if err != nil {
		t.Fatal(err)
	}
	var c jwt.RegisteredClaims
	if _, err := jwt.ParseWithClaims(tok, &c, func(*jwt.Token) (any, error) { return []byte(testSecret), nil }); err != nil {
		t.Fatal(err)
	}
	if c.IssuedAt == nil || c.ExpiresAt.Sub(c.IssuedAt.Time) != 2*time.Hour || c.Subject != "cust-1" {
		t.Errorf("claims %+v", c)
	}
	for _, tc := range []struct {
		cap, ttl, want string
	}{
		{"", "13h", "up to 12h0m0s"},
		{"30m", "1h", "up to 30m0s"},
		{"forever", "1h", "not a positive duration"},
		{"", "-1h", "up to 12h0m0s"},
	} {
		env := map[string]string{customerapi.EnvSecret: testSecret, customerapi.EnvTokenMaxLifetime: tc.cap}
		if _, err := run(env, "--customer", "cust-1", "--ttl", tc.ttl); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("cap %q ttl %s: %v, want an error with %q", tc.cap, tc.ttl, err, tc.want)
		}
	}
}
