// Package deadletters is the admins' handling of dead letters: listing them by reason,
// type and time, reading one with its original fields, retrying them through the
// reducer and dropping them, with an audit record of every retry and drop. The admin
// API's routes (http.go) and the `backend dlq` command run the same Service. The
// dead-letter table is the store's; this package owns the rules around it: what an
// admin may select, what is recorded, what a result says.
package deadletters

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/billie/supervisor/backend/errs"
	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/store"
)

// Store is the dead-letter table (*store.Store).
type Store interface {
	DeadLetters(ctx context.Context, f store.DeadLetterFilter, after *store.DeadLetterKey, limit int) (store.DeadLetterPage, error)
	DeadLetterIDs(ctx context.Context, f store.DeadLetterFilter) ([]ledger.ID, error)
	DeadLetter(ctx context.Context, id ledger.ID) (store.DeadLetterRecord, error)
	RetryDeadLetter(ctx context.Context, id ledger.ID) (store.RetryResult, error)
	DropDeadLetter(ctx context.Context, id ledger.ID) (bool, error)
}

// Auditor keeps the audit log. A detail never holds a tax value.
type Auditor interface {
	Record(ctx context.Context, actor, action, target, detail string) error
}

// Audit actions.
const (
	ActionRetry = "dead-letter.retry"
	ActionDrop  = "dead-letter.drop"
)

// Bounds of what a request may ask.
const (
	DefaultLimit = 50
	MaxLimit     = 500
	// MaxIDs is how many IDs one retry or drop may name; {"all": true} or a filter
	// selects any number.
	MaxIDs       = 1000
	maxReasonLen = 200
	maxTypeLen   = 100
)

// Service lists, retries and drops dead letters.
type Service struct {
	st    Store
	audit Auditor
}

// New is the service over st, recording retries and drops with audit.
func New(st Store, audit Auditor) *Service { return &Service{st: st, audit: audit} }

// Filter selects dead letters (store.DeadLetterFilter) as a request gives it: since
// and until RFC 3339 times.
type Filter struct {
	Reason string `json:"reason,omitempty"`
	Type   string `json:"type,omitempty"`
	Since  string `json:"since,omitempty"`
	Until  string `json:"until,omitempty"`
}

// parse checks f and turns it into the store's filter.
func (f Filter) parse() (store.DeadLetterFilter, error) {
	const op errs.Op = "deadletters.Filter"
	out := store.DeadLetterFilter{Reason: f.Reason, Type: f.Type}
	switch {
	case !utf8.ValidString(f.Reason) || len(f.Reason) > maxReasonLen:
		return out, errs.E(op, errs.Invalid, fmt.Sprintf("reason: at most %d bytes of text", maxReasonLen))
	case !utf8.ValidString(f.Type) || len(f.Type) > maxTypeLen:
		return out, errs.E(op, errs.Invalid, fmt.Sprintf("type: at most %d bytes of text", maxTypeLen))
	}
	var err error
	if out.Since, err = parseTime("since", f.Since); err != nil {
		return out, errs.E(op, errs.Invalid, err)
	}
	if out.Until, err = parseTime("until", f.Until); err != nil {
		return out, errs.E(op, errs.Invalid, err)
	}
	if !out.Since.IsZero() && !out.Until.IsZero() && !out.Since.Before(out.Until) {
		return out, errs.E(op, errs.Invalid, "since must be before until")
	}
	return out, nil
}

func parseTime(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: an RFC 3339 time such as 2026-11-24T09:00:00Z", name)
	}
	return t.UTC(), nil
}

// ParseID reads a dead letter's ID: its original stream ID, "ms-seq".
func ParseID(s string) (ledger.ID, error) {
	id, err := ledger.ParseID(s)
	if err != nil || id.String() != s {
		return ledger.ID{}, errs.E(errs.Op("deadletters.ParseID"), errs.Invalid, fmt.Sprintf("%q is not a dead letter's ID (a stream ID such as 1764000000000-0)", truncate(s, 40)))
	}
	return id, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Item is a dead letter in a list.
type Item struct {
	ID             string     `json:"id"`
	Type           string     `json:"type"`
	ConversationID string     `json:"conversationId"`
	Reason         string     `json:"reason"`
	Consumer       string     `json:"consumer"`
	DeadAt         time.Time  `json:"deadAt"`
	Retries        int        `json:"retries"`
	LastRetryAt    *time.Time `json:"lastRetryAt"`
}

// Detail is a dead letter with its original fields as [name, value] pairs, every
// value of a repeated name, earlier ones first.
type Detail struct {
	Item
	Fields [][2]string `json:"fields"`
}

func itemOf(r store.DeadLetterRecord) Item {
	it := Item{ID: r.ID.String(), Type: r.Type, ConversationID: r.ConversationID, Reason: r.Reason, Consumer: r.Consumer,
		DeadAt: r.At, Retries: r.Retries}
	if !r.LastRetryAt.IsZero() {
		t := r.LastRetryAt
		it.LastRetryAt = &t
	}
	return it
}

func detailOf(r store.DeadLetterRecord) Detail {
	d := Detail{Item: itemOf(r), Fields: make([][2]string, 0, len(r.Fields))}
	for _, f := range r.Fields {
		d.Fields = append(d.Fields, [2]string{f.Name, f.Value})
	}
	return d
}

// Page is one page of the list.
type Page struct {
	Items []Item `json:"items"`
	// Total counts every dead letter the filter selects.
	Total int `json:"total"`
	// NextCursor continues the list; empty on its last page.
	NextCursor string `json:"nextCursor"`
}

// List is a page of the dead letters f selects, newest first: at most limit (0:
// DefaultLimit) after cursor (a page's NextCursor; empty: from the newest).
func (s *Service) List(ctx context.Context, f Filter, cursor string, limit int) (Page, error) {
	const op errs.Op = "deadletters.List"
	sf, err := f.parse()
	if err != nil {
		return Page{}, errs.E(op, err)
	}
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 1 || limit > MaxLimit {
		return Page{}, errs.E(op, errs.Invalid, fmt.Sprintf("limit: from 1 to %d", MaxLimit))
	}
	after, err := decodeCursor(cursor)
	if err != nil {
		return Page{}, errs.E(op, err)
	}
	p, err := s.st.DeadLetters(ctx, sf, after, limit)
	if err != nil {
		return Page{}, errs.E(op, kindOf(err), err)
	}
	out := Page{Items: make([]Item, 0, len(p.Items)), Total: p.Total}
	for _, r := range p.Items {
		out.Items = append(out.Items, itemOf(r))
	}
	if p.Next != nil {
		out.NextCursor = encodeCursor(*p.Next)
	}
	return out, nil
}

// Get is one dead letter with its fields.
func (s *Service) Get(ctx context.Context, id string) (Detail, error) {
	const op errs.Op = "deadletters.Get"
	lid, err := ParseID(id)
	if err != nil {
		return Detail{}, errs.E(op, err)
	}
	r, err := s.st.DeadLetter(ctx, lid)
	if errors.Is(err, store.ErrNoDeadLetter) {
		return Detail{}, errs.E(op, errs.NotFound, "no dead letter "+id)
	}
	if err != nil {
		return Detail{}, errs.E(op, kindOf(err), err)
	}
	return detailOf(r), nil
}

// kindOf is the kind of a store error: an outage the caller may retry, or ours.
func kindOf(err error) errs.Kind {
	if store.IsInfrastructure(err) {
		return errs.Unavailable
	}
	return errs.Internal
}

// A cursor is the last item's place, opaque to clients: "<dead at, Unix ms>.<id>".
func encodeCursor(k store.DeadLetterKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(k.At.UnixMilli(), 10) + "." + k.ID.String()))
}

func decodeCursor(c string) (*store.DeadLetterKey, error) {
	if c == "" {
		return nil, nil
	}
	bad := errs.E(errs.Invalid, "cursor: not one this list gave")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(c) > 100 {
		return nil, bad
	}
	at, id, ok := strings.Cut(string(b), ".")
	ms, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil {
		return nil, bad
	}
	lid, err := ledger.ParseID(id)
	if err != nil {
		return nil, bad
	}
	return &store.DeadLetterKey{At: time.UnixMilli(ms).UTC(), ID: lid}, nil
}

// Selection names the dead letters a retry or drop acts on: exactly one of IDs, All or
// Filter.
type Selection struct {
	IDs    []string `json:"ids,omitempty"`
	All    bool     `json:"all,omitempty"`
	Filter *Filter  `json:"filter,omitempty"`
}

// ids are the IDs sel names, checked; every dead letter for All, those Filter
// selects, newest first.
func (s *Service) ids(ctx context.Context, sel Selection) ([]string, error) {
	given := 0
	for _, b := range []bool{sel.IDs != nil, sel.All, sel.Filter != nil} {
		if b {
			given++
		}
	}
	if given != 1 {
		return nil, errs.E(errs.Invalid, `name the dead letters with exactly one of "ids", "all": true or "filter"`)
	}
	if sel.IDs != nil {
		if len(sel.IDs) == 0 || len(sel.IDs) > MaxIDs {
			return nil, errs.E(errs.Invalid, fmt.Sprintf("ids: from 1 to %d of them", MaxIDs))
		}
		seen := make(map[string]bool, len(sel.IDs))
		out := make([]string, 0, len(sel.IDs))
		for _, id := range sel.IDs {
			if _, err := ParseID(id); err != nil {
				return nil, err
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		return out, nil
	}
	var f store.DeadLetterFilter
	if sel.Filter != nil {
		var err error
		if f, err = sel.Filter.parse(); err != nil {
			return nil, err
		}
	}
	ids, err := s.st.DeadLetterIDs(ctx, f)
	if err != nil {
		return nil, errs.E(kindOf(err), err)
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out, nil
}

// Result is what a retry or drop did to one dead letter: OK is applied (retry) or
// dropped; Reason says why not (the new reason of one still dead, or that there is no
// such dead letter).
type Result struct {
	ID     string `json:"id"`
	OK     bool   `json:"ok"`
	Reason string `json:"reason,omitempty"`
}

// NoSuchDeadLetter is the reason of a result for an ID the table does not hold.
const NoSuchDeadLetter = "no such dead letter"

// RetryReport is what a retry did: Retried counts the dead letters found and
// retried, Applied those that left the dead letters, StillDead those that stay.
type RetryReport struct {
	Retried   int      `json:"retried"`
	Applied   int      `json:"applied"`
	StillDead int      `json:"stillDead"`
	Results   []Result `json:"results"`
}

// DropReport is what a drop did.
type DropReport struct {
	Dropped int      `json:"dropped"`
	Results []Result `json:"results"`
}

// Progress, when given to Retry or Drop, hears of each dead letter done: how many of
// how many, and its result.
type Progress func(done, total int, r Result)

// Retry applies the selected dead letters through the reducer again, one transaction
// each, newest first for All and Filter, and records each in the audit log as actor.
// An entry applied leaves the dead letters; one still bad stays with its new reason
// and one more retry. An ID with no dead letter is a result with OK false. A retry
// applies its entry out of stream order, after whatever the projector applied since.
// An error (the database or the audit log unavailable) ends it; what was retried
// before stays retried and recorded.
func (s *Service) Retry(ctx context.Context, actor string, sel Selection, progress Progress) (RetryReport, error) {
	const op errs.Op = "deadletters.Retry"
	var rep RetryReport
	results, err := s.each(ctx, op, sel, progress, func(id string, lid ledger.ID) (Result, error) {
		res := Result{ID: id}
		got, err := s.st.RetryDeadLetter(ctx, lid)
		switch {
		case errors.Is(err, store.ErrNoDeadLetter):
			res.Reason = NoSuchDeadLetter
			return res, nil
		case err != nil:
			return res, errs.E(op, kindOf(err), err)
		}
		rep.Retried++
		detail := "applied"
		if got.Applied {
			res.OK = true
			rep.Applied++
		} else {
			res.Reason = got.Reason
			rep.StillDead++
			detail = "still dead: " + got.Reason
		}
		if err := s.audit.Record(ctx, actor, ActionRetry, id, withoutTax(detail)); err != nil {
			return res, errs.E(op, errs.Unavailable, fmt.Errorf("audit the retry of %s: %w", id, err))
		}
		return res, nil
	})
	rep.Results = results
	return rep, err
}

// each runs one for every selected dead letter in turn, collecting the results and
// telling progress of each. It stops at the first error or when ctx ends: what was
// done before stays done, and its results are returned with the error.
func (s *Service) each(ctx context.Context, op errs.Op, sel Selection, progress Progress, one func(id string, lid ledger.ID) (Result, error)) ([]Result, error) {
	ids, err := s.ids(ctx, sel)
	if err != nil {
		return []Result{}, errs.E(op, err)
	}
	results := make([]Result, 0, len(ids))
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return results, errs.E(op, err)
		}
		lid, _ := ParseID(id) // checked by ids
		res, err := one(id, lid)
		if err != nil {
			return results, err
		}
		results = append(results, res)
		if progress != nil {
			progress(i+1, len(ids), res)
		}
	}
	return results, nil
}

// dropRecord is what the audit log keeps of a dropped dead letter: all it held, minus
// tax values (the store keeps none), so nothing is lost.
type dropRecord struct {
	Reason         string      `json:"reason"`
	Type           string      `json:"type"`
	ConversationID string      `json:"conversationId"`
	Consumer       string      `json:"consumer"`
	DeadAt         time.Time   `json:"deadAt"`
	Retries        int         `json:"retries"`
	Fields         [][2]string `json:"fields"`
}

// Drop removes the selected dead letters, each recorded first in the audit log as
// actor with everything it held: a drop that cannot be recorded does not happen. An
// ID with no dead letter is a result with OK false.
func (s *Service) Drop(ctx context.Context, actor string, sel Selection, progress Progress) (DropReport, error) {
	const op errs.Op = "deadletters.Drop"
	var rep DropReport
	results, err := s.each(ctx, op, sel, progress, func(id string, lid ledger.ID) (Result, error) {
		res := Result{ID: id}
		r, err := s.st.DeadLetter(ctx, lid)
		switch {
		case errors.Is(err, store.ErrNoDeadLetter):
			res.Reason = NoSuchDeadLetter
			return res, nil
		case err != nil:
			return res, errs.E(op, kindOf(err), err)
		}
		d := detailOf(r)
		rec, err := json.Marshal(dropRecord{Reason: d.Reason, Type: d.Type, ConversationID: d.ConversationID,
			Consumer: d.Consumer, DeadAt: d.DeadAt, Retries: d.Retries, Fields: d.Fields})
		if err != nil {
			return res, errs.E(op, errs.Internal, err)
		}
		if err := s.audit.Record(ctx, actor, ActionDrop, id, withoutTax(string(rec))); err != nil {
			return res, errs.E(op, errs.Unavailable, fmt.Errorf("audit the drop of %s: %w", id, err))
		}
		dropped, err := s.st.DropDeadLetter(ctx, lid)
		if err != nil {
			return res, errs.E(op, kindOf(err), err)
		}
		if dropped {
			res.OK = true
			rep.Dropped++
		} else {
			res.Reason = NoSuchDeadLetter // dropped meanwhile, by another admin
		}
		return res, nil
	})
	rep.Results = results
	return rep, err
}

// withoutTax is an audit detail with ledger's tax rule applied once more: the store
// keeps no tax value, and a detail must never hold one whatever a row holds.
func withoutTax(detail string) string {
	out, _ := ledger.TextWithoutTax(detail)
	return out
}
