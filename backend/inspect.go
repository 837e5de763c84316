package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/billie/supervisor/backend/projection"
	"github.com/billie/supervisor/backend/store"
)

var errNotFound = errors.New("not found")

// inspectKinds are what inspect prints, in the order help lists them.
var inspectKinds = []string{"conversation", "customer", "application"}

func newInspectCmd(cfg *config) *cobra.Command {
	var raw bool
	cmd := &cobra.Command{
		Use:   "inspect conversation|customer|application ID",
		Short: "Print a projected conversation, customer or application as JSON",
		Long: `Print a projected record of --db as JSON: a conversation with its messages and portal
view (--raw adds the archived raw events), a customer, or an application (APP-...) with
its portal view.`,
		Example: "  backend inspect conversation conv-7f3a91 --raw\n  backend inspect application APP-1042",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return errors.New("usage: backend inspect conversation|customer|application ID")
			}
			return nil
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return inspectKinds, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInspect(cmd.Context(), cfg, args[0], args[1], raw, cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&raw, "raw", false, "with conversation: include the archived raw events")
	return cmd
}

func runInspect(ctx context.Context, cfg *config, kind, id string, raw bool, stdout io.Writer) error {
	if !slices.Contains(inspectKinds, kind) {
		return fmt.Errorf("inspect %q: want conversation, customer or application", kind)
	}
	st, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var v any
	switch kind {
	case "conversation":
		v, err = inspectConversation(ctx, st, id, raw)
	case "customer":
		v, err = inspectCustomer(ctx, st, id)
	case "application":
		v, err = inspectApplication(ctx, st, id)
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
	var app *projection.Application
	if c.ApplicationNumber != "" {
		if app, err = st.Application(ctx, c.ApplicationNumber); err != nil {
			return nil, err
		}
	}
	// Assessments and the noticeboard belong to the application: show its, merged with
	// any the conversation holds from before it knew the application number.
	as, nb := projection.Held(c, app)
	out := map[string]any{"conversation": c, "messages": msgs, "portal": projection.PortalConversationOf(c),
		"assessments": as, "noticeboard": nb}
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
