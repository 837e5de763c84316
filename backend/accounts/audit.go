package accounts

import (
	"context"
	"fmt"
)

// Auditor records who did what to which account (the operations store's audit log
// implements it). Details name roles and outcomes, never a password.
type Auditor interface {
	Record(ctx context.Context, actor, action, target, detail string) error
}

// The actions the Service records.
const (
	AuditCreate   = "user.create"
	AuditDisable  = "user.disable"
	AuditEnable   = "user.enable"
	AuditRole     = "user.role"
	AuditPassword = "user.password"
	AuditUnlock   = "signin.unlock"
)

// UnknownActor is the actor recorded for a change made with no actor in its context.
const UnknownActor = "unknown"

type actorKey struct{}

// WithActor is ctx saying who acts: an admin's email (package web sets it for every
// signed-in request), or cli:<os user> for the command line.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorOf is the actor WithActor put in ctx, UnknownActor when none.
func ActorOf(ctx context.Context) string {
	if a, _ := ctx.Value(actorKey{}).(string); a != "" {
		return a
	}
	return UnknownActor
}

// audit records one change made by ctx's actor. The change is done by then: a
// failure says so, so that the caller neither retries blindly nor hides it.
func (s *Service) audit(ctx context.Context, action, target, detail string) error {
	if s.o.Audit == nil {
		return nil
	}
	if err := s.o.Audit.Record(ctx, ActorOf(ctx), action, target, detail); err != nil {
		s.log.Error("audit entry not recorded", "action", action, "target", target, "err", err)
		return fmt.Errorf("%s of %s done, but not recorded in the audit log: %w", action, target, err)
	}
	return nil
}

// auditPatch records each change p made to u.
func (s *Service) auditPatch(ctx context.Context, u User, p Patch) error {
	if p.Disabled != nil {
		action := AuditEnable
		if *p.Disabled {
			action = AuditDisable
		}
		if err := s.audit(ctx, action, u.Email, ""); err != nil {
			return err
		}
	}
	if p.Role != nil {
		if err := s.audit(ctx, AuditRole, u.Email, "role "+u.Role); err != nil {
			return err
		}
	}
	if p.Password != nil {
		if err := s.audit(ctx, AuditPassword, u.Email, "sessions ended"); err != nil {
			return err
		}
	}
	return nil
}

// UnlockAudited is Unlock recorded in the audit log as ctx's actor's.
func (s *Service) UnlockAudited(ctx context.Context, email string) (bool, error) {
	unlocked := s.Unlock(email)
	return unlocked, s.audit(ctx, AuditUnlock, NormalizeEmail(email), unlockDetail(unlocked))
}

func unlockDetail(unlocked bool) string {
	if unlocked {
		return "failed sign-ins forgotten"
	}
	return "no failed sign-ins"
}
