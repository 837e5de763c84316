package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"unicode"
)

// The machine-wide defaults file: written by an administrator (the Windows installer's
// /BACKEND= /REDIS= /STREAM= options, the Linux packages' config file) and read at
// every start. It sits below the BILLIE_* variables and the user's own settings:
//
//	user settings > BILLIE_* environment > machine defaults > built-in defaults
//
// Every user of the computer can read it, so it holds no secrets: a Redis URL with a
// password in it is refused (each sign-in gets its own Redis credentials). Anything
// wrong with it makes the whole file ignored and said so in plain words (the log and
// the settings screen): a half-read file would be worse than none.

// maxMachineDefaults bounds the file: it holds a handful of short strings.
const maxMachineDefaults = 64 << 10

// machineDefaults is the file's content. The JSON names are the settings' names.
type machineDefaults struct {
	BackendURL string      `json:"backendUrl"`
	RedisURL   string      `json:"redisUrl"`
	RedisTLS   *bool       `json:"redisTls"`
	Stream     string      `json:"stream"`
	Thresholds *Thresholds `json:"thresholds"`
}

// Machine-defaults states (MachineDefaultsState.State).
const (
	MachineDefaultsNone    = "none"    // no file, or no path on this platform
	MachineDefaultsApplied = "applied" // read and used
	MachineDefaultsIgnored = "ignored" // unreadable or invalid; Problem says why
)

// loadMachineDefaults reads and checks the file at path. No path or no file is no
// defaults, not an error. allowInsecure is Defaults.AllowInsecureBackend (only the
// environment can give it).
func loadMachineDefaults(path string, allowInsecure bool) (machineDefaults, MachineDefaultsState) {
	st := MachineDefaultsState{Path: path, State: MachineDefaultsNone}
	if path == "" {
		return machineDefaults{}, st
	}
	md, err := readMachineDefaults(path, allowInsecure)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return machineDefaults{}, st
	case err != nil:
		st.State, st.Problem = MachineDefaultsIgnored, err.Error()
		return machineDefaults{}, st
	}
	st.State = MachineDefaultsApplied
	return md, st
}

func readMachineDefaults(path string, allowInsecure bool) (machineDefaults, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return machineDefaults{}, err
		}
		return machineDefaults{}, fmt.Errorf("The file cannot be read: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMachineDefaults+1))
	if err != nil {
		return machineDefaults{}, fmt.Errorf("The file cannot be read: %w", err)
	}
	if len(b) > maxMachineDefaults {
		return machineDefaults{}, fmt.Errorf("The file is larger than %d KiB; it should hold a few settings", maxMachineDefaults>>10)
	}
	return parseMachineDefaults(b, allowInsecure)
}

// parseMachineDefaults is strict: one JSON object of known fields, each valid.
func parseMachineDefaults(b []byte, allowInsecure bool) (machineDefaults, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // Notepad's byte-order mark
	if err := exactNames(b); err != nil {
		return machineDefaults{}, err
	}
	var md machineDefaults
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&md); err != nil {
		return machineDefaults{}, fmt.Errorf("The file is not valid: %s", jsonProblem(b, err))
	}
	if dec.More() {
		return machineDefaults{}, errors.New("The file is not valid: it holds more than one JSON object")
	}
	if err := md.validate(allowInsecure); err != nil {
		return machineDefaults{}, err
	}
	return md, nil
}

// machineDefaultsNames are the file's settings, spelt exactly: encoding/json would
// take "backendURL" for backendUrl, and an administrator reading the file would not.
var machineDefaultsNames = map[string]bool{"backendUrl": true, "redisUrl": true, "redisTls": true, "stream": true, "thresholds": true}

func exactNames(b []byte) error {
	var top map[string]json.RawMessage
	if json.Unmarshal(b, &top) != nil {
		return nil // not an object: Decode says what is wrong
	}
	for name := range top {
		if !machineDefaultsNames[name] {
			return fmt.Errorf("The file is not valid: unknown setting %q (known: backendUrl, redisUrl, redisTls, stream, thresholds)", name)
		}
	}
	return nil
}

// jsonProblem says where and what in plain words.
func jsonProblem(b []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("JSON syntax error on line %d: %v", lineOf(b, syn.Offset), syn)
	case errors.As(err, &typ):
		return fmt.Sprintf("%q on line %d must be a %s, not a JSON %s", typ.Field, lineOf(b, typ.Offset), typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return "it is empty; it should be a JSON object such as {\"backendUrl\": \"https://billie.example.com\"}"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown setting " + strings.TrimPrefix(err.Error(), "json: unknown field ") +
			" (known: backendUrl, redisUrl, redisTls, stream, thresholds)"
	}
	return err.Error()
}

func lineOf(b []byte, offset int64) int {
	if offset > int64(len(b)) {
		offset = int64(len(b))
	}
	return bytes.Count(b[:offset], []byte("\n")) + 1
}

func (md machineDefaults) validate(allowInsecure bool) error {
	if md.BackendURL != "" {
		if err := checkBackendURL(strings.TrimRight(md.BackendURL, "/"), allowInsecure); err != nil {
			return fmt.Errorf("backendUrl: %w", err)
		}
	}
	if md.RedisURL != "" {
		c := config{RedisURL: md.RedisURL}
		if _, err := c.redisOptions(); err != nil {
			return fmt.Errorf("redisUrl: %w", err)
		}
		if u, err := url.Parse(md.RedisURL); err == nil && u.User != nil {
			return errors.New("redisUrl: holds a user name or password; every user of this computer can read this file, " +
				"so it may not (each sign-in gets its own Redis credentials)")
		}
	}
	if md.Stream != "" && strings.IndexFunc(md.Stream, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return fmt.Errorf("stream: %q holds spaces or control characters", md.Stream)
	}
	if th := md.Thresholds; th != nil {
		if th.PausedSeconds <= 0 || th.SoftEndSeconds <= th.PausedSeconds || th.HardEndSeconds <= th.SoftEndSeconds {
			return errors.New("thresholds: must be positive and increase: pausedSeconds < softEndSeconds < hardEndSeconds")
		}
	}
	return nil
}

// under returns d with md filling what d leaves empty: the environment wins.
func (md machineDefaults) under(d Defaults) Defaults {
	d.BackendURL = or(d.BackendURL, strings.TrimRight(md.BackendURL, "/"))
	d.RedisURL = or(d.RedisURL, md.RedisURL)
	d.Stream = or(d.Stream, md.Stream)
	if d.RedisTLS == nil {
		d.RedisTLS = md.RedisTLS
	}
	if d.Thresholds == nil {
		d.Thresholds = md.Thresholds
	}
	return d
}

// initialConfig is the configuration a start begins with: the user's settings file in
// dir over d (the environment) over the machine-wide defaults file over the built-in
// defaults. A problem with the machine file is in the state, never an error: the
// window opens either way.
func initialConfig(dir string, d Defaults) (config, MachineDefaultsState, error) {
	md, state := loadMachineDefaults(d.MachineDefaultsFile, d.AllowInsecureBackend)
	cfg, err := loadConfig(dir, md.under(d))
	return cfg, state, err
}
