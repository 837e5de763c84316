package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ListUsers lists supervisor accounts (admins only; the backend decides).
func (a *App) ListUsers() ([]User, error) {
	users := []User{}
	if err := a.admin(http.MethodGet, "/api/admin/users", nil, &users); err != nil {
		return nil, err
	}
	return users, nil
}

// CreateUser creates a supervisor account.
func (a *App) CreateUser(u NewUser) (User, error) {
	var out User
	u.Email, u.Name = strings.TrimSpace(u.Email), strings.TrimSpace(u.Name)
	err := a.admin(http.MethodPost, "/api/admin/users", u, &out)
	return out, err
}

// UpdateUser changes an account's role, disabled flag or password.
func (a *App) UpdateUser(id int64, patch UserPatch) (User, error) {
	var out User
	err := a.admin(http.MethodPatch, fmt.Sprintf("/api/admin/users/%d", id), patch, &out)
	return out, err
}

// errUsersForbidden is a supervisor's answer to the user administration.
var errUsersForbidden = errors.New("Only administrators can manage users")

// admin proxies one user-administration call (see adminCall).
func (a *App) admin(method, path string, in, out any) error {
	return a.adminCall(method, path, in, out, errUsersForbidden)
}

// adminCall proxies one admin API call with the session's token. A token the backend
// no longer accepts ends the local session too; a 403 answers forbidden.
func (a *App) adminCall(method, path string, in, out any, forbidden error) error {
	sess, err := a.session()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(a.baseContext(), requestTimeout)
	defer cancel()
	err = a.backend().authed(ctx, sess, method, path, in, out)
	var api *apiError
	if errors.As(err, &api) {
		switch api.Status {
		case http.StatusUnauthorized:
			if ferr := a.sessions.forget(); ferr != nil {
				a.log.Warn("could not delete the session", "err", ferr)
			}
			return errSessionExpired
		case http.StatusForbidden:
			return forbidden
		}
	}
	return err
}
