package projection

// Outcome is what became of one ledger entry. Apply gives the first four; the store
// gives the last two, for entries it never hands to Apply.
type Outcome int

const (
	Applied           Outcome = iota // the read models changed
	SkippedOtherAgent                // another agent's event: acknowledged, counted, not projected
	Duplicate                        // a re-published logical event already applied
	Unhandled                        // a broker type we do not know: kept in the raw log, counted
	DeadLettered                     // bad input: sent to the dead-letter stream
	Redelivered                      // an entry already handled, delivered again: changes nothing
)

// Outcomes lists every outcome, in the order reports show them.
func Outcomes() []Outcome {
	return []Outcome{Applied, SkippedOtherAgent, Duplicate, Unhandled, DeadLettered, Redelivered}
}

// String is the outcome's one spelling, as metrics and logs show it.
func (o Outcome) String() string {
	switch o {
	case Applied:
		return "applied"
	case SkippedOtherAgent:
		return "skipped_other_agent"
	case Duplicate:
		return "duplicate"
	case Unhandled:
		return "unhandled"
	case DeadLettered:
		return "dead_lettered"
	case Redelivered:
		return "redelivered"
	}
	return "unknown"
}
