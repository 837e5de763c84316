package simulator

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

func TestAppendJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`O'Brien "Jack"`, `"O'Brien \"Jack\""`},
		{"Zoë", `"Zo\u00eb"`},
		{"tab\tline\n", `"tab\u0009line\n"`},
		{"back\\slash", `"back\\slash"`},
		{"emoji 🙂", `"emoji \ud83d\ude42"`},
	}
	for _, tt := range tests {
		got := string(appendJSONString(nil, tt.in))
		if got != tt.want {
			t.Errorf("appendJSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil || back != tt.in {
			t.Errorf("round trip of %q gave %q, %v", tt.in, back, err)
		}
	}
}

func TestDollars(t *testing.T) {
	tests := []struct {
		cents int64
		want  string
	}{{40000, "$400"}, {2050, "$20.50"}, {120000, "$1,200"}, {89250, "$892.50"}, {5, "$0.05"}}
	for _, tt := range tests {
		if got := dollars(tt.cents); got != tt.want {
			t.Errorf("dollars(%d) = %s, want %s", tt.cents, got, tt.want)
		}
	}
}

func TestMoneyJSON(t *testing.T) {
	tests := []struct {
		cents int64
		want  string
	}{{40000, "400"}, {2050, "20.5"}, {421055, "4210.55"}}
	for _, tt := range tests {
		var w jsonw
		w.money(tt.cents)
		if string(w.b) != tt.want {
			t.Errorf("money(%d) = %s, want %s", tt.cents, w.b, tt.want)
		}
	}
}

func TestTaxFileNumberChecksum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	weights := []int{1, 4, 3, 7, 5, 8, 6, 9, 10}
	for range 200 {
		tfn := taxFileNumber(r)
		sum := 0
		for i, d := range tfn {
			sum += int(d-'0') * weights[i]
		}
		if len(tfn) != 9 || sum%11 != 0 {
			t.Fatalf("%s fails the TFN check digit", tfn)
		}
	}
}

func TestLocalMobile(t *testing.T) {
	if got := localMobile("+61412345678"); got != "0412 345 678" {
		t.Fatalf("localMobile = %q", got)
	}
}

func TestEmailPart(t *testing.T) {
	tests := []struct{ in, want string }{{"O'Brien", "obrien"}, {"Zoë", "zoe"}, {"Min-jun", "minjun"}, {"De Luca", "deluca"}}
	for _, tt := range tests {
		if got := emailPart(tt.in); got != tt.want {
			t.Errorf("emailPart(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTimestampFormats(t *testing.T) {
	tests := []struct {
		at                   time.Time
		tsp, python, seconds string
	}{
		{time.Date(2026, 11, 24, 9, 14, 2, 117e6, time.UTC), "2026-11-24T09:14:02.117Z",
			"2026-11-24T09:14:02.117000+00:00", "2026-11-24T09:14:02Z"},
		{time.Date(1999, 1, 2, 23, 5, 9, 0, time.FixedZone("", 36000)), "1999-01-02T13:05:09.000Z",
			"1999-01-02T13:05:09.000000+00:00", "1999-01-02T13:05:09Z"},
	}
	for _, tt := range tests {
		ms := tt.at.UnixMilli()
		if _, got := tspString(nil, ms); got != tt.tsp || got != tt.at.UTC().Format("2006-01-02T15:04:05.000Z") {
			t.Errorf("tspString = %s, want %s", got, tt.tsp)
		}
		if got := isoPython(ms); got != tt.python {
			t.Errorf("isoPython = %s, want %s", got, tt.python)
		}
		if got := isoShort(ms); got != tt.seconds {
			t.Errorf("isoShort = %s, want %s", got, tt.seconds)
		}
	}
}
