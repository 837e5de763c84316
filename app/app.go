// Package app holds the object that the Wails window binds to.
//
// Exported methods on *App become callable from the frontend as
// window.go.app.App.<Method>() (see frontend/wailsjs/go/app/App.js).
package app

import "context"

// version is the application version; override at build time with
//
//	-ldflags "-X github.com/billie/supervisor/app.version=1.2.3"
var version = "0.1.0-dev"

// App is the Wails-bound application object.
type App struct {
	ctx context.Context
}

// New returns an App ready to be passed to wails.Run.
func New() *App { return &App{} }

// Startup is called by Wails when the window is created; ctx is the
// Wails runtime context (needed by runtime.EventsEmit and friends).
func (a *App) Startup(ctx context.Context) { a.ctx = ctx }

// Shutdown is called by Wails when the application is closing.
func (a *App) Shutdown(ctx context.Context) {}

// Version returns the application version.
func (a *App) Version() string { return version }
