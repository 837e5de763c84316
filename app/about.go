package app

import "github.com/billie/supervisor/internal/version"

// About returns the build's identity and the state of the machine-wide defaults. It
// needs no session: the About box and the settings screen show it signed out too.
func (a *App) About() About {
	v := version.Get()
	return About{
		Version: v.Version, Commit: v.Commit, BuildDate: v.Date, Platform: v.OS + "/" + v.Arch,
		UserAgent: v.UserAgent(), MachineDefaults: a.machine,
	}
}

// userAgent is sent with every request to the backend, so its logs tell desktop
// versions apart: "Billie-Supervisor/1.2.3 (windows/amd64)".
var userAgent = version.Get().UserAgent()
