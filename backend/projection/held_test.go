package projection_test

import (
	"testing"

	"github.com/billie/supervisor/backend/projection"
)

// Assessments and noticeboard posts belong to the application (contract §3): a second
// conversation about the same application shows the first's.
func TestAssessmentsBelongToTheApplication(t *testing.T) {
	m := newStore()
	res := m.batch(t,
		ev("identityRisk_assessment", "1", obj{"decision": "PASS"}),
		ev("noticeboard_updated", "2", obj{"agent_name": "a::Identity Check", "post": "p1"}),
		ev("conversation_started", "3", obj{}, "cid", "conv-2"),
		ev("serviceability_assessment_results", "4", obj{"surplus": 2}, "cid", "conv-2"),
	)
	wantOutcomes(t, res, projection.Applied, projection.Applied, projection.Applied, projection.Applied)
	if c := m.conv(t, "conv-1"); len(c.Assessments) != 0 || len(c.Noticeboard) != 0 {
		t.Errorf("conv-1 holds %v / %v, want them on the application", c.Assessments, c.Noticeboard)
	}
	app := m.app(t, "APP-1")
	if len(app.Assessments) != 2 || app.Noticeboard["Identity Check"] == nil {
		t.Errorf("application holds %v / %v", app.Assessments, app.Noticeboard)
	}
	// Internal: the portal's update time stays the application's creation.
	if !app.UpdatedAt.Equal(at(1)) {
		t.Errorf("application updated at %v, want %v", app.UpdatedAt, at(1))
	}
	for _, id := range []string{"conv-1", "conv-2"} {
		h := m.held(t, id)
		if h.Assessments["identityRisk"] == nil || h.Assessments["serviceability"] == nil || h.Noticeboard["Identity Check"] == nil {
			t.Errorf("%s shows %v / %v", id, h.Assessments, h.Noticeboard)
		}
	}
}

// A conversation holds what arrives before its application number, and hands it to
// the application once the number is known, merged in time order.
func TestHeldUntilTheApplicationIsKnown(t *testing.T) {
	m := newStore()
	res := m.batch(t,
		ev("serviceability_assessment_results", "1", obj{"surplus": 1}, "aid", "\x00", "cid", "conv-9"),
		ev("noticeboard_updated", "2", obj{"agent_name": "a::T", "post": "early"}, "aid", "\x00", "cid", "conv-9"),
		ev("serviceability_assessment_results", "3", obj{"surplus": 3}, "cid", "conv-0"),
	)
	wantOutcomes(t, res, projection.Applied, projection.Applied, projection.Applied)
	if c := m.conv(t, "conv-9"); c.Assessments["serviceability"] == nil || c.Noticeboard["T"] == nil {
		t.Fatalf("conv-9 holds %v / %v before its application is known", c.Assessments, c.Noticeboard)
	}
	res = m.batch(t, ev("applicationDetail_changed", "4", obj{"applicationNumber": "APP-1"}, "aid", "\x00", "cid", "conv-9"))
	wantOutcomes(t, res, projection.Applied)
	if c := m.conv(t, "conv-9"); len(c.Assessments) != 0 || len(c.Noticeboard) != 0 {
		t.Errorf("conv-9 still holds %v / %v", c.Assessments, c.Noticeboard)
	}
	sv := m.app(t, "APP-1").Assessments["serviceability"]
	if sv == nil || sv.Value["surplus"] != 3.0 || len(sv.History) != 1 || sv.History[0].Value["surplus"] != 1.0 {
		t.Errorf("serviceability = %+v", sv)
	}
	if tp := m.held(t, "conv-0").Noticeboard["T"]; tp == nil || tp.Latest.Text != "early" {
		t.Errorf("conv-0 shows topic %+v", tp)
	}
}
