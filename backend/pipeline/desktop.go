package pipeline

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/billie/supervisor/backend/errs"
	"github.com/billie/supervisor/backend/ledger"
)

// StaleAfter is how long after its last report a desktop is listed as stale: it
// reports every 30 s, so three missed reports.
const StaleAfter = 90 * time.Second

// DesktopReport is what a signed-in desktop last said of itself, with the user of
// the session it reported with.
type DesktopReport struct {
	UserID int64
	// User is the account's email, Name its display name.
	User, Name    string
	Version, Host string
	// CachePosition is the last stream ID in the desktop's cache; empty when it has
	// none yet.
	CachePosition string
	Behind        int64
	ReportedAt    time.Time
}

// DesktopStore keeps the last report of each desktop (a user on a host).
type DesktopStore interface {
	ReportDesktop(ctx context.Context, r DesktopReport) error
	Desktops(ctx context.Context) ([]DesktopReport, error)
}

// Desktop is one desktop in the pipeline document.
type Desktop struct {
	User          string    `json:"user"`
	Name          string    `json:"name"`
	Version       string    `json:"version"`
	Host          string    `json:"host"`
	CachePosition string    `json:"cachePosition"`
	Behind        int64     `json:"behind"`
	ReportedAt    time.Time `json:"reportedAt"`
	Stale         bool      `json:"stale"`
}

func (s *Sources) desktops(ctx context.Context, now time.Time) ([]Desktop, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	rs, err := s.Desktops.Desktops(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Desktop, 0, len(rs))
	for _, r := range rs {
		out = append(out, Desktop{User: r.User, Name: r.Name, Version: r.Version, Host: r.Host,
			CachePosition: r.CachePosition, Behind: r.Behind, ReportedAt: r.ReportedAt.UTC(),
			Stale: now.Sub(r.ReportedAt) > StaleAfter})
	}
	slices.SortFunc(out, func(a, b Desktop) int {
		if c := strings.Compare(a.User, b.User); c != 0 {
			return c
		}
		return strings.Compare(a.Host, b.Host)
	})
	return out, nil
}

// Bounds of a desktop report's fields.
const (
	MaxVersionLen = 64
	MaxHostLen    = 253
	// MaxBehind is far beyond any stream's length; more is a broken or hostile client.
	MaxBehind = 1 << 40
)

var (
	versionRe = regexp.MustCompile(`^(dev|v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?)$`)
	// Empty when the desktop cannot tell its host name (os.Hostname failed).
	hostRe = regexp.MustCompile(`^([\p{L}\p{N}][\p{L}\p{N}._-]*)?$`)
)

// reportBody is the body of POST /api/desktop/report. Any other field, a user among
// them, is ignored: the user is the session's.
type reportBody struct {
	Version       string `json:"version"`
	Host          string `json:"host"`
	CachePosition string `json:"cachePosition"`
	Behind        *int64 `json:"behind"`
}

// validate checks every field against its bounds; the error says which and why.
func (b reportBody) validate() error {
	const op errs.Op = "pipeline.report"
	bad := func(format string, a ...any) error { return errs.E(op, errs.Invalid, fmt.Sprintf(format, a...)) }
	switch {
	case len(b.Version) > MaxVersionLen || !versionRe.MatchString(b.Version):
		return bad("version: want a version such as 1.4.2 or 1.4.2-rc.1 (at most %d characters), or dev", MaxVersionLen)
	case len(b.Host) > MaxHostLen || !utf8.ValidString(b.Host) || !hostRe.MatchString(b.Host):
		return bad("host: want a host name of letters, digits, '.', '-' and '_' (at most %d bytes), or empty", MaxHostLen)
	case b.Behind == nil:
		return bad("behind: required, the entries the desktop's cache is behind the stream")
	case *b.Behind < 0 || *b.Behind > MaxBehind:
		return bad("behind: want a whole number from 0 to %d", int64(MaxBehind))
	}
	if b.CachePosition != "" {
		if len(b.CachePosition) > 41 {
			return bad("cachePosition: want a stream entry ID such as 1732950000000-0, or empty")
		}
		if _, err := ledger.ParseID(b.CachePosition); err != nil {
			return bad("cachePosition: want a stream entry ID such as 1732950000000-0, or empty")
		}
	}
	return nil
}

// MemoryDesktops is a DesktopStore in memory, for a backend without an operations
// database and for tests: it keeps the last report of at most max desktops.
type MemoryDesktops struct {
	max int
	mu  sync.Mutex
	m   map[[2]string]DesktopReport
}

// NewMemoryDesktops keeps at most max desktops (1000 when max <= 0); past it, the
// oldest report makes room.
func NewMemoryDesktops(max int) *MemoryDesktops {
	if max <= 0 {
		max = 1000
	}
	return &MemoryDesktops{max: max, m: map[[2]string]DesktopReport{}}
}

// ReportDesktop keeps r as the last report of its user on its host.
func (m *MemoryDesktops) ReportDesktop(_ context.Context, r DesktopReport) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{r.User, r.Host}
	if _, ok := m.m[k]; !ok && len(m.m) >= m.max {
		var oldest [2]string
		first := true
		for key, v := range m.m {
			if first || v.ReportedAt.Before(m.m[oldest].ReportedAt) {
				oldest, first = key, false
			}
		}
		delete(m.m, oldest)
	}
	m.m[k] = r
	return nil
}

// Desktops are the last reports, in no order.
func (m *MemoryDesktops) Desktops(context.Context) ([]DesktopReport, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]DesktopReport, 0, len(m.m))
	for _, r := range m.m {
		out = append(out, r)
	}
	return out, nil
}
