package app

import (
	"fmt"
	"os"
	"testing"

	"github.com/billie/supervisor/backend/store/pagepool"
)

// TestMain gives SQLite the page pool the desktop main configures, before any test
// opens a cache, so the tests and benchmarks run as the app does.
func TestMain(m *testing.M) {
	if err := pagepool.Configure(PagePoolMiB()); err != nil {
		fmt.Fprintln(os.Stderr, "page pool:", err)
	}
	os.Exit(m.Run())
}
