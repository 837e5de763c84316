package alerts

import (
	"fmt"
	"time"
)

// Rule is one alerting condition, the in-process twin of the rule of the same name in
// rules.yml.
type Rule struct {
	Name     string
	Severity string
	Summary  string
	// For is how long the condition must hold before the alert fires.
	For time.Duration
	// Runbook is "docs/runbooks.md#<anchor>".
	Runbook string
	Screen  string
	holds   func(window) bool
}

// The windows of the rules, as in rules.yml.
const (
	rateWindow  = 5 * time.Minute
	stallWindow = 5 * time.Minute
	deadWindow  = 10 * time.Minute
	// p99Limit is the customer API's latency objective, in seconds.
	p99Limit = 0.1
	// errorRatio is the share of failed batch attempts, and of 5xx answers, that alerts.
	batchErrorRatio = 0.05
	http5xxRatio    = 0.02
)

// Rules are the alerting rules with th.
func Rules(th Thresholds) []Rule {
	th = th.withDefaults()
	return []Rule{
		{Name: "BillieRedisDown", Severity: Critical, For: time.Minute, Screen: ScreenPipeline,
			Summary: "Redis does not answer: no entries are read and desktops get no live updates",
			Runbook: "docs/runbooks.md#redis-down",
			holds:   func(w window) bool { return !w.now().RedisUp }},
		{Name: "BillieDatabaseDown", Severity: Critical, For: time.Minute, Screen: ScreenPipeline,
			Summary: "The database does not answer: nothing is projected and the APIs fail",
			Runbook: "docs/runbooks.md#database-down",
			holds:   func(w window) bool { return !w.now().DatabaseUp }},
		{Name: "BillieProjectorStalled", Severity: Critical, For: 2 * time.Minute, Screen: ScreenPipeline,
			Summary: "The projection is behind and has not moved for 5 minutes",
			Runbook: "docs/runbooks.md#projector-stalled",
			holds:   stalled},
		{Name: "BillieProjectionLagHigh", Severity: Warning, For: 5 * time.Minute, Screen: ScreenPipeline,
			Summary: fmt.Sprintf("The projection is more than %d entries behind the stream", th.Lag),
			Runbook: "docs/runbooks.md#projection-lag-high",
			holds:   func(w window) bool { return w.now().Behind > th.Lag }},
		{Name: "BillieDeadLettersIncreasing", Severity: Warning, Screen: ScreenDeadLetters,
			Summary: "New dead letters in the last 10 minutes: entries the projection could not apply",
			Runbook: "docs/runbooks.md#dead-letters-increasing",
			holds:   deadLettersIncreasing},
		{Name: "BillieBatchErrorRate", Severity: Warning, For: 5 * time.Minute, Screen: ScreenPipeline,
			Summary: "More than 5% of the attempts to apply a batch fail",
			Runbook: "docs/runbooks.md#batch-error-rate",
			holds:   batchErrors},
		{Name: "BillieBreakerOpen", Severity: Warning, For: time.Minute, Screen: ScreenPipeline,
			Summary: "A circuit breaker is open: calls to Redis or the database are refused at once",
			Runbook: "docs/runbooks.md#breaker-open",
			holds:   func(w window) bool { return len(w.now().OpenBreakers) > 0 }},
		{Name: "BillieCustomerAPISlow", Severity: Warning, For: 5 * time.Minute, Screen: ScreenPipeline,
			Summary: "The customer API's 99th percentile latency is over 100 ms",
			Runbook: "docs/runbooks.md#customer-api-slow",
			holds:   customerSlow},
		{Name: "BillieHTTP5xx", Severity: Critical, For: 5 * time.Minute, Screen: ScreenPipeline,
			Summary: "More than 2% of API requests fail with a server error (5xx)",
			Runbook: "docs/runbooks.md#http-5xx",
			holds:   http5xx},
	}
}

func stalled(w window) bool {
	ss := w.over(stallWindow)
	if w.now().Behind <= 0 {
		return false
	}
	for _, s := range ss {
		if s.Checkpoint == "" || s.Checkpoint != ss[0].Checkpoint {
			return false
		}
	}
	return true
}

func deadLettersIncreasing(w window) bool {
	ss := w.over(deadWindow)
	first := int64(-1) // also what an unknown count reads as: the next known one replaces it
	for _, s := range ss {
		if first < 0 {
			first = s.DeadLetters
		} else if s.DeadLetters > first {
			return true
		}
	}
	return false
}

func batchErrors(w window) bool {
	ss := w.over(rateWindow)
	a, b := ss[0], ss[len(ss)-1]
	failed, applied := sub(b.Failures, a.Failures), sub(b.Batches, a.Batches)
	return failed > 0 && float64(failed)/float64(failed+applied) > batchErrorRatio
}

func customerSlow(w window) bool {
	ss := w.over(rateWindow)
	if len(ss) < 2 {
		return false
	}
	q := ss[len(ss)-1].HTTP.Customer.Since(ss[0].HTTP.Customer).Quantile(0.99)
	return q > p99Limit // false for NaN: no requests
}

func http5xx(w window) bool {
	ss := w.over(rateWindow)
	a, b := ss[0].HTTP, ss[len(ss)-1].HTTP
	n := sub(b.Requests, a.Requests)
	return n > 0 && float64(sub(b.Errors, a.Errors))/float64(n) > http5xxRatio
}
