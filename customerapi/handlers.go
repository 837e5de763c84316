package customerapi

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/web"
)

// page reads the limit and cursor of a list request; ok is false when it answered 400.
func (a *API) page(w http.ResponseWriter, r *http.Request, kind listKind) (limit int, after *store.PortalPosition, ok bool) {
	if len(r.URL.RawQuery) > maxQueryLen {
		badParam(w, "query string too long")
		return 0, nil, false
	}
	q := r.URL.Query()
	limit = defaultLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			badParam(w, "limit must be a whole number from 1 to "+strconv.Itoa(maxLimit))
			return 0, nil, false
		}
		limit = n
	}
	if s := q.Get("cursor"); s != "" {
		p, err := a.cursors.decode(kind, customerOf(r.Context()), s)
		if err != nil {
			web.WriteProblem(w, http.StatusBadRequest, web.InvalidCursor, "the cursor is not one this list handed out")
			return 0, nil, false
		}
		after = &p
	}
	return limit, after, true
}

func (a *API) listApplications(w http.ResponseWriter, r *http.Request) {
	limit, after, ok := a.page(w, r, kindApplications)
	if !ok {
		return
	}
	rows, err := a.reader.Applications(r.Context(), customerOf(r.Context()), after, limit+1)
	if err != nil {
		web.Error(w, r, a.log, err)
		return
	}
	a.writePage(w, r, kindApplications, rows, limit)
}

func (a *API) listConversations(w http.ResponseWriter, r *http.Request) {
	limit, after, ok := a.page(w, r, kindConversations)
	if !ok {
		return
	}
	rows, err := a.reader.Conversations(r.Context(), customerOf(r.Context()), after, limit+1)
	if err != nil {
		web.Error(w, r, a.log, err)
		return
	}
	a.writePage(w, r, kindConversations, rows, limit)
}

func (a *API) getApplication(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "applicationId")
	if !validID(id) {
		badParam(w, "applicationId must be 1 to "+strconv.Itoa(maxIDLen)+" printable characters")
		return
	}
	doc, err := a.reader.Application(r.Context(), customerOf(r.Context()), id)
	if err != nil {
		web.Error(w, r, a.log, err)
		return
	}
	if doc == nil {
		web.WriteProblem(w, http.StatusNotFound, web.NotFound, "no such application")
		return
	}
	b := getBuf()
	defer putBuf(b)
	b.Write(doc)
	writeBody(w, b)
}

func (a *API) search(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.RawQuery) > maxQueryLen {
		badParam(w, "query string too long")
		return
	}
	qs := r.URL.Query()
	q := strings.TrimSpace(qs.Get("q"))
	if q == "" || !utf8.ValidString(q) || utf8.RuneCountInString(q) > maxSearchRunes {
		badParam(w, "q must be 1 to "+strconv.Itoa(maxSearchRunes)+" characters")
		return
	}
	limit := defaultSearch
	if s := qs.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxSearch {
			badParam(w, "limit must be a whole number from 1 to "+strconv.Itoa(maxSearch))
			return
		}
		limit = n
	}
	apps, convs, err := a.reader.Search(r.Context(), customerOf(r.Context()), q, limit)
	if err != nil {
		web.Error(w, r, a.log, err)
		return
	}
	b := getBuf()
	defer putBuf(b)
	b.WriteString(`{"applications":`)
	writeDocs(b, apps, limit)
	b.WriteString(`,"conversations":`)
	writeDocs(b, convs, limit)
	b.WriteByte('}')
	writeBody(w, b)
}

// writePage streams the stored documents out as they are: {"items":[...],
// "nextCursor":...}. rows holds up to limit+1 rows; the extra one only says there is
// a next page.
func (a *API) writePage(w http.ResponseWriter, r *http.Request, kind listKind, rows []store.PortalRow, limit int) {
	b := getBuf()
	defer putBuf(b)
	b.WriteString(`{"items":`)
	writeDocs(b, rows, limit)
	b.WriteString(`,"nextCursor":`)
	if len(rows) > limit {
		b.WriteByte('"')
		b.WriteString(a.cursors.encode(kind, customerOf(r.Context()), rows[limit-1].Pos))
		b.WriteByte('"')
	} else {
		b.WriteString("null")
	}
	b.WriteByte('}')
	writeBody(w, b)
}

func writeDocs(b *bytes.Buffer, rows []store.PortalRow, limit int) {
	b.WriteByte('[')
	for i, row := range rows[:min(len(rows), limit)] {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(row.Doc)
	}
	b.WriteByte(']')
}

func writeBody(w http.ResponseWriter, b *bytes.Buffer) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
}

var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuf() *bytes.Buffer { return bufs.Get().(*bytes.Buffer) }

func putBuf(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return
	}
	b.Reset()
	bufs.Put(b)
}
