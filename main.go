package main

import (
	"embed"
	"log"
	"os"
	"runtime"
	"strconv"
	"time"
	_ "time/tzdata" // BILLIE_PRODUCER_TZ names a zone on desktops without a zone database

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"github.com/billie/supervisor/app"
	"github.com/billie/supervisor/backend/gctune"
	"github.com/billie/supervisor/backend/store"
	"github.com/billie/supervisor/backend/store/pagepool"
	"github.com/billie/supervisor/backend/store/personal"
)

// assets is the built frontend. frontend/dist holds a committed placeholder
// so this embed (and go vet / go test) works before the frontend is built.
//
//go:embed all:frontend/dist
var assets embed.FS

func main() {
	// Catching up decodes and encodes JSON for every entry; collecting less often
	// made catch-up a tenth faster (docs/desktop.md). The soft limit keeps the app
	// inside its memory budget: SQLite's memory, about 170 MB, is outside it, and the
	// Go heap's live part stays under 50 MB. GOGC and GOMEMLIMIT still win.
	gctune.Apply(gctune.Tuning{Percent: 400, MemoryLimit: 128 << 20}, os.Getenv("GOGC"), os.Getenv("GOMEMLIMIT"))
	// Before any database opens: SQLite takes its page buffers from one pool
	// (package pagepool), so pages read again do not fault memory in again.
	if err := pagepool.Configure(app.PagePoolMiB()); err != nil {
		log.Printf("billie-supervisor: SQLite allocates its own page buffers: %v", err)
	}
	a := app.New(defaultsFromEnv(os.Getenv), store.Open, personal.Open, producerZone(os.Getenv("BILLIE_PRODUCER_TZ")))

	err := wails.Run(&options.App{
		Title:     "Billie Supervisor",
		Width:     1280,
		Height:    800,
		MinWidth:  900,
		MinHeight: 600,
		AssetServer: &assetserver.Options{
			Assets: assets,
		},
		BackgroundColour: &options.RGBA{R: 27, G: 38, B: 54, A: 1},
		OnStartup:        a.Startup,
		OnShutdown:       a.Shutdown,
		Bind: []interface{}{
			a,
		},
	})
	if err != nil {
		log.Fatalf("billie-supervisor: %v", err)
	}
}

// defaultsFromEnv is where the desktop starts: admins preconfigure many desktops with
// these variables; the settings a supervisor saves win over them, except
// BILLIE_ALLOW_INSECURE_BACKEND, which no setting can give.
func defaultsFromEnv(getenv func(string) string) app.Defaults {
	return app.Defaults{
		DataDir:              getenv("BILLIE_DATA_DIR"),
		RedisURL:             getenv("BILLIE_REDIS_URL"),
		Stream:               getenv("BILLIE_STREAM"),
		BackendURL:           getenv("BILLIE_BACKEND_URL"),
		AllowInsecureBackend: envBool(getenv, "BILLIE_ALLOW_INSECURE_BACKEND"),
		MachineDefaultsFile:  machineDefaultsFile(runtime.GOOS, getenv),
	}
}

// machineDefaultsFile is where an administrator (or the installer, or the Linux
// package) keeps this computer's defaults, below BILLIE_* and the user's settings.
func machineDefaultsFile(goos string, getenv func(string) string) string {
	switch goos {
	case "windows":
		dir := getenv("ProgramData")
		if dir == "" {
			dir = `C:\ProgramData`
		}
		return dir + `\Billie Supervisor\defaults.json`
	case "darwin":
		return "/Library/Application Support/Billie Supervisor/defaults.json"
	default:
		return "/etc/billie-supervisor/defaults.json"
	}
}

// producerZone is the producer's time zone, where the times it writes without one
// are read: BILLIE_PRODUCER_TZ, an IANA name, else UTC. A name that is no zone is
// reported and UTC used, so the window still opens.
func producerZone(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	zone, err := time.LoadLocation(name)
	if err != nil {
		log.Printf("billie-supervisor: BILLIE_PRODUCER_TZ: %v; reading times without a zone as UTC", err)
		return time.UTC
	}
	return zone
}

// envBool is the variable name as a boolean; anything but a true value (1, true)
// is false, so a typo never loosens a check.
func envBool(getenv func(string) string, name string) bool {
	v, err := strconv.ParseBool(getenv(name))
	if err != nil && getenv(name) != "" {
		log.Printf("billie-supervisor: %s=%q is not a boolean; taken as false", name, getenv(name))
	}
	return err == nil && v
}
