package projection

import (
	"strings"
	"time"
)

// Status is what a supervisor sees on a conversation's badge.
type Status string

const (
	StatusActive   Status = "Active"
	StatusPaused   Status = "Paused"
	StatusSoftEnd  Status = "Soft End"
	StatusHardEnd  Status = "Hard End"
	StatusEnded    Status = "Ended"
	StatusApproved Status = "Approved"
	StatusDeclined Status = "Declined"
)

// Statuses lists every status in the order a filter offers them.
var Statuses = []Status{StatusActive, StatusPaused, StatusSoftEnd, StatusHardEnd, StatusEnded, StatusApproved, StatusDeclined}

// Thresholds are the idle times after which a conversation counts as paused, softly
// ended and hard ended. They are configuration.
type Thresholds struct {
	Paused  time.Duration `json:"paused"`
	SoftEnd time.Duration `json:"softEnd"`
	HardEnd time.Duration `json:"hardEnd"`
}

// DefaultThresholds are the contract's defaults.
var DefaultThresholds = Thresholds{Paused: 3 * time.Minute, SoftEnd: 20 * time.Minute, HardEnd: 24 * time.Hour}

// StatusInputs are the stored facts a status depends on besides the clock.
type StatusInputs struct {
	Decision      string
	Ended         bool
	LastMessageAt time.Time // zero when there is no message: the start time counts then
	StartedAt     time.Time
}

// StatusAt is the status shown at now. It is computed when read because it depends on
// the clock; store queries that filter by status must use the same rules (see
// supervisor.StatusFilter, which is tested against this function).
func StatusAt(in StatusInputs, now time.Time, th Thresholds) Status {
	switch strings.ToUpper(in.Decision) {
	case "APPROVED":
		return StatusApproved
	case "DECLINED":
		return StatusDeclined
	}
	if in.Ended {
		return StatusEnded
	}
	last := in.LastMessageAt
	if last.IsZero() {
		last = in.StartedAt
	}
	idle := now.Sub(last)
	switch {
	case idle > th.HardEnd:
		return StatusHardEnd
	case idle > th.SoftEnd:
		return StatusSoftEnd
	case idle > th.Paused:
		return StatusPaused
	}
	return StatusActive
}

// StatusInputs returns what StatusAt needs from c.
func (c *Conversation) StatusInputs() StatusInputs {
	return StatusInputs{Decision: c.Decision, Ended: !c.EndedAt.IsZero(), LastMessageAt: c.LastMessageAt, StartedAt: c.StartedAt}
}

// DisplayName is first + middle + last, else the preferred name.
func DisplayName(profile map[string]any) string {
	var parts []string
	for _, k := range []string{"first_name", "middle_name", "last_name"} {
		if s := Text(profile, k); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, " ")
	}
	return Text(profile, "preferred_name")
}

// Email is the customer's email address.
func (c *Customer) Email() string { return Text(c.Profile, "email_address") }

// Name is the customer's display name.
func (c *Customer) Name() string { return DisplayName(c.Profile) }

// FormatAddress is the one-line form of an address: its full_address when the producer
// sent one, else one built from its parts.
func FormatAddress(a map[string]any) string {
	if full := Text(a, "full_address"); full != "" {
		return full
	}
	var street []string
	if u := Text(a, "unit_number"); u != "" {
		street = append(street, "Unit "+u+",")
	}
	for _, k := range []string{"building_name", "floor_number"} {
		if s := Text(a, k); s != "" {
			street = append(street, s+",")
		}
	}
	for _, k := range []string{"street_number", "street_name", "street_type"} {
		if s := Text(a, k); s != "" {
			street = append(street, s)
		}
	}
	var place []string
	for _, k := range []string{"suburb", "state", "postcode"} {
		if s := Text(a, k); s != "" {
			place = append(place, s)
		}
	}
	var lines []string
	for _, l := range []string{strings.Join(street, " "), strings.Join(place, " "), Text(a, "country")} {
		if l = strings.TrimSuffix(strings.TrimSpace(l), ","); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, ", ")
}

// DocumentExpired reports whether an identity document's expiry date has passed at now.
func DocumentExpired(doc map[string]any, now time.Time) bool {
	exp, err := time.Parse("2006-01-02", Text(doc, "expiry_date"))
	if err != nil {
		return false
	}
	return !now.Before(exp.AddDate(0, 0, 1))
}
