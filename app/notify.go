package app

// Desktop notifications through Wails's notification service (Wails v2.16:
// org.freedesktop.Notifications over D-Bus on Linux, toast notifications on Windows,
// the user notification center on macOS for a signed bundle). The window decides what
// to notify and when (frontend/src/domain/notifyPlan.ts); this only delivers, and says
// when it could not, so the window shows its own toast instead.

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// notifier delivers desktop notifications.
type notifier interface {
	// send shows n; an error means it was not shown.
	send(n DesktopNotification) error
}

// Notify shows a desktop notification for the signed-in supervisor. It answers false
// when the desktop could not show it (no notification service, permission refused),
// and the window then shows it itself.
func (a *App) Notify(n DesktopNotification) (bool, error) {
	if a.sessions == nil {
		return false, a.openErr
	}
	if _, err := a.session(); err != nil {
		return false, err
	}
	if a.opts.notifier == nil {
		return false, nil
	}
	if err := a.opts.notifier.send(n); err != nil {
		a.log.Info("desktop notification not shown; the window shows it", "err", err)
		return false, nil
	}
	return true, nil
}

// wailsNotifier sends through the Wails runtime of ctx. The service starts at the
// first notification, so a supervisor who never opts in never touches it.
type wailsNotifier struct {
	ctx  context.Context
	emit func(string, any)
	log  *slog.Logger

	once    sync.Once
	initErr error
}

func (w *wailsNotifier) start() error {
	w.once.Do(func() {
		if !runtime.IsNotificationAvailable(w.ctx) {
			w.initErr = errors.New("no notification service on this desktop")
			return
		}
		if err := runtime.InitializeNotifications(w.ctx); err != nil {
			w.initErr = err
			return
		}
		// macOS asks the user once; elsewhere this is always granted.
		ok, err := runtime.RequestNotificationAuthorization(w.ctx)
		if err != nil || !ok {
			w.initErr = errors.Join(errors.New("notifications are not allowed for Billie Supervisor"), err)
			return
		}
		runtime.OnNotificationResponse(w.ctx, func(r runtime.NotificationResult) {
			if r.Error != nil {
				w.log.Info("notification response", "err", r.Error)
				return
			}
			id, _ := r.Response.UserInfo["conversationId"].(string)
			runtime.WindowShow(w.ctx)
			w.emit(EventNotificationOpen, id)
		})
	})
	return w.initErr
}

func (w *wailsNotifier) send(n DesktopNotification) error {
	if err := w.start(); err != nil {
		return err
	}
	id := "billie-attention"
	if n.ConversationID != "" {
		id += "-" + n.ConversationID
	}
	return runtime.SendNotification(w.ctx, runtime.NotificationOptions{ID: id, Title: n.Title, Body: n.Body,
		Data: map[string]any{"conversationId": n.ConversationID}})
}
