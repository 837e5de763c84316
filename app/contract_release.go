package app

// The release's part of the desktop contract (see contract.go): the About box and
// the machine-wide defaults note on the settings screen.

// About is what the About box shows: which build this is and where it came from.
type About struct {
	// Version is semantic, e.g. "1.2.3"; "0.0.0-dev" for a developer's build.
	Version string `json:"version"`
	// Commit is the source's git commit, "" when unknown.
	Commit string `json:"commit"`
	// BuildDate is when the release was built (RFC 3339), "" when unknown.
	BuildDate string `json:"buildDate"`
	// Platform is the operating system and architecture, e.g. "windows/amd64".
	Platform string `json:"platform"`
	// UserAgent is what the app sends to the backend with every request.
	UserAgent       string               `json:"userAgent"`
	MachineDefaults MachineDefaultsState `json:"machineDefaults"`
}

// MachineDefaultsState is what became of the machine-wide defaults file at start.
type MachineDefaultsState struct {
	// Path is where this computer's defaults file is looked for; "" when none.
	Path string `json:"path"`
	// State: "none" (no file), "applied", or "ignored" (Problem says why).
	State string `json:"state" tstype:"'none' | 'applied' | 'ignored'"`
	// Problem is, in plain words, why the file was ignored; "" otherwise.
	Problem string `json:"problem"`
}
