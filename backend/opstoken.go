package main

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/billie/supervisor/backend/web"
)

// The operations listener's control routes (unlocking sign-ins, rebuild and replay
// jobs) change the service, and the listener has no sessions: anyone who reached it
// could start a rebuild, cancel one or lift a lockout. So they take two proofs of
// being the host's operator (least privilege; /metrics, /readyz and /healthz stay
// open for monitoring):
//
//   - the request comes from a loopback address: even on a listener bound to every
//     interface (a container publishing its metrics), the network gets 403;
//   - it carries the token from the token file (--ops-token-file), which serve writes
//     at start readable by its own user only, and which the CLI reads: 401 without it.

const (
	envOpsTokenFile = "BILLIE_OPS_TOKEN_FILE"
	opsTokenBytes   = 32
)

// opsTokenPath is the token file: --ops-token-file, else ops.token beside --db.
func (c *config) opsTokenPath() string {
	if c.opsTokenFile != "" {
		return c.opsTokenFile
	}
	return filepath.Join(filepath.Dir(c.db), "ops.token")
}

// loadOrCreateOpsToken is the token in the file at path, or a new one written there
// (mode 0600) when there is none or the file is readable by others. An existing token
// is kept so that two backends sharing a data directory both answer the CLI; removing
// the file and restarting changes it.
func loadOrCreateOpsToken(path string) (string, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 == 0 {
		if tok, err := readOpsToken(path); err == nil {
			return tok, nil
		}
	}
	b := make([]byte, opsTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("operations token: %w", err)
	}
	tok := hex.EncodeToString(b)
	// Written beside and renamed over, so that a CLI never reads half a token and a
	// file once readable by others is replaced, not rewritten in place.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ops.token-*")
	if err != nil {
		return "", fmt.Errorf("operations token: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", fmt.Errorf("operations token: %w", err)
	}
	if _, err := tmp.WriteString(tok + "\n"); err != nil {
		tmp.Close()
		return "", fmt.Errorf("operations token: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("operations token: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("operations token: %w", err)
	}
	return tok, nil
}

// errNoOpsToken says that the token file cannot be read: the CLI is not the server's
// user, or no backend ever served with this data directory.
var errNoOpsToken = errors.New("cannot read the operations token")

// readOpsToken reads the token file at path.
func readOpsToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%w: %w (run as the backend's user, or give --ops-token-file)", errNoOpsToken, err)
		}
		return "", fmt.Errorf("%w: %w", errNoOpsToken, err)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) != 2*opsTokenBytes {
		return "", fmt.Errorf("%w: %s holds no token", errNoOpsToken, path)
	}
	if _, err := hex.DecodeString(tok); err != nil {
		return "", fmt.Errorf("%w: %s holds no token", errNoOpsToken, path)
	}
	return tok, nil
}

// setOpsToken sets the header the control routes want, when there is a token.
func setOpsToken(req *http.Request, token string) {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
}

// opsControl lets through only requests from loopback that carry token; an empty
// token refuses every request.
func opsControl(token string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The peer itself, never a forwarded header: this listener has no proxy.
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
				web.WriteProblem(w, http.StatusForbidden, web.Forbidden, "the operations listener's control routes answer only on loopback")
				return
			}
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="billie-ops"`)
				web.WriteProblem(w, http.StatusUnauthorized, web.Unauthorized, "the operations token is required (the CLI reads it from the token file)")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
