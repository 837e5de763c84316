// Package version owns the product's version: the one value that the backend
// (`backend --version`), the desktop app (About box, User-Agent) and every release
// artefact show. Releases set it at link time (scripts/release.sh):
//
//	-ldflags "-X github.com/billie/supervisor/internal/version.version=1.2.3
//	          -X github.com/billie/supervisor/internal/version.commit=abc1234
//	          -X github.com/billie/supervisor/internal/version.date=2026-11-30T15:00:00Z"
//
// A build without them is a developer's build and says so.
package version

import (
	"fmt"
	"runtime"
)

// Set by the linker; plain strings because -X sets nothing else.
var (
	version = "0.0.0-dev"
	commit  = ""
	date    = ""
)

// Info is the build's identity.
type Info struct {
	// Version is semantic, e.g. "1.2.3" or "1.3.0-rc.1".
	Version string
	// Commit is the source's git commit (short), "" when unknown.
	Commit string
	// Date is when the release was built, RFC 3339 UTC, "" when unknown.
	Date string
	// OS and Arch are the platform the binary was built for (GOOS, GOARCH).
	OS, Arch string
}

// Get returns this binary's Info.
func Get() Info {
	return Info{Version: version, Commit: commit, Date: date, OS: runtime.GOOS, Arch: runtime.GOARCH}
}

// String is the version alone, e.g. "1.2.3".
func String() string { return version }

// Long is the version with its commit and build date, for --version output.
func (i Info) Long() string {
	s := i.Version
	if i.Commit != "" {
		s += " (commit " + i.Commit
		if i.Date != "" {
			s += ", built " + i.Date
		}
		s += ")"
	}
	return fmt.Sprintf("%s %s/%s", s, i.OS, i.Arch)
}

// UserAgent is what the desktop app sends with every request to the backend:
// "Billie-Supervisor/1.2.3 (windows/amd64)", so the backend's logs tell versions apart.
func (i Info) UserAgent() string {
	return fmt.Sprintf("Billie-Supervisor/%s (%s/%s)", i.Version, i.OS, i.Arch)
}
