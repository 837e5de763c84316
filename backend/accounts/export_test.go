package accounts

import "time"

// What the tests of package accounts_test (which use the real store, and so cannot be
// inside this package) look at.

func (s *Service) DummyHash() string { return s.dummyHash }

func (s *Service) ThrottleState(email, from string) (delay, locked time.Duration) {
	return s.throttle.state(email, from)
}
