package main

import (
	"context"
	"log/slog"
)

// logAuditor keeps the audit log as log lines (level info, message "audit"), for as
// long as the backend has no audit table: the dead-letter service records every retry
// and drop through it. Details hold no tax values (the recorders' rule).
type logAuditor struct{ log *slog.Logger }

func newAuditor(log *slog.Logger) logAuditor { return logAuditor{log: log} }

// Record logs one audit record.
func (a logAuditor) Record(ctx context.Context, actor, action, target, detail string) error {
	a.log.InfoContext(ctx, "audit", "actor", actor, "action", action, "target", target, "detail", detail)
	return nil
}
