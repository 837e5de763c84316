package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store"
)

var errNotFound = errors.New("not found")

func runInspect(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg config
	fs := newFlags("inspect", &cfg)
	raw := fs.Bool("raw", false, "with conversation: include the archived raw events")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return errors.New("usage: backend inspect conversation|customer|application ID")
	}
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	kind, id := fs.Arg(0), fs.Arg(1)
	var v any
	switch kind {
	case "conversation":
		v, err = inspectConversation(ctx, st, id, *raw)
	case "customer":
		v, err = inspectCustomer(ctx, st, id)
	case "application":
		v, err = inspectApplication(ctx, st, id)
	default:
		return fmt.Errorf("inspect %q: want conversation, customer or application", kind)
	}
	if err != nil {
		return fmt.Errorf("inspect %s %s: %w", kind, id, err)
	}
	return printJSON(stdout, v)
}

func inspectConversation(ctx context.Context, st *store.Store, id string, raw bool) (any, error) {
	c, err := st.Conversation(ctx, id)
	if err != nil || c == nil {
		return nil, orNotFound(err)
	}
	msgs, err := st.Messages(ctx, id)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"conversation": c, "messages": msgs, "portal": projection.PortalConversationOf(c)}
	if raw {
		events, err := st.RawEvents(ctx, id)
		if err != nil {
			return nil, err
		}
		out["rawEvents"] = events
	}
	return out, nil
}

func inspectCustomer(ctx context.Context, st *store.Store, id string) (any, error) {
	c, err := st.Customer(ctx, id)
	if err != nil || c == nil {
		return nil, orNotFound(err)
	}
	return map[string]any{"customer": c, "name": c.Name(), "email": c.Email()}, nil
}

func inspectApplication(ctx context.Context, st *store.Store, number string) (any, error) {
	a, err := st.Application(ctx, number)
	if err != nil || a == nil {
		return nil, orNotFound(err)
	}
	var cust *projection.Customer
	if a.CustomerID != "" {
		if cust, err = st.Customer(ctx, a.CustomerID); err != nil {
			return nil, err
		}
	}
	return map[string]any{"application": a, "portal": projection.PortalApplicationOf(a, cust)}, nil
}

func orNotFound(err error) error {
	if err != nil {
		return err
	}
	return errNotFound
}
