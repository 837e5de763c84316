package accounts

import (
	"strings"
	"testing"
)

var cheap = HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %q", h)
	}
	h2, _ := Hash("correct horse battery", cheap)
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, tc := range []struct {
		pw, hash string
		ok       bool
		err      bool
	}{
		{"correct horse battery", h, true, false},
		{"correct horse batterY", h, false, false},
		{"", h, false, false},
		{"correct horse battery", strings.Replace(h, "argon2id", "argon2i", 1), false, true},
		{"correct horse battery", strings.Replace(h, "m=1024", "m=0", 1), false, true},
		{"correct horse battery", h[:len(h)-5] + "!!!!!", false, true},
		{"correct horse battery", "$2a$10$bcrypt", false, true},
		{"correct horse battery", "", false, true},
	} {
		ok, err := Verify(tc.pw, tc.hash)
		if ok != tc.ok || (err != nil) != tc.err {
			t.Errorf("Verify(%q, %q) = %v, %v", tc.pw, tc.hash, ok, err)
		}
	}
	// The stored parameters are used, not the current defaults.
	if ok, _ := Verify("pw-of-other-params", must(Hash("pw-of-other-params", HashParams{MemoryKiB: 2048, Time: 2, Threads: 2}))); !ok {
		t.Error("hash with other parameters does not verify")
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}
