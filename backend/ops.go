package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/web"
)

// The operations listener (--ops-addr) serves what only the host's operators may see
// or do: /metrics, the detailed /readyz, /healthz, and the control routes, POST
// opsUnlockPath, which `backend user unlock` calls, and the rebuild jobs, which
// `backend rebuild` and `backend replay` call. It is meant for loopback or an internal
// network, never the public one; the control routes answer only loopback requests
// that carry the operations token (opstoken.go).

const (
	envOpsAddr     = "BILLIE_OPS_ADDR"
	defaultOpsAddr = "127.0.0.1:9090"
	opsUnlockPath  = "/users/unlock"
)

// upOrDown is the public /healthz: whether the backend can serve, without the
// detail of why not (that is the operations listener's /readyz).
func (d *deps) upOrDown(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if !d.readiness(ctx).Ready {
		web.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "down"})
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"status": "up"})
}

type unlockRequest struct {
	Email string `json:"email"`
	// Actor is who asks, for the audit log: `backend user unlock` sends
	// cli:<os user>. The listener is the host operators' own, so it is taken as said.
	Actor string `json:"actor,omitempty"`
}

// opsActor is the audit log's actor of an unlock that names none.
const opsActor = "ops-listener"

type unlockAnswer struct {
	Email string `json:"email"`
	// Unlocked is false when the email had no failed sign-ins to forget.
	Unlocked bool `json:"unlocked"`
}

// unlockHandler forgets the failed sign-ins of an email, from every address. The
// counts live in the serving process's memory, which is why the command reaches them
// through this listener and not through the database.
func unlockHandler(acc *accounts.Service, d *deps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req unlockRequest
		if !web.ReadJSON(w, r, &req, true) {
			return
		}
		email := accounts.NormalizeEmail(req.Email)
		if email == "" {
			web.WriteProblem(w, http.StatusBadRequest, web.BadRequest, "email is required")
			return
		}
		actor := strings.TrimSpace(req.Actor)
		if actor == "" || len(actor) > 200 {
			actor = opsActor
		}
		unlocked, err := acc.UnlockAudited(accounts.WithActor(r.Context(), actor), email)
		d.log.Info("sign-ins unlocked from the operations listener", "had_failures", unlocked)
		if err != nil {
			web.Error(w, r, d.log, err)
			return
		}
		web.WriteJSON(w, http.StatusOK, unlockAnswer{Email: email, Unlocked: unlocked})
	}
}

// opsURL is the base URL of the operations listener at addr, for a client on the
// same host: a wildcard host is reached on loopback.
func opsURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("operations address %q: %w", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// errNoServer says that no backend answered on the operations address.
var errNoServer = errors.New("no backend answered")

// unlockViaOps asks the backend serving on the operations address addr, with the
// operations token, to forget the failed sign-ins of email.
func unlockViaOps(ctx context.Context, client *http.Client, addr, token, email, actor string) (unlockAnswer, error) {
	var ans unlockAnswer
	base, err := opsURL(addr)
	if err != nil {
		return ans, err
	}
	body, _ := json.Marshal(unlockRequest{Email: email, Actor: actor})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+opsUnlockPath, bytes.NewReader(body))
	if err != nil {
		return ans, err
	}
	req.Header.Set("Content-Type", "application/json")
	setOpsToken(req, token)
	res, err := client.Do(req)
	if err != nil {
		return ans, fmt.Errorf("%w at %s: %w", errNoServer, base, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode != http.StatusOK {
		return ans, fmt.Errorf("%s%s answered %d: %s", base, opsUnlockPath, res.StatusCode, strings.TrimSpace(string(b)))
	}
	if err := json.Unmarshal(b, &ans); err != nil {
		return ans, fmt.Errorf("%s%s: %w", base, opsUnlockPath, err)
	}
	return ans, nil
}
