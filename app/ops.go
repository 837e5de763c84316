package app

// The Operations bindings (admins only): the pipeline's health and history, dead
// letters, rebuild and replay jobs and the audit log, each proxied to the backend's
// admin API with the signed-in session (see admin in users.go). The backend decides
// who may; the window hides the screens from supervisors as well.
//
// Dead-letter fields arrive without tax values (the backend removes them); they are
// passed on to the window and never logged.

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// OptTime is a time that may be absent. The backend may write an absent time as null
// or ""; the window always gets null.
type OptTime struct{ time.Time }

// MarshalJSON writes null for the zero time.
func (t OptTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return t.Time.MarshalJSON()
}

// UnmarshalJSON reads null and "" as absent.
func (t *OptTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) || bytes.Equal(b, []byte(`""`)) {
		t.Time = time.Time{}
		return nil
	}
	return t.Time.UnmarshalJSON(b)
}

// errOpsForbidden is a supervisor's answer: the Operations area is for admins.
var errOpsForbidden = errors.New("Only administrators can see and run operations")

// opsMessages turns a status the backend answered into words for the screen;
// statuses not listed keep the backend's own detail.
type opsMessages map[int]string

// opsNotOffered is the 404 of a backend that has no such admin route (an older
// version).
const opsNotOffered = "This backend does not offer this operation; it may be an older version"

// ops is one admin call with the Operations area's messages.
func (a *App) ops(method, path string, in, out any, msgs opsMessages) error {
	err := a.adminCall(method, path, in, out, errOpsForbidden)
	var api *apiError
	if errors.As(err, &api) {
		if m, ok := msgs[api.Status]; ok {
			return errors.New(m)
		}
	}
	return err
}

// Pipeline is the backend's health now: Redis, database, stream, projection, breakers,
// dead letters, the running rebuild, desktops and the alerts firing.
func (a *App) Pipeline() (Pipeline, error) {
	var p Pipeline
	if err := a.ops(http.MethodGet, "/api/admin/pipeline", nil, &p, opsMessages{404: opsNotOffered}); err != nil {
		return Pipeline{}, err
	}
	p.normalise()
	return p, nil
}

// PipelineHistory is the per-minute history of the last hour ("1h") or day ("24h").
func (a *App) PipelineHistory(window string) (PipelineHistory, error) {
	if window != "1h" && window != "24h" {
		return PipelineHistory{}, fmt.Errorf("Choose the last hour or the last day, not %q", window)
	}
	var h PipelineHistory
	path := "/api/admin/pipeline/history?window=" + window
	if err := a.ops(http.MethodGet, path, nil, &h, opsMessages{404: opsNotOffered}); err != nil {
		return PipelineHistory{}, err
	}
	if h.Points == nil {
		h.Points = []PipelinePoint{}
	}
	if h.Window == "" {
		h.Window = window
	}
	return h, nil
}

// ListDeadLetters is one page of dead letters matching q.
func (a *App) ListDeadLetters(q DeadLetterQuery) (DeadLetterPage, error) {
	v := url.Values{}
	for k, s := range map[string]string{"reason": q.Reason, "type": q.Type, "since": q.Since, "until": q.Until, "cursor": q.Cursor} {
		if s = strings.TrimSpace(s); s != "" {
			v.Set(k, s)
		}
	}
	if err := checkTimes(q.Since, q.Until); err != nil {
		return DeadLetterPage{}, err
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(min(q.Limit, 500)))
	}
	path := "/api/admin/dead-letters"
	if len(v) > 0 {
		path += "?" + v.Encode()
	}
	var p DeadLetterPage
	if err := a.ops(http.MethodGet, path, nil, &p, opsMessages{404: opsNotOffered}); err != nil {
		return DeadLetterPage{}, err
	}
	if p.Items == nil {
		p.Items = []DeadLetter{}
	}
	p.NextCursor = nonEmpty(p.NextCursor)
	return p, nil
}

// GetDeadLetter is one dead letter with its original fields.
func (a *App) GetDeadLetter(id string) (DeadLetterDetail, error) {
	if strings.TrimSpace(id) == "" {
		return DeadLetterDetail{}, errors.New("No dead letter was chosen")
	}
	var d DeadLetterDetail
	err := a.ops(http.MethodGet, "/api/admin/dead-letters/"+url.PathEscape(id), nil, &d,
		opsMessages{404: "This dead letter is gone: it was retried or dropped"})
	if err != nil {
		return DeadLetterDetail{}, err
	}
	if d.Fields == nil {
		d.Fields = [][]string{}
	}
	return d, nil
}

// RetryDeadLetters applies the selected dead letters through the reducer again.
func (a *App) RetryDeadLetters(sel DeadLetterSelection) (RetryResult, error) {
	if err := sel.check(); err != nil {
		return RetryResult{}, err
	}
	var r RetryResult
	if err := a.ops(http.MethodPost, "/api/admin/dead-letters/retry", sel, &r, opsMessages{404: opsNotOffered}); err != nil {
		return RetryResult{}, err
	}
	if r.Results == nil {
		r.Results = []RetryOutcome{}
	}
	return r, nil
}

// DropDeadLetters removes the selected dead letters (the audit log keeps them).
func (a *App) DropDeadLetters(sel DeadLetterSelection) (DropResult, error) {
	if err := sel.check(); err != nil {
		return DropResult{}, err
	}
	var r DropResult
	err := a.ops(http.MethodPost, "/api/admin/dead-letters/drop", sel, &r, opsMessages{404: opsNotOffered})
	return r, err
}

// check makes sure exactly one kind of selection is made, so a slip in the window
// can never turn "these" into "all".
func (s DeadLetterSelection) check() error {
	n := 0
	if len(s.IDs) > 0 {
		n++
	}
	if s.All {
		n++
	}
	if s.Filter != nil {
		n++
		if err := checkTimes(s.Filter.Since, s.Filter.Until); err != nil {
			return err
		}
	}
	switch n {
	case 0:
		return errors.New("Choose the dead letters first")
	case 1:
		return nil
	}
	return errors.New("Choose some dead letters, all of them, or a filter: only one")
}

// checkTimes refuses a since or until that is not an RFC 3339 time.
func checkTimes(ts ...string) error {
	for _, s := range ts {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return fmt.Errorf("%q is not a date and time (like 2026-11-30T09:00:00Z)", s)
		}
	}
	return nil
}

// rebuildBusy is the 409 of a start while another job runs.
const rebuildBusy = "A rebuild or replay is already running: wait for it to finish or cancel it"

// StartRebuild starts a rebuild, or a replay since a time or stream id and/or of one
// conversation.
func (a *App) StartRebuild(req RebuildRequest) (RebuildJob, error) {
	req.Since, req.Conversation = strings.TrimSpace(req.Since), strings.TrimSpace(req.Conversation)
	if req.Source != "archive" && req.Source != "stream" {
		return RebuildJob{}, errors.New("Choose the source: the archive or the stream")
	}
	var j RebuildJob
	if err := a.ops(http.MethodPost, "/api/admin/rebuilds", req, &j, opsMessages{404: opsNotOffered, 409: rebuildBusy}); err != nil {
		return RebuildJob{}, err
	}
	return j, nil
}

// ListRebuilds is every rebuild and replay job the backend remembers, newest first.
func (a *App) ListRebuilds() ([]RebuildJob, error) {
	var ans struct {
		Items []RebuildJob `json:"items"`
	}
	if err := a.ops(http.MethodGet, "/api/admin/rebuilds", nil, &ans, opsMessages{404: opsNotOffered}); err != nil {
		return nil, err
	}
	if ans.Items == nil {
		ans.Items = []RebuildJob{}
	}
	return ans.Items, nil
}

// GetRebuild is one job.
func (a *App) GetRebuild(id string) (RebuildJob, error) {
	var j RebuildJob
	err := a.ops(http.MethodGet, "/api/admin/rebuilds/"+url.PathEscape(id), nil, &j,
		opsMessages{404: "That rebuild is not known to the backend"})
	return j, err
}

// CancelRebuild cancels a running job; the live projection stays as it was. It
// answers the job as it is after the cancel.
func (a *App) CancelRebuild(id string) (RebuildJob, error) {
	var j RebuildJob
	err := a.ops(http.MethodDelete, "/api/admin/rebuilds/"+url.PathEscape(id), nil, &j,
		opsMessages{404: "That rebuild is not known to the backend", 409: "That job has already finished"})
	if err != nil {
		return RebuildJob{}, err
	}
	if j.ID == "" { // the backend answered 204
		return a.GetRebuild(id)
	}
	return j, nil
}

// ListAudit is one page of the audit log.
func (a *App) ListAudit(q AuditQuery) (AuditPage, error) {
	v := url.Values{}
	for k, s := range map[string]string{"actor": q.Actor, "action": q.Action, "cursor": q.Cursor} {
		if s = strings.TrimSpace(s); s != "" {
			v.Set(k, s)
		}
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(min(q.Limit, 500)))
	}
	path := "/api/admin/audit"
	if len(v) > 0 {
		path += "?" + v.Encode()
	}
	var p AuditPage
	if err := a.ops(http.MethodGet, path, nil, &p, opsMessages{404: opsNotOffered}); err != nil {
		return AuditPage{}, err
	}
	if p.Items == nil {
		p.Items = []AuditEntry{}
	}
	p.NextCursor = nonEmpty(p.NextCursor)
	return p, nil
}

// normalise gives the window [] for every absent list.
func (p *Pipeline) normalise() {
	if p.Breakers == nil {
		p.Breakers = []Breaker{}
	}
	if p.Desktops == nil {
		p.Desktops = []DesktopReport{}
	}
	if p.Alerts == nil {
		p.Alerts = []Alert{}
	}
	if p.Projection.Consumers == nil {
		p.Projection.Consumers = []ConsumerHealth{}
	}
	if p.Projection.Outcomes == nil {
		p.Projection.Outcomes = map[string]int64{}
	}
}

func nonEmpty(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}
