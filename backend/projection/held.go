package projection

import (
	"sort"
	"time"
)

// hold stores an assessment or a post where contract §3 puts it: on the application
// when the event or the conversation names one, else on the conversation until it
// learns its application number (Apply then moves it, see adoptHeld). Neither moves
// the application's update time: the customer portal shows it, and assessments and
// posts are internal (docs/api.md).
func (s *Snapshot) hold(c *Conversation, ref ids, at time.Time, put func(*map[string]*Assessment, *map[string]*Topic)) error {
	number := firstNonEmpty(ref.application, c.ApplicationNumber)
	if number == "" {
		put(&c.Assessments, &c.Noticeboard)
		return nil
	}
	app, err := s.application(number, at)
	if err != nil {
		return err
	}
	put(&app.Assessments, &app.Noticeboard)
	s.touchApplication(app, time.Time{})
	return nil
}

// adoptHeld moves what conversation c held while its application number was unknown
// onto the application, once the number is known.
func (s *Snapshot) adoptHeld(c *Conversation, at time.Time) error {
	if c.ApplicationNumber == "" || (len(c.Assessments) == 0 && len(c.Noticeboard) == 0) {
		return nil
	}
	app, err := s.application(c.ApplicationNumber, at)
	if err != nil {
		return err
	}
	MoveHeld(c, app)
	s.touchApplication(app, time.Time{})
	return nil
}

// MoveHeld merges the assessments and noticeboard c holds into app's and clears c's.
// The store's migration uses it too, so moved data merges as the reducer merges it.
func MoveHeld(c *Conversation, app *Application) {
	for _, a := range c.Assessments {
		recordAssessment(&app.Assessments, a, false)
	}
	for _, t := range c.Noticeboard {
		addPost(&app.Noticeboard, t, false)
	}
	c.Assessments, c.Noticeboard = nil, nil
}

// MergedAssessments is a's and b's assessments merged, without changing either: what
// a reader shows for a conversation that still holds some of its own.
func MergedAssessments(a, b map[string]*Assessment) map[string]*Assessment {
	out := map[string]*Assessment{}
	for _, m := range []map[string]*Assessment{a, b} {
		for _, x := range m {
			recordAssessment(&out, x, false)
		}
	}
	return out
}

// MergedNoticeboard is a's and b's topics merged, without changing either.
func MergedNoticeboard(a, b map[string]*Topic) map[string]*Topic {
	out := map[string]*Topic{}
	for _, m := range []map[string]*Topic{a, b} {
		for _, t := range m {
			addPost(&out, t, false)
		}
	}
	return out
}

// recordAssessment adds x (its latest value and history) to *m. Merged values are
// ordered by time, newest latest; on equal times the one recorded later wins.
// latest makes x the latest value whatever its time: the reducer's rule for a new
// event ("the latest event wins").
func recordAssessment(m *map[string]*Assessment, x *Assessment, latest bool) {
	if *m == nil {
		*m = map[string]*Assessment{}
	}
	cur := (*m)[x.Kind]
	if cur == nil {
		cp := *x
		cp.History = append([]AssessmentVersion(nil), x.History...)
		(*m)[x.Kind] = &cp
		return
	}
	if latest || (len(x.History) == 0 && !x.At.Before(cur.At)) {
		cur.History = append([]AssessmentVersion{{Value: cur.Value, At: cur.At}}, cur.History...)
		cur.Type, cur.Value, cur.At = x.Type, x.Value, x.At
		return
	}
	type version struct {
		AssessmentVersion
		typ string
	}
	all := []version{{AssessmentVersion{cur.Value, cur.At}, cur.Type}}
	for _, h := range cur.History {
		all = append(all, version{h, ""})
	}
	all = append(all, version{AssessmentVersion{x.Value, x.At}, x.Type})
	for _, h := range x.History {
		all = append(all, version{h, ""})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].At.After(all[j].At) })
	cur.Value, cur.At, cur.History = all[0].Value, all[0].At, nil
	if all[0].typ != "" {
		cur.Type = all[0].typ
	}
	for _, v := range all[1:] {
		cur.History = append(cur.History, v.AssessmentVersion)
	}
}

// addPost adds topic t's posts to *m, newest latest (t.Latest when latest is set).
func addPost(m *map[string]*Topic, t *Topic, latest bool) {
	if *m == nil {
		*m = map[string]*Topic{}
	}
	cur := (*m)[t.Topic]
	if cur == nil {
		(*m)[t.Topic] = &Topic{Topic: t.Topic, Latest: t.Latest, Earlier: append([]Post(nil), t.Earlier...)}
		return
	}
	if latest || (len(t.Earlier) == 0 && !t.Latest.At.Before(cur.Latest.At)) {
		cur.Earlier = append([]Post{cur.Latest}, cur.Earlier...)
		cur.Latest = t.Latest
		return
	}
	all := append(append([]Post{cur.Latest}, cur.Earlier...), t.Latest)
	all = append(all, t.Earlier...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].At.After(all[j].At) })
	cur.Latest, cur.Earlier = all[0], all[1:]
}

// Held is what a reader shows for conversation c: the assessments and noticeboard of
// its application (nil when unknown) merged with any c still holds itself.
func Held(c *Conversation, app *Application) (map[string]*Assessment, map[string]*Topic) {
	if app == nil {
		return MergedAssessments(c.Assessments, nil), MergedNoticeboard(c.Noticeboard, nil)
	}
	return MergedAssessments(app.Assessments, c.Assessments), MergedNoticeboard(app.Noticeboard, c.Noticeboard)
}
