package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/breaker"
	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/pipeline"
	"github.com/billie/supervisor/customerapi"
)

// Every metric an alerting rule reads is one the backend exports, so a renamed metric
// cannot leave a rule silently matching nothing.
func TestAlertRulesUseExportedMetrics(t *testing.T) {
	rules, err := os.ReadFile("alerts/rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	m := newMetrics(nil)
	exported := map[string]bool{}
	ch := make(chan *prometheus.Desc, 64)
	go func() {
		for _, c := range []prometheus.Collector{m.requests, m.latency, m.events, m.batches, m.failures, &lagCollector{}, breaker.NewSet().Collector()} {
			c.Describe(ch)
		}
		close(ch)
	}()
	name := regexp.MustCompile(`fqName: "([a-z_]+)"`)
	for d := range ch {
		if s := name.FindStringSubmatch(d.String()); s != nil {
			exported[s[1]] = true
		}
	}
	used := regexp.MustCompile(`\bbillie_[a-z_]+`).FindAllString(string(rules), -1)
	if len(used) < 9 {
		t.Fatalf("only %d metric names found in rules.yml", len(used))
	}
	for _, u := range used {
		base := u
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			if b, ok := strings.CutSuffix(u, suffix); ok && exported[b] {
				base = b
			}
		}
		if !exported[base] {
			t.Errorf("rules.yml reads %s, which the backend does not export", u)
		}
	}
}

// The pipeline routes are wired into the backend's router: an admin reads the
// document, a desktop reports, the sampler sees the API's requests in the HTTP
// metrics, and /metrics has the database gauges the rules read.
func TestPipelineWired(t *testing.T) {
	t.Setenv(customerapi.EnvSecret, testSecret)
	rs, d, _ := testRouters(t, "redis://127.0.0.1:6379/0", serverLimits{})
	ctx := context.Background()
	acc, err := accounts.New(d.ops, accounts.Options{Hash: accounts.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Create(ctx, "ada@example.com", "Ada", accounts.RoleAdmin, "admin-password-1"); err != nil {
		t.Fatal(err)
	}
	sess, err := acc.Login(ctx, "ada@example.com", "admin-password-1", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject: "cust-1", IssuedAt: jwt.NewNumericDate(time.Now()), ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
	}).SignedString([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if rec := get(rs.public, "/api/customer/cust-1/applications", tok); rec.Code != 200 {
			t.Fatalf("customer API: %d %s", rec.Code, rec.Body)
		}
	}
	req := httptest.NewRequest("POST", pipeline.DesktopReportPath, strings.NewReader(`{"version":"1.0.0","host":"desk-1","behind":3}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+sess.Token)
	rec := httptest.NewRecorder()
	rs.public.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		t.Fatalf("desktop report: %d %s", rec.Code, rec.Body)
	}

	// An entry without a conversation id is dead-lettered into the database's table.
	if _, err := d.store.ApplyBatch(ctx, d.cfg.group, []ledger.Entry{{ID: "1764000000001-0",
		Fields: map[string]string{"agt": "broker", "typ": "user_input", "seq": "1", "tsp": "2026-11-24T09:14:02Z", "dat": "{}"}}}); err != nil {
		t.Fatal(err)
	}
	rec = get(rs.public, "/api/admin/pipeline", sess.Token)
	if rec.Code != 200 {
		t.Fatalf("pipeline: %d %s", rec.Code, rec.Body)
	}
	var doc pipeline.Document
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Redis.OK || !doc.Database.OK || doc.Stream.Key != d.cfg.stream || len(doc.Desktops) != 1 || doc.Desktops[0].User != "ada@example.com" ||
		doc.DeadLetters.Count != 1 || doc.Rebuild != nil || doc.Projection.LastAppliedID != "1764000000001-0" {
		t.Errorf("document %s", rec.Body)
	}
	if rec := get(rs.public, "/api/admin/pipeline/history?window=24h", sess.Token); rec.Code != 200 {
		t.Errorf("history: %d %s", rec.Code, rec.Body)
	}

	ht := rs.sampler.HTTP()
	if ht.Customer.Count != 3 || ht.Requests < 5 || ht.Errors != 0 || len(ht.Customer.Bounds) == 0 || ht.Customer.Counts[len(ht.Customer.Counts)-1] != 3 {
		t.Errorf("HTTP totals %+v", ht)
	}
	rs.sampler.Tick(ctx)

	m := get(rs.ops, "/metrics", "").Body.String()
	for _, want := range []string{"billie_database_up 1", "billie_redis_up 1", "billie_projection_checkpoint_timestamp_seconds 1.764000000001e+09", "billie_dead_letters_entries 1",
		`billie_http_requests_total{code="204",method="POST",route="/api/desktop/report"} 1`} {
		if !strings.Contains(m, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
