package customerapi

import (
	"context"

	"github.com/billie/supervisor/backend/store"
)

// Reader reads the customer-portal read models (store.PortalReader). Every method is
// scoped by the customer id: no query of this package can return another customer's
// row. Documents are returned as stored (the JSON of projection.PortalApplication and
// projection.PortalConversation), and written to clients without re-encoding.
type Reader interface {
	// Applications are the customer's applications, newest update first (ties by id),
	// after the given position when after is not nil, at most limit of them.
	Applications(ctx context.Context, customerID string, after *store.PortalPosition, limit int) ([]store.PortalRow, error)
	// Application is one of the customer's applications; nil when they have none by that id.
	Application(ctx context.Context, customerID, applicationID string) ([]byte, error)
	// Conversations are the customer's conversations, newest start first (ties by id).
	Conversations(ctx context.Context, customerID string, after *store.PortalPosition, limit int) ([]store.PortalRow, error)
	// Search finds the customer's applications whose id, status or current stage, and
	// conversations whose application id, purpose, status or last message contain q
	// (case-insensitive for ASCII), each newest first, at most limit of each.
	Search(ctx context.Context, customerID, q string, limit int) (apps, convs []store.PortalRow, err error)
}
