package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gzuidhof/tygo/tygo"
	"gopkg.in/yaml.v2"

	"github.com/billie/supervisor/backend/accounts"
	"github.com/billie/supervisor/backend/projection"
)

// repoRoot is the folder of tygo.yaml; the output paths in it are relative to it.
const repoRoot = ".."

// TestContractTypeScript regenerates the frontend's contract types with the committed
// tygo.yaml and fails when the committed output differs, so a change to contract.go
// cannot land without the TypeScript the frontend compiles against.
func TestContractTypeScript(t *testing.T) {
	conf := readTygoConfig(t)
	committed := make(map[string]string, len(conf.Packages)) // regenerated path → committed path
	tmp := t.TempDir()
	for i, p := range conf.Packages {
		fresh := filepath.Join(tmp, fmt.Sprintf("%d-%s", i, filepath.Base(p.OutputPath)))
		committed[fresh] = filepath.Join(repoRoot, p.OutputPath)
		p.OutputPath = fresh
	}
	if err := tygo.New(&conf).Generate(); err != nil {
		t.Fatalf("tygo generate: %v", err)
	}
	for fresh, old := range committed {
		want, err := os.ReadFile(fresh)
		if err != nil {
			t.Fatalf("reading the regenerated %s: %v", old, err)
		}
		got, err := os.ReadFile(old)
		if err != nil {
			t.Fatalf("reading the committed %s: %v (run make contract-ts)", old, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run make contract-ts and commit it\n%s", old, firstDifference(string(got), string(want)))
		}
	}
}

// TestContractTypeScriptUnions checks the TypeScript unions that contract.go emits by
// hand (Go carries these values as plain strings) against the Go values they name.
func TestContractTypeScriptUnions(t *testing.T) {
	conf := readTygoConfig(t)
	if len(conf.Packages) != 1 {
		t.Fatalf("tygo.yaml has %d packages, want the one for app", len(conf.Packages))
	}
	generated, err := os.ReadFile(filepath.Join(repoRoot, conf.Packages[0].OutputPath))
	if err != nil {
		t.Fatal(err)
	}
	statuses := make([]string, len(projection.Statuses))
	for i, s := range projection.Statuses {
		statuses[i] = string(s)
	}
	var appStatuses []string
	for _, s := range projection.ApplicationStatuses() {
		appStatuses = append(appStatuses, string(s))
	}
	for name, want := range map[string][]string{
		"Status":            statuses,
		"Sender":            {projection.SenderCustomer, projection.SenderAssistant},
		"ApplicationStatus": appStatuses,
		"Role":              {accounts.RoleAdmin, accounts.RoleSupervisor},
	} {
		got := unionMembers(t, string(generated), name)
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			t.Errorf("TypeScript union %s = %q, Go has %q: change the tygo:emit block in contract.go", name, got, want)
		}
	}
}

func readTygoConfig(t *testing.T) tygo.Config {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "tygo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var conf tygo.Config
	if err := yaml.Unmarshal(raw, &conf); err != nil {
		t.Fatalf("tygo.yaml: %v", err)
	}
	return conf
}

// unionMembers returns the string literals of `export type name = 'a' | 'b';`.
func unionMembers(t *testing.T, ts, name string) []string {
	t.Helper()
	decl := regexp.MustCompile(`(?m)^export type ` + name + ` = (.*);$`).FindStringSubmatch(ts)
	if decl == nil {
		t.Fatalf("no union %s in the generated TypeScript", name)
	}
	var members []string
	for _, m := range regexp.MustCompile(`'([^']*)'`).FindAllStringSubmatch(decl[1], -1) {
		members = append(members, m[1])
	}
	return members
}

// firstDifference names the first line where the committed and regenerated files differ.
func firstDifference(committed, regenerated string) string {
	a, b := strings.Split(committed, "\n"), strings.Split(regenerated, "\n")
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  committed:   %q\n  regenerated: %q", i+1, x, y)
		}
	}
	return "files differ"
}
