package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/billie/supervisor/internal/version"
)

// The README's `backend inspect conversation conv-7f3a91 --raw`: flags after the
// positional arguments reach the command.
func TestFlagsAfterArguments(t *testing.T) {
	db := filepath.Join(t.TempDir(), "b.db")
	_, err := runBackend(nil, "inspect", "conversation", "conv-7f3a91", "--raw", "--db", db)
	if err == nil || !strings.Contains(err.Error(), "inspect conversation conv-7f3a91: not found") {
		t.Fatalf("error %v, want not found", err)
	}
}

func TestVersion(t *testing.T) {
	out, err := runBackend(nil, "--version")
	if err != nil || strings.TrimSpace(out) != "backend version "+version.Get().Long() {
		t.Fatalf("%q %v", out, err)
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Short == "" {
			t.Errorf("%s has no help", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(func(string) (string, bool) { return "", false }))
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		out, err := runBackend(nil, "completion", shell)
		if err != nil || !strings.Contains(out, "backend") {
			t.Errorf("completion %s: %v, %d bytes", shell, err, len(out))
		}
	}
}

func TestEnvironmentDefaults(t *testing.T) {
	env := map[string]string{"BILLIE_STREAM": "from-env", "BILLIE_DB": "env.db"}
	cfg := defaultConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if cfg.stream != "from-env" || cfg.db != "env.db" || cfg.group != "billie-projector" {
		t.Errorf("%+v", cfg)
	}
}
