package archtest

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/billie/supervisor"

// pkg is what `go list -json` says of one package of the module (test files excluded).
type pkg struct {
	ImportPath string
	Dir        string
	Name       string
	GoFiles    []string
	Imports    []string
	Deps       []string
}

// listModule runs `go list -deps -json` over the whole module once; the rules read it.
func listModule(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v: %s", err, errb.String())
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(&out)
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages of %s", len(pkgs), module)
	}
	return pkgs
}

func inModule(path string) bool { return path == module || strings.HasPrefix(path, module+"/") }

func under(path, root string) bool {
	full := module + "/" + root
	return path == full || strings.HasPrefix(path, full+"/")
}

// mains are the two programs: the desktop app (module root) and the backend.
var mains = []string{module, module + "/backend"}

func TestImportRules(t *testing.T) {
	pkgs := listModule(t)
	for _, p := range pkgs {
		for _, v := range violations(p) {
			t.Errorf("%s: %s", p.ImportPath, v)
		}
	}
}

// violations lists the rules package p breaks, judged from its imports alone.
func violations(p pkg) []string {
	var bad []string
	for _, imp := range p.Imports {
		switch {
		case p.ImportPath == module+"/backend/projection" && inModule(imp) && imp != module+"/backend/ledger":
			bad = append(bad, "projection may import only ledger from this module, not "+imp)
		case (imp == "database/sql" || strings.HasPrefix(imp, "modernc.org/sqlite")) && !under(p.ImportPath, "backend/store"):
			bad = append(bad, "only backend/store/... may use SQLite ("+imp+")")
		}
	}
	if under(p.ImportPath, "app") && slices.Contains(p.Deps, module+"/backend/projector") {
		bad = append(bad, "the desktop app may not depend on backend/projector (it uses the shared ledger reader)")
	}
	return bad
}

func TestOnlyMainsOpenAStore(t *testing.T) {
	for _, p := range listModule(t) {
		if slices.Contains(mains, p.ImportPath) {
			continue
		}
		for _, f := range p.GoFiles {
			path := filepath.Join(p.Dir, f)
			for _, opener := range []string{"backend/store", "backend/store/ops", "backend/store/personal"} {
				for _, pos := range calls(t, path, module+"/"+opener, "Open") {
					t.Errorf("%s: %s.Open is called outside the two mains; take an opened store (or an opener) from main", pos, filepath.Base(opener))
				}
			}
		}
	}
}

// calls finds the uses of the named functions of package pkg (by import path) in one
// file, under whatever name the file imports the package.
func calls(t *testing.T, path, pkg string, funcs ...string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	name := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == pkg {
			name = filepath.Base(pkg)
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	if name == "" {
		return nil
	}
	var found []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok || !slices.Contains(funcs, sel.Sel.Name) {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == name {
			found = append(found, fset.Position(sel.Pos()).String())
		}
		return true
	})
	return found
}

func TestStoreHidesItsConnections(t *testing.T) {
	for _, p := range listModule(t) {
		if !under(p.ImportPath, "backend/store") || strings.Contains(p.ImportPath, "/internal") {
			continue
		}
		for _, f := range p.GoFiles {
			for _, leak := range exportedSQL(t, filepath.Join(p.Dir, f)) {
				t.Errorf("%s: exported API hands out database/sql types; keep queries inside the store", leak)
			}
		}
	}
}

// exportedSQL lists exported functions and methods whose results, and exported struct
// fields whose types, mention database/sql's connection types, in one file.
func exportedSQL(t *testing.T, path string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	var leaks []string
	check := func(name *ast.Ident, typ ast.Node) {
		if name.IsExported() && mentionsSQL(typ) {
			leaks = append(leaks, fset.Position(name.Pos()).String()+" "+name.Name)
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			// Taking a handle is fine (nobody outside has one to give); handing one out is not.
			if d.Type.Results != nil {
				check(d.Name, d.Type.Results)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				ts, ok := s.(*ast.TypeSpec)
				if !ok || !ts.Name.IsExported() {
					continue
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, fld := range st.Fields.List {
					for _, n := range fld.Names {
						check(n, fld.Type)
					}
				}
			}
		}
	}
	return leaks
}

func mentionsSQL(e ast.Node) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == "sql" && slices.Contains([]string{"DB", "Tx", "Conn", "Stmt"}, sel.Sel.Name) {
			found = true
		}
		return !found
	})
	return found
}

func TestLibrariesReadNoEnvironment(t *testing.T) {
	for _, p := range listModule(t) {
		if p.Name == "main" {
			continue
		}
		for _, f := range p.GoFiles {
			for _, pos := range calls(t, filepath.Join(p.Dir, f), "os", "Getenv", "LookupEnv", "Environ") {
				t.Errorf("%s: a library reads the environment; main reads it and hands the values down", pos)
			}
		}
	}
}
