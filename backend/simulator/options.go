package simulator

import (
	"errors"
	"fmt"
	"time"
)

// Options configure a Generator. The same Options (including Start) always
// produce the same entries in the same order.
type Options struct {
	Conversations int   // how many conversations to generate
	Seed          int64 // same seed and options give the same entries
	Messy         bool  // mix in producer quirks and a few broken events (see package doc)
	// Start anchors the timeline ("now"). The zero value means time.Now(),
	// which makes runs differ; pass an explicit time for reproducible output.
	Start time.Time
	// History spreads conversation starts back to Start-History; 0 means all
	// conversations start around Start. Starts are biased towards the recent
	// past so that, relative to Start, Active, Paused, Soft End and Hard End
	// conversations all occur once History exceeds a day.
	History time.Duration
	// Spread is how far after Start live conversations may start, for demo
	// pacing with PublishOptions.Live.
	Spread time.Duration
	Stream string // default stream key for Publish when its stream argument is empty
}

func (o Options) validate() error {
	switch {
	case o.Conversations < 0:
		return fmt.Errorf("conversations must not be negative, got %d", o.Conversations)
	case o.History < 0:
		return fmt.Errorf("history must not be negative, got %s", o.History)
	case o.Spread < 0:
		return fmt.Errorf("spread must not be negative, got %s", o.Spread)
	case o.Conversations > maxConversations:
		return errors.New("conversations must be at most 100,000,000")
	}
	return nil
}

// maxConversations keeps indexes comfortably inside int32 heap keys.
const maxConversations = 100_000_000

// Windows and shares of the start-time distribution. A few conversations
// start in the last minutes (still talking: Active), some in the last hour
// (abandoned ones are Paused or Soft End), the rest across History.
const (
	recentWindow = 8 * time.Minute
	pausedWindow = 45 * time.Minute
	liveShare    = 0.2  // of all starts, after Start, when both History and Spread are set
	recentShare  = 0.08 // of past starts
	pausedShare  = 0.12 // of past starts
)

// startOffset places a conversation's start relative to Start, in ms, from
// two uniform draws in [0,1).
func (o Options) startOffset(u1, u2 float64) int64 {
	hist, spread := o.History.Milliseconds(), o.Spread.Milliseconds()
	switch {
	case hist == 0 && spread == 0:
		return int64(u2 * float64(time.Minute.Milliseconds()))
	case hist == 0:
		return int64(u2 * float64(spread))
	case spread > 0 && u1 < liveShare:
		return int64(u2 * float64(spread))
	case spread > 0:
		u1 = (u1 - liveShare) / (1 - liveShare)
	}
	recent, paused := recentWindow.Milliseconds(), pausedWindow.Milliseconds()
	switch {
	case hist <= paused:
		return -int64(u2 * float64(hist))
	case u1 < recentShare:
		return -int64(u2 * float64(recent))
	case u1 < recentShare+pausedShare:
		return -recent - int64(u2*float64(paused-recent))
	default:
		return -paused - int64(u2*float64(hist-paused))
	}
}
