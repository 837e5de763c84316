package projection_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
)

type (
	obj  = map[string]any
	list = []any
)

// t0 is the time of the rule tests' events: an entry with seq n has tsp t0 + n seconds.
var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func ts(sec int) string { return t0.Add(time.Duration(sec) * time.Second).Format(time.RFC3339Nano) }

func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

// ev builds the fields of a broker entry on conv-1 / APP-1 / cust-1. dat is used as
// is when it is a string and JSON-encoded otherwise (nil leaves dat out). kv
// overrides fields; a value of "\x00" removes the field.
func ev(typ, seq string, dat any, kv ...string) map[string]string {
	f := map[string]string{
		"agt": "broker", "typ": typ, "cid": "conv-1", "aid": "APP-1", "uid": "cust-1",
		"seq": seq, "tsp": ts(0),
	}
	if n, err := strconv.Atoi(seq); err == nil {
		f["tsp"] = ts(n)
	}
	switch d := dat.(type) {
	case nil:
	case string:
		f["dat"] = d
	default:
		b, err := json.Marshal(d)
		if err != nil {
			panic(err)
		}
		f["dat"] = string(b)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "\x00" {
			delete(f, kv[i])
		} else {
			f[kv[i]] = kv[i+1]
		}
	}
	return f
}

// memStore is a map-backed projection.Source that persists a batch's Changes the way
// a database does: as JSON documents, decoded afresh on every load.
type memStore struct {
	conversations map[string][]byte
	applications  map[string][]byte
	customers     map[string][]byte
	messages      [][]byte
	portal        map[string][]byte
	fail          error // every load fails with it when set
	nextID        int
	outcomes      map[projection.Outcome]int
	dead          int
}

func newStore() *memStore {
	return &memStore{
		conversations: map[string][]byte{}, applications: map[string][]byte{},
		customers: map[string][]byte{}, portal: map[string][]byte{},
		outcomes: map[projection.Outcome]int{},
	}
}

func load[T any](m *memStore, docs map[string][]byte, key string) (*T, error) {
	if m.fail != nil {
		return nil, m.fail
	}
	b, ok := docs[key]
	if !ok {
		return nil, nil
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, err
	}
	return v, nil
}

func (m *memStore) Conversation(id string) (*projection.Conversation, error) {
	return load[projection.Conversation](m, m.conversations, id)
}

func (m *memStore) Application(n string) (*projection.Application, error) {
	return load[projection.Application](m, m.applications, n)
}

func (m *memStore) Customer(id string) (*projection.Customer, error) {
	return load[projection.Customer](m, m.customers, id)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	return b
}

// result is what happened to one entry: Decode or Apply's error, else Apply's outcome.
type result struct {
	out projection.Outcome
	err error
}

// nextStreamID is the stream ID of the next entry: 1732451234567-N.
func (m *memStore) nextStreamID() string {
	id := fmt.Sprintf("1732451234567-%d", m.nextID)
	m.nextID++
	return id
}

// batch decodes and applies entries in one Snapshot and persists its Changes and
// portal rows. Bad input is counted as dead; any other error fails the test.
func (m *memStore) batch(t testing.TB, entries ...map[string]string) []result {
	t.Helper()
	s := projection.NewSnapshot(m)
	res := make([]result, len(entries))
	for i, f := range entries {
		e, err := ledger.Decode(m.nextStreamID(), f, nil)
		if err == nil {
			res[i].out, err = s.Apply(e)
		}
		res[i].err = err
		switch {
		case err == nil:
			m.outcomes[res[i].out]++
		case ledger.IsBadInput(err):
			m.dead++
		default:
			t.Fatalf("entry %d: %v is not bad input", i, err)
		}
	}
	m.persist(t, s)
	return res
}

// each applies every entry in a batch of its own.
func (m *memStore) each(t testing.TB, entries ...map[string]string) []result {
	t.Helper()
	var res []result
	for _, e := range entries {
		res = append(res, m.batch(t, e)...)
	}
	return res
}

func (m *memStore) persist(t testing.TB, s *projection.Snapshot) {
	t.Helper()
	ch := s.Changes()
	for _, c := range ch.Conversations {
		m.conversations[c.ID] = mustJSON(t, c)
	}
	for _, a := range ch.Applications {
		m.applications[a.Number] = mustJSON(t, a)
	}
	for _, c := range ch.Customers {
		m.customers[c.ID] = mustJSON(t, c)
	}
	for _, msg := range ch.Messages {
		m.messages = append(m.messages, mustJSON(t, msg))
	}
	rows, err := s.PortalApplications()
	if err != nil {
		t.Fatalf("PortalApplications: %v", err)
	}
	for _, r := range rows {
		m.portal[r.ApplicationID] = mustJSON(t, r)
	}
}

func (m *memStore) conv(t testing.TB, id string) *projection.Conversation {
	t.Helper()
	c, err := m.Conversation(id)
	if err != nil || c == nil {
		t.Fatalf("conversation %s: %v, %v", id, c, err)
	}
	return c
}

// heldView is what a reader shows of a conversation's assessments and noticeboard.
type heldView struct {
	Assessments map[string]*projection.Assessment
	Noticeboard map[string]*projection.Topic
}

// held reads conversation id's assessments and noticeboard as readers do: its
// application's merged with any it still holds.
func (m *memStore) held(t testing.TB, id string) heldView {
	t.Helper()
	c := m.conv(t, id)
	var app *projection.Application
	if c.ApplicationNumber != "" {
		var err error
		if app, err = m.Application(c.ApplicationNumber); err != nil {
			t.Fatal(err)
		}
	}
	a, n := projection.Held(c, app)
	return heldView{a, n}
}

func (m *memStore) app(t testing.TB, n string) *projection.Application {
	t.Helper()
	a, err := m.Application(n)
	if err != nil || a == nil {
		t.Fatalf("application %s: %v, %v", n, a, err)
	}
	return a
}

func (m *memStore) cust(t testing.TB, id string) *projection.Customer {
	t.Helper()
	c, err := m.Customer(id)
	if err != nil || c == nil {
		t.Fatalf("customer %s: %v, %v", id, c, err)
	}
	return c
}

func (m *memStore) msgs(t testing.TB, cid string) []projection.Message {
	t.Helper()
	var out []projection.Message
	for _, b := range m.messages {
		var msg projection.Message
		if err := json.Unmarshal(b, &msg); err != nil {
			t.Fatal(err)
		}
		if msg.ConversationID == cid {
			out = append(out, msg)
		}
	}
	return out
}

func (m *memStore) portalRow(t testing.TB, n string) projection.PortalApplication {
	t.Helper()
	b, ok := m.portal[n]
	if !ok {
		t.Fatalf("no portal row for %s", n)
	}
	var r projection.PortalApplication
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// dump is every stored record as one JSON document.
func (m *memStore) dump(t testing.TB) string {
	t.Helper()
	raw := func(docs map[string][]byte) map[string]json.RawMessage {
		out := map[string]json.RawMessage{}
		for k, v := range docs {
			out[k] = v
		}
		return out
	}
	var msgs []json.RawMessage
	for _, b := range m.messages {
		msgs = append(msgs, b)
	}
	return string(mustJSON(t, map[string]any{
		"conversations": raw(m.conversations), "applications": raw(m.applications),
		"customers": raw(m.customers), "messages": msgs, "portal": raw(m.portal),
	}))
}

func wantOutcomes(t testing.TB, res []result, want ...projection.Outcome) {
	t.Helper()
	if len(res) != len(want) {
		t.Fatalf("%d results, want %d", len(res), len(want))
	}
	for i, r := range res {
		if r.err != nil {
			t.Errorf("entry %d: %v, want %v", i, r.err, want[i])
		} else if r.out != want[i] {
			t.Errorf("entry %d: %v, want %v", i, r.out, want[i])
		}
	}
}

func wantBadInput(t testing.TB, r result) {
	t.Helper()
	var le *ledger.Error
	if !errors.As(r.err, &le) {
		t.Fatalf("result %v, %v (%T); want a *ledger.Error", r.out, r.err, r.err)
	}
}

// ---------------------------------------------------------------------------------
// The conversation-approved fixture end to end.

func loadFixture(t testing.TB) []map[string]string {
	t.Helper()
	fh, err := os.Open("testdata/conversation-approved.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var entries []map[string]string
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var f map[string]string
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, f)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return entries
}

// fixtureWant is conversation-approved.expected.json.
type fixtureWant struct {
	Events struct {
		Total             int
		Projected         int
		SkippedOtherAgent int `json:"skipped_other_agent"`
		DeadLettered      int `json:"dead_lettered"`
	}
	Conversation struct {
		ID                string
		ApplicationNumber string    `json:"application_number"`
		CustomerID        string    `json:"customer_id"`
		StartedAt         time.Time `json:"started_at"`
		LastMessageAt     time.Time `json:"last_message_at"`
		Messages          int
		FirstMessage      struct {
			Sender string
			Seq    int64
		} `json:"first_message"`
		LastMessage struct {
			Sender string
			Seq    int64
			Text   string
		} `json:"last_message"`
		CustomerMessages  int    `json:"customer_messages"`
		AssistantMessages int    `json:"assistant_messages"`
		Ended             bool   `json:"ended"`
		FinalDecision     string `json:"final_decision"`
		StatusShown       string `json:"status_shown"`
		Purpose           string
		Facts             int
	}
	Customer struct {
		ID                 string
		FullName           string            `json:"full_name"`
		Email              string            `json:"email"`
		Mobile             string            `json:"mobile"`
		DateOfBirth        string            `json:"date_of_birth"`
		ResidentialAddress map[string]string `json:"residential_address"`
		IdentityDocuments  []struct {
			DocumentType   string `json:"document_type"`
			DocumentNumber string `json:"document_number"`
			ExpiryDate     string `json:"expiry_date"`
			Expired        bool   `json:"expired"`
		} `json:"identity_documents"`
		NeverStored []string `json:"never_stored"`
	}
	Application struct {
		Number           string
		LoanPurpose      string  `json:"loan_purpose"`
		LoanAmount       float64 `json:"loan_amount"`
		LoanFee          float64 `json:"loan_fee"`
		LoanTotalPayable float64 `json:"loan_total_payable"`
		LoanTermDays     float64 `json:"loan_term_days"`
		Outcome          string
		CurrentStage     string `json:"current_stage"`
		Stages           int
		StagesComplete   int            `json:"stages_complete"`
		Assessments      map[string]obj `json:"assessments"`
		Noticeboard      map[string]struct {
			Latest          string
			EarlierVersions int `json:"earlier_versions"`
		}
	}
	CustomerPortal struct {
		Application struct {
			Status             string
			ProgressPercentage int     `json:"progress_percentage"`
			CurrentStage       string  `json:"current_stage"`
			LoanAmount         float64 `json:"loan_amount"`
			LoanFee            float64 `json:"loan_fee"`
			LoanTotalPayable   float64 `json:"loan_total_payable"`
			CustomerName       string  `json:"customer_name"`
			CustomerEmail      string  `json:"customer_email"`
		}
		Conversation struct {
			Status       string
			MessageCount int `json:"message_count"`
			Purpose      string
			LastMessage  string `json:"last_message"`
		}
		MustNotContain []string `json:"must_not_contain"`
	} `json:"customer_portal"`
}

func loadWant(t testing.TB) fixtureWant {
	t.Helper()
	b, err := os.ReadFile("testdata/conversation-approved.expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var w fixtureWant
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	if w.Conversation.ID == "" || w.Events.Total == 0 || w.Customer.FullName == "" {
		t.Fatalf("expected.json did not decode: %+v", w)
	}
	return w
}

// runFixture applies the fixture in batches of size n (0 = all in one) to a new store.
func runFixture(t testing.TB, entries []map[string]string, n int) *memStore {
	t.Helper()
	m := newStore()
	if n <= 0 {
		n = len(entries)
	}
	for chunk := range slices.Chunk(entries, n) {
		m.batch(t, chunk...)
	}
	return m
}

func TestFixtureEndToEnd(t *testing.T) {
	entries := loadFixture(t)
	want := loadWant(t)
	m := runFixture(t, entries, 0)
	checkFixture(t, m, want, entries)
}

func TestFixtureInBatches(t *testing.T) {
	entries := loadFixture(t)
	want := loadWant(t)
	ref := runFixture(t, entries, 0).dump(t)
	for _, n := range []int{1, 3, 7, len(entries)} {
		t.Run(fmt.Sprintf("batches of %d", n), func(t *testing.T) {
			m := runFixture(t, entries, n)
			checkFixture(t, m, want, entries)
			if got := m.dump(t); got != ref {
				t.Errorf("state after batches of %d differs from one batch:\n got %s\nwant %s", n, got, ref)
			}
		})
	}
}

// TestFixtureRepublished re-publishes every fixture entry under new stream IDs: the
// logical events are applied once, so nothing changes.
func TestFixtureRepublished(t *testing.T) {
	entries := loadFixture(t)
	m := runFixture(t, entries, 5)
	before := m.dump(t)
	res := m.batch(t, entries...)
	for i, r := range res {
		want := projection.Duplicate
		if entries[i]["agt"] != "broker" {
			want = projection.SkippedOtherAgent
		}
		if r.err != nil || r.out != want {
			t.Errorf("entry %d (%s seq %s): %v, %v; want %v", i, entries[i]["typ"], entries[i]["seq"], r.out, r.err, want)
		}
	}
	if after := m.dump(t); after != before {
		t.Errorf("re-published events changed the state:\n got %s\nwant %s", after, before)
	}
}

func checkFixture(t *testing.T, m *memStore, w fixtureWant, entries []map[string]string) {
	t.Helper()
	// Events.
	if len(entries) != w.Events.Total {
		t.Errorf("fixture has %d entries, expected.json says %d", len(entries), w.Events.Total)
	}
	if got := m.outcomes[projection.Applied]; got != w.Events.Projected {
		t.Errorf("applied %d, want %d", got, w.Events.Projected)
	}
	if got := m.outcomes[projection.SkippedOtherAgent]; got != w.Events.SkippedOtherAgent {
		t.Errorf("skipped %d, want %d", got, w.Events.SkippedOtherAgent)
	}
	if m.dead != w.Events.DeadLettered || m.outcomes[projection.Duplicate] != 0 || m.outcomes[projection.Unhandled] != 0 {
		t.Errorf("dead %d, duplicate %d, unhandled %d; want %d, 0, 0", m.dead, m.outcomes[projection.Duplicate], m.outcomes[projection.Unhandled], w.Events.DeadLettered)
	}

	// Conversation.
	wc := w.Conversation
	c := m.conv(t, wc.ID)
	if c.ApplicationNumber != wc.ApplicationNumber || c.CustomerID != wc.CustomerID {
		t.Errorf("conversation ids = %q, %q; want %q, %q", c.ApplicationNumber, c.CustomerID, wc.ApplicationNumber, wc.CustomerID)
	}
	if !c.Started || !c.StartedAt.Equal(wc.StartedAt) {
		t.Errorf("Started, StartedAt = %v, %v; want true, %v", c.Started, c.StartedAt, wc.StartedAt)
	}
	if !c.LastMessageAt.Equal(wc.LastMessageAt) {
		t.Errorf("LastMessageAt = %v, want %v", c.LastMessageAt, wc.LastMessageAt)
	}
	msgs := m.msgs(t, wc.ID)
	if c.MessageCount != wc.Messages || len(msgs) != wc.Messages {
		t.Fatalf("MessageCount = %d, stored messages = %d; want %d", c.MessageCount, len(msgs), wc.Messages)
	}
	if first := msgs[0]; first.Sender != wc.FirstMessage.Sender || first.Seq != wc.FirstMessage.Seq {
		t.Errorf("first message = %s #%d, want %s #%d", first.Sender, first.Seq, wc.FirstMessage.Sender, wc.FirstMessage.Seq)
	}
	last := msgs[len(msgs)-1]
	if last.Sender != wc.LastMessage.Sender || last.Seq != wc.LastMessage.Seq || last.Text != wc.LastMessage.Text {
		t.Errorf("last message = %s #%d %q, want %s #%d %q", last.Sender, last.Seq, last.Text, wc.LastMessage.Sender, wc.LastMessage.Seq, wc.LastMessage.Text)
	}
	if p := c.LastMessage; p == nil || p.Sender != wc.LastMessage.Sender || p.Seq != wc.LastMessage.Seq || p.Text != wc.LastMessage.Text || !p.At.Equal(wc.LastMessageAt) {
		t.Errorf("LastMessage preview = %+v", p)
	}
	var customer, assistant int
	for _, msg := range msgs {
		switch msg.Sender {
		case projection.SenderCustomer:
			customer++
		case projection.SenderAssistant:
			assistant++
		default:
			t.Errorf("message #%d has sender %q", msg.Seq, msg.Sender)
		}
	}
	if customer != wc.CustomerMessages || assistant != wc.AssistantMessages || c.CustomerMessages != wc.CustomerMessages || c.AssistantMessages != wc.AssistantMessages {
		t.Errorf("messages by sender: stored %d/%d, counted %d/%d; want %d/%d", customer, assistant, c.CustomerMessages, c.AssistantMessages, wc.CustomerMessages, wc.AssistantMessages)
	}
	if ended := !c.EndedAt.IsZero(); ended != wc.Ended || (ended && !c.EndedAt.Equal(wc.LastMessageAt)) {
		t.Errorf("EndedAt = %v, want ended %v at the last message", c.EndedAt, wc.Ended)
	}
	if c.Decision != wc.FinalDecision || c.DecisionReason == "" {
		t.Errorf("Decision = %q (%q), want %q with its reason", c.Decision, c.DecisionReason, wc.FinalDecision)
	}
	for _, now := range []time.Time{wc.LastMessageAt, wc.LastMessageAt.Add(time.Hour), wc.LastMessageAt.Add(72 * time.Hour)} {
		if got := projection.StatusAt(c.StatusInputs(), now, projection.DefaultThresholds); string(got) != wc.StatusShown {
			t.Errorf("StatusAt(%v) = %q, want %q", now, got, wc.StatusShown)
		}
	}
	if c.Purpose != wc.Purpose || len(c.Facts) != wc.Facts {
		t.Errorf("Purpose, facts = %q, %d; want %q, %d", c.Purpose, len(c.Facts), wc.Purpose, wc.Facts)
	}
	if c.UnhandledEvents != 0 {
		t.Errorf("UnhandledEvents = %d", c.UnhandledEvents)
	}
	// Internal message fields are kept for supervisors.
	if msgs[0].Rationale != "Greeting; start of loan amount step" || msgs[0].AnswerInputType != "currency" {
		t.Errorf("first message rationale/type = %q/%q", msgs[0].Rationale, msgs[0].AnswerInputType)
	}
	if msgs[1].AdditionalData["amount"] != float64(400) {
		t.Errorf("second message additional data = %v", msgs[1].AdditionalData)
	}

	// Customer.
	wu := w.Customer
	cust := m.cust(t, wu.ID)
	if cust.Name() != wu.FullName || cust.Email() != wu.Email {
		t.Errorf("Name, Email = %q, %q; want %q, %q", cust.Name(), cust.Email(), wu.FullName, wu.Email)
	}
	if cust.Profile["mobile_phone_number"] != wu.Mobile || cust.Profile["date_of_birth"] != wu.DateOfBirth {
		t.Errorf("mobile, dob = %v, %v", cust.Profile["mobile_phone_number"], cust.Profile["date_of_birth"])
	}
	addr, _ := cust.Profile["residential_address"].(obj)
	for k, v := range wu.ResidentialAddress {
		if addr[k] != v {
			t.Errorf("residential_address.%s = %v, want %q", k, addr[k], v)
		}
	}
	if addr["address_type"] != "RESIDENTIAL" {
		t.Errorf("residential_address.address_type = %v", addr["address_type"])
	}
	if got, want := projection.FormatAddress(addr), "Unit 4, 18 Smith St, Fitzroy VIC 3065, Australia"; got != want {
		t.Errorf("FormatAddress = %q, want %q", got, want)
	}
	if len(cust.Documents) != len(wu.IdentityDocuments) {
		t.Fatalf("%d identity documents, want %d: %v", len(cust.Documents), len(wu.IdentityDocuments), cust.Documents)
	}
	for i, wd := range wu.IdentityDocuments {
		d := cust.Documents[i]
		if d["document_type"] != wd.DocumentType || d["document_number"] != wd.DocumentNumber || d["expiry_date"] != wd.ExpiryDate {
			t.Errorf("document %d = %v, want %+v", i, d, wd)
		}
		if got := projection.DocumentExpired(d, wc.LastMessageAt); got != wd.Expired {
			t.Errorf("document %d expired = %v, want %v", i, got, wd.Expired)
		}
	}
	if !slices.Contains(cust.Applications, w.Application.Number) {
		t.Errorf("customer applications = %v", cust.Applications)
	}
	state := m.dump(t)
	for _, k := range wu.NeverStored {
		if strings.Contains(state, k) {
			t.Errorf("%s is stored", k)
		}
	}
	if strings.Contains(state, "123456782") {
		t.Error("the tax file number's value is stored")
	}

	// Application.
	wa := w.Application
	a := m.app(t, wa.Number)
	d := a.Detail
	if d["loanPurpose"] != wa.LoanPurpose || d["loanAmount"] != wa.LoanAmount || d["loanFee"] != wa.LoanFee ||
		d["loanTotalPayable"] != wa.LoanTotalPayable || d["loanTerm"] != wa.LoanTermDays {
		t.Errorf("detail purpose/amount/fee/total/term = %v/%v/%v/%v/%v", d["loanPurpose"], d["loanAmount"], d["loanFee"], d["loanTotalPayable"], d["loanTerm"])
	}
	if !strings.EqualFold(a.Outcome, wa.Outcome) || a.OutcomeReason == "" {
		t.Errorf("Outcome = %q (%q), want %q", a.Outcome, a.OutcomeReason, wa.Outcome)
	}
	if a.CurrentStage() != wa.CurrentStage || a.CustomerID != wu.ID || a.ConversationID != wc.ID {
		t.Errorf("CurrentStage, CustomerID, ConversationID = %q, %q, %q", a.CurrentStage(), a.CustomerID, a.ConversationID)
	}
	for _, k := range []string{"statementCaptureConsentProvided", "statementCaptureCompleted", "productOfferAcceptance", "customerAttestationAcceptance"} {
		if d[k] != true {
			t.Errorf("detail %s = %v", k, d[k])
		}
	}
	proc, _ := d["applicationProcess"].(obj)
	stages, _ := proc["applicationProcessState"].(list)
	complete := 0
	for _, st := range stages {
		if st.(obj)["complete"] == true {
			complete++
		}
	}
	if len(stages) != wa.Stages || complete != wa.StagesComplete {
		t.Errorf("stages %d (%d complete), want %d (%d)", len(stages), complete, wa.Stages, wa.StagesComplete)
	}
	if _, ok := d["customer"]; ok {
		t.Error("the customer delta is stored in the application detail")
	}
	if _, ok := d["customerIdentityDocuments"]; ok {
		t.Error("identity documents are stored in the application detail")
	}
	h := m.held(t, w.Conversation.ID)
	for kind, fields := range wa.Assessments {
		as := h.Assessments[kind]
		if as == nil {
			t.Errorf("no %s assessment", kind)
			continue
		}
		for k, v := range fields {
			if !reflect.DeepEqual(as.Value[k], v) {
				t.Errorf("%s.%s = %v, want %v", kind, k, as.Value[k], v)
			}
		}
		if len(as.History) != 0 {
			t.Errorf("%s has %d earlier values", kind, len(as.History))
		}
	}
	if len(h.Assessments) != len(wa.Assessments) {
		t.Errorf("%d assessments, want %d", len(h.Assessments), len(wa.Assessments))
	}
	if ir := h.Assessments["identityRisk"]; ir != nil && !ir.At.Equal(time.Date(2026, 11, 24, 9, 15, 44, 0, time.UTC)) {
		t.Errorf("identityRisk At = %v, want its created_at", ir.At)
	}
	for topic, wt := range wa.Noticeboard {
		tp := h.Noticeboard[topic]
		if tp == nil {
			t.Errorf("no noticeboard topic %q", topic)
			continue
		}
		if tp.Latest.Text != wt.Latest || len(tp.Earlier) != wt.EarlierVersions {
			t.Errorf("topic %q: latest %q, %d earlier; want %q, %d", topic, tp.Latest.Text, len(tp.Earlier), wt.Latest, wt.EarlierVersions)
		}
	}
	if len(h.Noticeboard) != len(wa.Noticeboard) {
		t.Errorf("%d topics, want %d", len(h.Noticeboard), len(wa.Noticeboard))
	}

	// Customer portal.
	wp := w.CustomerPortal
	row := m.portalRow(t, wa.Number)
	pa := wp.Application
	if string(row.Status) != pa.Status || row.ProgressPercentage != pa.ProgressPercentage || row.CurrentStage != pa.CurrentStage ||
		row.CustomerName != pa.CustomerName || row.CustomerEmail != pa.CustomerEmail {
		t.Errorf("portal row = %+v, want %+v", row, pa)
	}
	if row.LoanAmount == nil || *row.LoanAmount != pa.LoanAmount || row.LoanFee == nil || *row.LoanFee != pa.LoanFee ||
		row.LoanTotalPayable == nil || *row.LoanTotalPayable != pa.LoanTotalPayable {
		t.Errorf("portal amounts = %v/%v/%v", row.LoanAmount, row.LoanFee, row.LoanTotalPayable)
	}
	if row.CustomerID != wu.ID || row.SubmittedAt == nil || row.HasOutstandingRequirements {
		t.Errorf("portal customer %q, submitted %v, outstanding %v", row.CustomerID, row.SubmittedAt, row.HasOutstandingRequirements)
	}
	for _, rd := range row.RequiredDocuments {
		if rd.Status != "provided" {
			t.Errorf("required document %q is %s", rd.Name, rd.Status)
		}
	}
	pc := projection.PortalConversationOf(c)
	if pc.Status != wp.Conversation.Status || pc.MessageCount != wp.Conversation.MessageCount ||
		pc.Purpose != wp.Conversation.Purpose || pc.LastMessage != wp.Conversation.LastMessage {
		t.Errorf("portal conversation = %+v, want %+v", pc, wp.Conversation)
	}
	if pc.CustomerID != wu.ID || pc.ApplicationID != wa.Number || pc.LastMessageAt == nil || !pc.LastMessageAt.Equal(wc.LastMessageAt) || !pc.StartedAt.Equal(wc.StartedAt) {
		t.Errorf("portal conversation ids/times = %+v", pc)
	}
	portal := strings.ToLower(string(mustJSON(t, []any{row, pc})))
	forbidden := append(slices.Clone(wp.MustNotContain), "additionaldata", "taxfilenumber", "assessment")
	for _, entry := range entries {
		var dat obj
		if json.Unmarshal([]byte(entry["dat"]), &dat) == nil {
			if r, ok := dat["r"].(string); ok {
				forbidden = append(forbidden, r) // every rationale's text
			}
		}
	}
	for _, f := range forbidden {
		if strings.Contains(portal, strings.ToLower(f)) {
			t.Errorf("portal rows contain %q: %s", f, portal)
		}
	}
}

// ---------------------------------------------------------------------------------
// Messages.

func TestMessageShapes(t *testing.T) {
	bp := func(b bool) *bool { return &b }
	cases := []struct {
		name  string
		typ   string
		dat   any
		want  projection.Message // ConversationID, StreamID and At are checked apart
		at    time.Time          // zero = the entry's tsp
		ended bool
	}{
		{
			name: "utterance shape, customer",
			typ:  "user_input",
			dat: obj{"conversation_id": "conv-1", "utterance": "about $400", "rationale": "amount given",
				"answer_input_type": "currency", "prev_seq": 1, "end_conversation": false, "additional_data": obj{"amount": 400}},
			want: projection.Message{Sender: "customer", Text: "about $400", Rationale: "amount given",
				AnswerInputType: "currency", AdditionalData: obj{"amount": float64(400)}, Seq: 2},
		},
		{
			name: "short keys, assistant",
			typ:  "assistant_response",
			dat:  obj{"u": "How much?", "r": "greeting", "a": "currency", "c": false, "d": obj{"next": "amount"}, "e": nil},
			want: projection.Message{Sender: "assistant", Text: "How much?", Rationale: "greeting",
				AnswerInputType: "currency", AdditionalData: obj{"next": "amount"}, StepComplete: bp(false), Seq: 2},
		},
		{
			name: "short keys, customer",
			typ:  "user_input",
			dat:  obj{"u": "yes", "a": "yes_no", "c": true},
			want: projection.Message{Sender: "customer", Text: "yes", AnswerInputType: "yes_no", StepComplete: bp(true), Seq: 2},
		},
		{
			name: "utterance shape, assistant",
			typ:  "assistant_response",
			dat:  obj{"utterance": "Hello", "rationale": "r"},
			want: projection.Message{Sender: "assistant", Text: "Hello", Rationale: "r", Seq: 2},
		},
		{name: `e "true"`, typ: "assistant_response", dat: obj{"u": "Bye", "e": "true"},
			want: projection.Message{Sender: "assistant", Text: "Bye", EndConversation: true, Seq: 2}, ended: true},
		{name: `e "false"`, typ: "assistant_response", dat: obj{"u": "Hi", "e": "false"},
			want: projection.Message{Sender: "assistant", Text: "Hi", Seq: 2}},
		{name: `e "0"`, typ: "assistant_response", dat: obj{"u": "Hi", "e": "0"},
			want: projection.Message{Sender: "assistant", Text: "Hi", Seq: 2}},
		{name: `e ""`, typ: "assistant_response", dat: obj{"u": "Hi", "e": ""},
			want: projection.Message{Sender: "assistant", Text: "Hi", Seq: 2}},
		{name: `e "yes"`, typ: "assistant_response", dat: obj{"u": "Bye", "e": "yes"},
			want: projection.Message{Sender: "assistant", Text: "Bye", EndConversation: true, Seq: 2}, ended: true},
		{name: "e true", typ: "assistant_response", dat: obj{"u": "Bye", "e": true},
			want: projection.Message{Sender: "assistant", Text: "Bye", EndConversation: true, Seq: 2}, ended: true},
		{name: "e null", typ: "assistant_response", dat: obj{"u": "Hi", "e": nil},
			want: projection.Message{Sender: "assistant", Text: "Hi", Seq: 2}},
		{name: "end_conversation true", typ: "user_input", dat: obj{"utterance": "bye", "end_conversation": true},
			want: projection.Message{Sender: "customer", Text: "bye", EndConversation: true, Seq: 2}, ended: true},
		{name: "c as a string", typ: "assistant_response", dat: obj{"u": "Next", "c": "true"},
			want: projection.Message{Sender: "assistant", Text: "Next", StepComplete: bp(true), Seq: 2}},
		{name: "created_at wins over tsp", typ: "user_input", dat: obj{"utterance": "hi", "created_at": "2026-11-24T09:59:00Z"},
			want: projection.Message{Sender: "customer", Text: "hi", Seq: 2}, at: time.Date(2026, 11, 24, 9, 59, 0, 0, time.UTC)},
		{name: "created_at without zone", typ: "user_input", dat: obj{"utterance": "hi", "created_at": "2026-11-24T09:59:00.250000"},
			want: projection.Message{Sender: "customer", Text: "hi", Seq: 2}, at: time.Date(2026, 11, 24, 9, 59, 0, 250e6, time.UTC)},
		{name: "unparsable created_at falls back to tsp", typ: "user_input", dat: obj{"utterance": "hi", "created_at": "soon"},
			want: projection.Message{Sender: "customer", Text: "hi", Seq: 2}},
		{name: "additional_data wins over d", typ: "user_input", dat: obj{"utterance": "hi", "additional_data": obj{"a": 1}, "d": obj{"b": 2}},
			want: projection.Message{Sender: "customer", Text: "hi", AdditionalData: obj{"a": float64(1)}, Seq: 2}},
		{name: "numeric utterance", typ: "user_input", dat: obj{"utterance": 400},
			want: projection.Message{Sender: "customer", Text: "400", Seq: 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newStore()
			wantOutcomes(t, m.batch(t,
				ev("conversation_started", "1", obj{"username": "customer"}),
				ev(tc.typ, "2", tc.dat),
			), projection.Applied, projection.Applied)
			msgs := m.msgs(t, "conv-1")
			if len(msgs) != 1 {
				t.Fatalf("%d messages, want 1", len(msgs))
			}
			got := msgs[0]
			wantAt := tc.at
			if wantAt.IsZero() {
				wantAt = at(2)
			}
			if !got.At.Equal(wantAt) {
				t.Errorf("At = %v, want %v", got.At, wantAt)
			}
			if got.ConversationID != "conv-1" || got.StreamID != "1732451234567-1" {
				t.Errorf("ConversationID, StreamID = %q, %q", got.ConversationID, got.StreamID)
			}
			got.ConversationID, got.StreamID, got.At = "", "", time.Time{}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("message = %+v\n      want %+v", got, tc.want)
			}
			c := m.conv(t, "conv-1")
			if c.MessageCount != 1 || !c.LastMessageAt.Equal(wantAt) || c.LastMessage == nil || c.LastMessage.Text != tc.want.Text {
				t.Errorf("MessageCount %d, LastMessageAt %v, LastMessage %+v", c.MessageCount, c.LastMessageAt, c.LastMessage)
			}
			if tc.want.Sender == "customer" && c.CustomerMessages != 1 || tc.want.Sender == "assistant" && c.AssistantMessages != 1 {
				t.Errorf("by sender %d/%d", c.CustomerMessages, c.AssistantMessages)
			}
			if ended := !c.EndedAt.IsZero(); ended != tc.ended || ended && !c.EndedAt.Equal(wantAt) {
				t.Errorf("EndedAt = %v, want ended %v", c.EndedAt, tc.ended)
			}
			wantStatus := projection.StatusActive
			if tc.ended {
				wantStatus = projection.StatusEnded
			}
			if got := projection.StatusAt(c.StatusInputs(), wantAt.Add(time.Minute), projection.DefaultThresholds); got != wantStatus {
				t.Errorf("status = %s, want %s", got, wantStatus)
			}
		})
	}
}

func TestMessageBeforeConversationStarted(t *testing.T) {
	m := newStore()
	wantOutcomes(t, m.batch(t, ev("user_input", "2", obj{"utterance": "hello?"}, "cid", "conv-9")), projection.Applied)
	c := m.conv(t, "conv-9")
	if c.Started || !c.StartedAt.Equal(at(2)) || c.MessageCount != 1 || c.ApplicationNumber != "APP-1" || c.CustomerID != "cust-1" {
		t.Errorf("created conversation = %+v", c)
	}
	if got := projection.StatusAt(c.StatusInputs(), at(60), projection.DefaultThresholds); got != projection.StatusActive {
		t.Errorf("status = %s", got)
	}
	// conversation_started arrives late: it marks the conversation started at its tsp.
	wantOutcomes(t, m.batch(t, ev("conversation_started", "1", obj{"username": "priya"}, "cid", "conv-9")), projection.Applied)
	c = m.conv(t, "conv-9")
	if !c.Started || !c.StartedAt.Equal(at(1)) || c.MessageCount != 1 || c.Username != "priya" {
		t.Errorf("after conversation_started = %+v", c)
	}
}

// The stream ID is the only total order (contract §1): the transcript, the last
// message and the portal's last message follow it, whatever the times say; each
// message keeps its own time, and the last-message time is the latest of them.
func TestLastMessageFollowsStreamOrder(t *testing.T) {
	m := newStore()
	m.batch(t,
		ev("user_input", "2", obj{"utterance": "later", "created_at": ts(50)}),
		ev("assistant_response", "3", obj{"u": "earlier", "created_at": ts(40), "e": "true"}),
		ev("assistant_response", "4", obj{"u": "end again", "e": "true"}),
	)
	c := m.conv(t, "conv-1")
	if c.MessageCount != 3 || !c.LastMessageAt.Equal(at(50)) || c.LastMessage.Text != "end again" || !c.LastMessage.At.Equal(at(4)) {
		t.Errorf("count %d, last %v %+v", c.MessageCount, c.LastMessageAt, c.LastMessage)
	}
	if !c.EndedAt.Equal(at(40)) {
		t.Errorf("EndedAt = %v, want the first end (%v)", c.EndedAt, at(40))
	}
}

func TestReplyInAnotherZoneStaysAfterItsQuestion(t *testing.T) {
	// The reply's time is 10:00:05 at +02:00, 08:00:05 UTC: two hours before the
	// question by the clock, after it in the stream.
	question := ev("user_input", "1", obj{"utterance": "may I borrow 500?", "created_at": "2026-11-24T10:00:00Z"})
	reply := ev("assistant_response", "2", obj{"u": "yes", "created_at": "2026-11-24T10:00:05+02:00"})
	replyAt := time.Date(2026, 11, 24, 8, 0, 5, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		apply func(m *memStore)
	}{
		{"one batch", func(m *memStore) { m.batch(t, question, reply) }},
		{"two batches", func(m *memStore) { m.each(t, question, reply) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newStore()
			tc.apply(m)
			var texts []string
			for _, msg := range m.msgs(t, "conv-1") {
				texts = append(texts, msg.Text)
			}
			if strings.Join(texts, "|") != "may I borrow 500?|yes" {
				t.Errorf("transcript = %q", texts)
			}
			c := m.conv(t, "conv-1")
			if c.LastMessage == nil || c.LastMessage.Text != "yes" || !c.LastMessage.At.Equal(replyAt) {
				t.Errorf("last message = %+v", c.LastMessage)
			}
			p := projection.PortalConversationOf(c)
			if p.LastMessage != "yes" || p.LastMessageAt == nil || !p.LastMessageAt.Equal(replyAt) {
				t.Errorf("portal last message = %q at %v", p.LastMessage, p.LastMessageAt)
			}
		})
	}
}

// ---------------------------------------------------------------------------------
// conversation_started.

func TestConversationStarted(t *testing.T) {
	t.Run("ids from the envelope", func(t *testing.T) {
		m := newStore()
		wantOutcomes(t, m.batch(t, ev("conversation_started", "1", obj{"username": "customer"})), projection.Applied)
		c := m.conv(t, "conv-1")
		if !c.Started || !c.StartedAt.Equal(at(1)) || c.Username != "customer" || c.ApplicationNumber != "APP-1" || c.CustomerID != "cust-1" || c.MessageCount != 0 {
			t.Errorf("conversation = %+v", c)
		}
		if got := projection.StatusAt(c.StatusInputs(), at(1), projection.DefaultThresholds); got != projection.StatusActive {
			t.Errorf("status = %s", got)
		}
	})
	t.Run("ids from the payload", func(t *testing.T) {
		m := newStore()
		m.batch(t, ev("conversation_started", "1",
			obj{"conversation_id": "conv-1", "application_number": "APP-7", "customer_id": "cust-7"},
			"aid", "\x00", "uid", ""))
		c := m.conv(t, "conv-1")
		if c.ApplicationNumber != "APP-7" || c.CustomerID != "cust-7" {
			t.Errorf("ids = %q, %q", c.ApplicationNumber, c.CustomerID)
		}
	})
	t.Run("envelope ids win over the payload", func(t *testing.T) {
		m := newStore()
		m.batch(t, ev("conversation_started", "1", obj{"application_number": "APP-7", "customer_id": "cust-7"}))
		c := m.conv(t, "conv-1")
		if c.ApplicationNumber != "APP-1" || c.CustomerID != "cust-1" {
			t.Errorf("ids = %q, %q", c.ApplicationNumber, c.CustomerID)
		}
	})
	t.Run("a second one only fills missing ids", func(t *testing.T) {
		m := newStore()
		m.batch(t, ev("conversation_started", "1", obj{"username": "alice"}, "aid", "\x00", "uid", "\x00"))
		m.batch(t, ev("user_input", "2", obj{"utterance": "hi"}, "aid", "\x00", "uid", "\x00"))
		before := m.conv(t, "conv-1")
		if before.ApplicationNumber != "" || before.CustomerID != "" {
			t.Fatalf("ids before = %q, %q", before.ApplicationNumber, before.CustomerID)
		}
		wantOutcomes(t, m.batch(t, ev("conversation_started", "5", obj{"username": "bob"}, "aid", "APP-9", "uid", "cust-9")), projection.Applied)
		wantOutcomes(t, m.batch(t, ev("conversation_started", "6", obj{"username": "carol"}, "aid", "APP-X", "uid", "cust-X")), projection.Applied)
		c := m.conv(t, "conv-1")
		if !c.StartedAt.Equal(at(1)) || c.Username != "alice" || c.MessageCount != 1 || !c.LastMessageAt.Equal(at(2)) {
			t.Errorf("second conversation_started changed the conversation: %+v", c)
		}
		if c.ApplicationNumber != "APP-9" || c.CustomerID != "cust-9" {
			t.Errorf("ids = %q, %q; want the first ones sent", c.ApplicationNumber, c.CustomerID)
		}
	})
}

// ---------------------------------------------------------------------------------
// applicationDetail_changed.

func TestDeepMerge(t *testing.T) {
	first := ev("applicationDetail_changed", "1", obj{
		"loanPurpose": "Car registration",
		"applicationProcess": obj{
			"currentProcessStage": "loan_details", "currentProcessStep": "loan_amount", "started_at": "2026-11-24T10:00:00Z",
			"applicationProcessState": list{
				obj{"stageName": "loan_details", "complete": false, "steps": list{obj{"stepName": "loan_amount", "complete": true}}},
				obj{"stageName": "identity", "complete": false}, obj{"stageName": "statements", "complete": false}, obj{"stageName": "offer", "complete": false},
			},
		},
		"customer": obj{"customer_id": "cust-1", "first_name": "Priya", "preferred_name": "Pri",
			"residential_address": obj{"street_number": "18", "street_name": "Smith", "postcode": "3000", "country": "Australia"}},
	})
	second := ev("applicationDetail_changed", "2", obj{
		"loanPurpose": nil,
		"applicationProcess": obj{
			"currentProcessStage": "identity", "started_at": nil,
			"applicationProcessState": list{obj{"stageName": "loan_details", "complete": true}, obj{"stageName": "identity", "complete": false}},
		},
		"customer": obj{"customer_id": "cust-1", "first_name": nil, "last_name": "Raman", "preferred_name": nil,
			"residential_address": obj{"postcode": "3065", "street_name": nil, "dp_identifier": "71234567"}},
	})
	check := func(t *testing.T, m *memStore) {
		a := m.app(t, "APP-1")
		if a.Detail["loanPurpose"] != "Car registration" {
			t.Errorf("null erased loanPurpose: %v", a.Detail["loanPurpose"])
		}
		proc := a.Detail["applicationProcess"].(obj)
		if proc["currentProcessStage"] != "identity" || proc["currentProcessStep"] != "loan_amount" || proc["started_at"] != "2026-11-24T10:00:00Z" {
			t.Errorf("applicationProcess not merged field by field: %v", proc)
		}
		if stages := proc["applicationProcessState"].(list); len(stages) != 2 || stages[0].(obj)["complete"] != true {
			t.Errorf("stage list not replaced whole: %v", stages)
		}
		p := m.cust(t, "cust-1").Profile
		if p["first_name"] != "Priya" || p["last_name"] != "Raman" || p["preferred_name"] != "Pri" {
			t.Errorf("profile = %v", p)
		}
		addr := p["residential_address"].(obj)
		want := obj{"street_number": "18", "street_name": "Smith", "postcode": "3065", "country": "Australia", "dp_identifier": "71234567"}
		if !reflect.DeepEqual(addr, want) {
			t.Errorf("residential_address = %v, want %v", addr, want)
		}
		if _, ok := a.Detail["customer"]; ok {
			t.Error("customer stored in the application detail")
		}
	}
	t.Run("one batch", func(t *testing.T) {
		m := newStore()
		wantOutcomes(t, m.batch(t, first, second), projection.Applied, projection.Applied)
		check(t, m)
	})
	t.Run("two batches", func(t *testing.T) {
		m := newStore()
		wantOutcomes(t, m.each(t, first, second), projection.Applied, projection.Applied)
		check(t, m)
	})
	t.Run("an empty list replaces too", func(t *testing.T) {
		m := newStore()
		m.each(t, first, ev("applicationDetail_changed", "3", obj{"applicationProcess": obj{"applicationProcessState": list{}}}))
		proc := m.app(t, "APP-1").Detail["applicationProcess"].(obj)
		if stages, _ := proc["applicationProcessState"].(list); len(stages) != 0 || proc["currentProcessStage"] != "loan_details" {
			t.Errorf("applicationProcess = %v", proc)
		}
	})
}

func TestAmounts(t *testing.T) {
	type money struct{ amount, fee, total any } // nil = absent
	cases := []struct {
		name   string
		deltas []obj
		want   money
	}{
		{"number", []obj{{"loanAmount": 400}}, money{400.0, 20.0, 420.0}},
		{"numeric string", []obj{{"loanAmount": "400"}}, money{400.0, 20.0, 420.0}},
		{"string with cents", []obj{{"loanAmount": "400.00"}}, money{400.0, 20.0, 420.0}},
		{"string with a dollar sign and commas", []obj{{"loanAmount": " $1,000 "}}, money{1000.0, 50.0, 1050.0}},
		{"fee rounded to cents", []obj{{"loanAmount": 123.45}}, money{123.45, 6.17, 129.62}},
		{"fee rounded up to cents", []obj{{"loanAmount": "99.99"}}, money{99.99, 5.0, 104.99}},
		{"explicit fee kept", []obj{{"loanAmount": 400, "loanFee": 15}}, money{400.0, 15.0, 415.0}},
		{"explicit fee as a string", []obj{{"loanAmount": "400", "loanFee": "15.50"}}, money{400.0, 15.5, 415.5}},
		{"explicit zero fee kept", []obj{{"loanAmount": 400, "loanFee": 0}}, money{400.0, 0.0, 400.0}},
		{"explicit total kept", []obj{{"loanAmount": 400, "loanTotalPayable": 999}}, money{400.0, 20.0, 999.0}},
		{"both explicit", []obj{{"loanAmount": 400, "loanFee": 1, "loanTotalPayable": 2}}, money{400.0, 1.0, 2.0}},
		{"fee without an amount", []obj{{"loanFee": 12}}, money{nil, 12.0, nil}},
		{"null amount", []obj{{"loanAmount": nil}}, money{}},
		{"empty string amount", []obj{{"loanAmount": ""}}, money{}},
		{"later delta without amounts", []obj{{"loanAmount": 400}, {"loanTerm": 30}}, money{400.0, 20.0, 420.0}},
		{"null amount never erases", []obj{{"loanAmount": 400}, {"loanAmount": nil, "loanFee": nil}}, money{400.0, 20.0, 420.0}},
		{"new amount re-derives", []obj{{"loanAmount": 400}, {"loanAmount": "1000"}}, money{1000.0, 50.0, 1050.0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newStore()
			for i, d := range tc.deltas {
				wantOutcomes(t, m.batch(t, ev("applicationDetail_changed", strconv.Itoa(i+1), d)), projection.Applied)
			}
			det := m.app(t, "APP-1").Detail
			got := money{det["loanAmount"], det["loanFee"], det["loanTotalPayable"]}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("amount/fee/total = %v, want %v", got, tc.want)
			}
			row := m.portalRow(t, "APP-1")
			for _, p := range []struct {
				name string
				got  *float64
				want any
			}{{"amount", row.LoanAmount, tc.want.amount}, {"fee", row.LoanFee, tc.want.fee}, {"total", row.LoanTotalPayable, tc.want.total}} {
				if (p.got == nil) != (p.want == nil) || p.got != nil && *p.got != p.want {
					t.Errorf("portal %s = %v, want %v", p.name, p.got, p.want)
				}
			}
		})
	}
}

func TestFee(t *testing.T) {
	for _, tc := range []struct{ amount, fee float64 }{
		{400, 20}, {0, 0}, {1, 0.05}, {123.45, 6.17}, {99.99, 5}, {0.19, 0.01}, {2500, 125}, {333.33, 16.67},
	} {
		if got := projection.Fee(tc.amount); got != tc.fee {
			t.Errorf("Fee(%v) = %v, want %v", tc.amount, got, tc.fee)
		}
	}
	// Every whole-cent amount up to $20,000 whose fee is not exactly half a cent
	// rounds to the nearest cent, and the result is the float of that many cents.
	for cents := int64(0); cents <= 2_000_000; cents++ {
		if cents%20 == 10 {
			continue // exactly half a cent: the contract does not say which way
		}
		want := (cents + 10) / 20
		if got := projection.Fee(float64(cents) / 100); got != float64(want)/100 {
			t.Fatalf("Fee(%.2f) = %v, want %.2f", float64(cents)/100, got, float64(want)/100)
		}
	}
}

func TestCustomerKeyPrecedence(t *testing.T) {
	cases := []struct {
		name  string
		delta obj
		kv    []string
		want  string
	}{
		{"customer.customer_id first", obj{"customerId": "c-top", "customer": obj{"customer_id": "c-inner", "first_name": "P"}}, []string{"uid", "c-env"}, "c-inner"},
		{"then customerId", obj{"customerId": "c-top", "customer": obj{"first_name": "P"}}, []string{"uid", "c-env"}, "c-top"},
		{"then uid", obj{"customer": obj{"first_name": "P"}}, []string{"uid", "c-env"}, "c-env"},
		{"then the payload's customer_id", obj{"customer_id": "c-pay", "customer": obj{"first_name": "P"}}, []string{"uid", "\x00"}, "c-pay"},
		{"then the conversation's customer", obj{"customer": obj{"first_name": "P"}}, []string{"uid", "\x00"}, "c-conv"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newStore()
			m.batch(t, ev("conversation_started", "1", obj{}, "uid", "c-conv", "aid", "\x00"))
			wantOutcomes(t, m.batch(t, ev("applicationDetail_changed", "2", tc.delta, tc.kv...)), projection.Applied)
			for id := range m.customers {
				c := m.cust(t, id)
				if hasName := c.Profile["first_name"] == "P"; hasName != (id == tc.want) {
					t.Errorf("customer %s profile = %v", id, c.Profile)
				}
			}
			c := m.cust(t, tc.want)
			if c.Profile["customer_id"] != tc.want || !slices.Contains(c.Applications, "APP-1") {
				t.Errorf("customer %s = %+v", tc.want, c)
			}
			if a := m.app(t, "APP-1"); a.CustomerID != tc.want {
				t.Errorf("application customer = %q, want %q", a.CustomerID, tc.want)
			}
		})
	}
}

func TestEmail(t *testing.T) {
	cases := []struct {
		name   string
		emails []any // email_address of successive customer deltas
		want   string
	}{
		{"string", []any{"a@example.com"}, "a@example.com"},
		{"object form", []any{obj{"value": "b@example.com"}}, "b@example.com"},
		{"null keeps", []any{"a@example.com", nil}, "a@example.com"},
		{"object with a null value keeps", []any{"a@example.com", obj{"value": nil}}, "a@example.com"},
		{"object replaces a string", []any{"a@example.com", obj{"value": "b@example.com"}}, "b@example.com"},
		{"string replaces an object", []any{obj{"value": "b@example.com"}, "c@example.com"}, "c@example.com"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newStore()
			for i, e := range tc.emails {
				m.batch(t, ev("applicationDetail_changed", strconv.Itoa(i+1), obj{"customer": obj{"customer_id": "cust-1", "email_address": e}}))
			}
			c := m.cust(t, "cust-1")
			if c.Email() != tc.want || c.Profile["email_address"] != tc.want {
				t.Errorf("Email() = %q, stored %v; want %q", c.Email(), c.Profile["email_address"], tc.want)
			}
			if row := m.portalRow(t, "APP-1"); row.CustomerEmail != tc.want {
				t.Errorf("portal email = %q", row.CustomerEmail)
			}
		})
	}
}

func TestIdentityDocuments(t *testing.T) {
	docs := func(seq string, ds ...obj) map[string]string {
		l := list{}
		for _, d := range ds {
			l = append(l, d)
		}
		return ev("applicationDetail_changed", seq, obj{"customerIdentityDocuments": l})
	}
	dl := obj{"customer_id": "cust-1", "document_type": "DRIVERS_LICENCE", "document_number": "049123456",
		"expiry_date": "2027-01-31", "state_of_issue": "VIC", "additional_info": obj{"card_number": "P1234567"}}
	dlRenewed := obj{"document_type": "DRIVERS_LICENCE", "document_number": "049123456", "expiry_date": "2031-05-31", "state_of_issue": nil}
	passport := obj{"document_type": "PASSPORT", "document_number": "PA1234567", "expiry_date": "2020-01-01", "country_of_issue": "AU"}
	check := func(t *testing.T, m *memStore) {
		c := m.cust(t, "cust-1")
		if len(c.Documents) != 2 {
			t.Fatalf("%d documents, want 2: %v", len(c.Documents), c.Documents)
		}
		d := c.Documents[0]
		if d["expiry_date"] != "2031-05-31" || d["state_of_issue"] != "VIC" || d["additional_info"].(obj)["card_number"] != "P1234567" {
			t.Errorf("licence = %v", d)
		}
		now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		if projection.DocumentExpired(d, now) || !projection.DocumentExpired(c.Documents[1], now) {
			t.Errorf("expired flags = %v, %v; want false, true", projection.DocumentExpired(d, now), projection.DocumentExpired(c.Documents[1], now))
		}
	}
	t.Run("one batch", func(t *testing.T) {
		m := newStore()
		m.batch(t, docs("1", dl), docs("2", dlRenewed), docs("3", passport, dlRenewed))
		check(t, m)
	})
	t.Run("separate batches", func(t *testing.T) {
		m := newStore()
		m.each(t, docs("1", dl), docs("2", dlRenewed), docs("3", passport, dlRenewed))
		check(t, m)
	})
	t.Run("same document twice in one delta", func(t *testing.T) {
		m := newStore()
		m.batch(t, docs("1", dl, dlRenewed, passport))
		check(t, m)
	})
	t.Run("numeric document number across batches", func(t *testing.T) {
		m := newStore()
		medicare := obj{"document_type": "MEDICARE", "document_number": 2123456789, "expiry_date": "2027-01"}
		m.each(t, docs("1", medicare), docs("2", medicare))
		if c := m.cust(t, "cust-1"); len(c.Documents) != 1 {
			t.Errorf("%d documents, want 1: %v", len(c.Documents), c.Documents)
		}
	})
	t.Run("the document's own customer id owns it", func(t *testing.T) {
		m := newStore()
		m.batch(t, docs("1", obj{"customer_id": "cust-2", "document_type": "PASSPORT", "document_number": "X1"}))
		if c := m.cust(t, "cust-2"); len(c.Documents) != 1 {
			t.Errorf("cust-2 documents = %v", c.Documents)
		}
		if c, _ := m.Customer("cust-1"); c != nil && len(c.Documents) != 0 {
			t.Errorf("cust-1 documents = %v", c.Documents)
		}
	})
	t.Run("provided document in the portal", func(t *testing.T) {
		m := newStore()
		m.batch(t, ev("applicationDetail_changed", "1", obj{"loanAmount": 100}))
		if row := m.portalRow(t, "APP-1"); row.RequiredDocuments[0].Status != "outstanding" || !row.HasOutstandingRequirements {
			t.Errorf("before: %+v", row)
		}
		m.batch(t, docs("2", dl))
		if row := m.portalRow(t, "APP-1"); row.RequiredDocuments[0].Status != "provided" {
			t.Errorf("after: %+v", row.RequiredDocuments)
		}
	})
}

func TestDocumentExpired(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		doc  obj
		now  time.Time
		want bool
	}{
		{obj{"expiry_date": "2026-11-23"}, now, true},
		{obj{"expiry_date": "2026-11-24"}, now, false}, // valid through its expiry date
		{obj{"expiry_date": "2026-11-24"}, time.Date(2026, 11, 24, 23, 59, 59, 0, time.UTC), false},
		{obj{"expiry_date": "2026-11-24"}, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), true},
		{obj{"expiry_date": "2026-11-25"}, now, false},
		{obj{"expiry_date": "2029-08-31"}, now, false},
		{obj{"expiry_date": "1999-01-01"}, now, true},
		{obj{"expiry_date": ""}, now, false},
		{obj{"expiry_date": "soon"}, now, false},
		{obj{"expiry_date": nil}, now, false},
		{obj{}, now, false},
	}
	for _, tc := range cases {
		if got := projection.DocumentExpired(tc.doc, tc.now); got != tc.want {
			t.Errorf("DocumentExpired(%v, %v) = %v, want %v", tc.doc, tc.now, got, tc.want)
		}
	}
}

var taxFields = []string{"australian_tax_residency_flag", "tax_file_number", "tax_exemption_code", "foreign_tax_identifier", "tax_country"}

func taxed(prefix string) obj {
	o := obj{}
	for _, k := range taxFields {
		o[k] = prefix + "-SECRET-" + k
	}
	return o
}

func withTax(prefix string, o obj) obj {
	for k, v := range taxed(prefix) {
		o[k] = v
	}
	return o
}

func TestTaxFieldsNeverStored(t *testing.T) {
	m := newStore()
	entries := []map[string]string{
		ev("conversation_started", "1", withTax("started", obj{"username": "u"})),
		ev("applicationDetail_changed", "2", withTax("detail", obj{
			"loanAmount": 400,
			"customer": withTax("customer", obj{"customer_id": "cust-1", "first_name": "Priya",
				"residential_address": withTax("address", obj{"street_name": "Smith"})}),
			"customerIdentityDocuments": list{withTax("document", obj{"document_type": "PASSPORT", "document_number": "P1",
				"additional_info": withTax("info", obj{"card_number": "C1"})})},
		})),
		ev("identityRisk_assessment", "3", withTax("risk", obj{"decision": "PASS",
			"checkedCustomer": withTax("checked", obj{"customer_id": "cust-1", "first_name": "Priya"})})),
		ev("serviceability_assessment_results", "4", obj{"items": list{withTax("item", obj{"x": 1}), list{taxed("nested")}}}),
		ev("custom_assessment", "5", obj{"deep": obj{"deeper": withTax("deep", obj{"ok": true})}}),
		ev("user_input", "6", obj{"utterance": "hi", "additional_data": withTax("message", obj{"k": "v"})}),
		ev("assistant_response", "7", obj{"u": "hi", "d": withTax("short", obj{})}),
		ev("noticeboard_updated", "8", withTax("post", obj{"agent_name": "a::Topic", "post": "p"})),
		ev("final_decision", "9", withTax("decision", obj{"decision": "APPROVED"})),
		ev("conversation_summary", "10", withTax("summary", obj{"conversation_purpose": "p"})),
		ev("mystery_event", "11", withTax("unknown", obj{})),
		// Names spelled with escapes, once and inside a double-encoded payload.
		ev("custom_assessment", "12", `{"\u0074ax_file_number":"SECRET","ok":1}`),
		ev("custom_assessment", "13", `"{\"tax\\u005fcountry\":\"SECRET\"}"`),
	}
	s := projection.NewSnapshot(m)
	for i, f := range entries {
		e, err := ledger.Decode(m.nextStreamID(), f, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(e); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	rows, err := s.PortalApplications()
	if err != nil {
		t.Fatal(err)
	}
	changes := string(mustJSON(t, []any{s.Changes(), rows}))
	m.persist(t, s)
	state := m.dump(t)
	for _, k := range append(taxFields, "SECRET") {
		if strings.Contains(changes, k) {
			t.Errorf("Changes contain %q", k)
		}
		if strings.Contains(state, k) {
			t.Errorf("stored state contains %q", k)
		}
	}
	// The rest of those payloads is kept.
	c := m.cust(t, "cust-1")
	if c.Name() != "Priya" || len(c.Documents) != 1 || c.Documents[0]["additional_info"].(obj)["card_number"] != "C1" {
		t.Errorf("customer = %+v", c)
	}
	if conv := m.held(t, "conv-1"); conv.Assessments["identityRisk"].Value["checkedCustomer"].(obj)["first_name"] != "Priya" {
		t.Errorf("identityRisk = %v", conv.Assessments["identityRisk"].Value)
	}
}

func TestDisplayName(t *testing.T) {
	cases := []struct {
		profile obj
		want    string
	}{
		{obj{"first_name": "Priya", "middle_name": "Anjali", "last_name": "Raman", "preferred_name": "Pri"}, "Priya Anjali Raman"},
		{obj{"first_name": "Priya", "last_name": "Raman"}, "Priya Raman"},
		{obj{"first_name": " Priya ", "middle_name": "", "last_name": "Raman"}, "Priya Raman"},
		{obj{"last_name": "Raman", "preferred_name": "Pri"}, "Raman"},
		{obj{"preferred_name": "Pri"}, "Pri"},
		{obj{"first_name": "", "preferred_name": "Pri"}, "Pri"},
		{obj{"first_name": nil, "preferred_name": "Pri"}, "Pri"},
		{obj{}, ""},
		{nil, ""},
	}
	for _, tc := range cases {
		if got := projection.DisplayName(tc.profile); got != tc.want {
			t.Errorf("DisplayName(%v) = %q, want %q", tc.profile, got, tc.want)
		}
	}
	// Through the reducer: a profile with only a preferred name shows it.
	m := newStore()
	m.batch(t, ev("applicationDetail_changed", "1", obj{"customer": obj{"customer_id": "cust-1", "preferred_name": "Pri"}}))
	if got := m.portalRow(t, "APP-1").CustomerName; got != "Pri" {
		t.Errorf("portal name = %q, want the preferred name", got)
	}
	m.batch(t, ev("applicationDetail_changed", "2", obj{"customer": obj{"customer_id": "cust-1", "first_name": "Priya", "last_name": "Raman"}}))
	if got := m.portalRow(t, "APP-1").CustomerName; got != "Priya Raman" {
		t.Errorf("portal name = %q after the names arrived", got)
	}
}

func TestFormatAddress(t *testing.T) {
	cases := []struct {
		addr obj
		want string
	}{
		{obj{"full_address": "Unit 4/18 Smith Street, Fitzroy VIC 3065", "street_name": "Ignored"}, "Unit 4/18 Smith Street, Fitzroy VIC 3065"},
		{obj{"unit_number": "4", "street_number": "18", "street_name": "Smith", "street_type": "St", "suburb": "Fitzroy", "state": "VIC", "postcode": "3065", "country": "Australia"},
			"Unit 4, 18 Smith St, Fitzroy VIC 3065, Australia"},
		{obj{"street_number": "18", "street_name": "Smith", "street_type": "St", "suburb": "Fitzroy", "state": "VIC", "postcode": "3065"}, "18 Smith St, Fitzroy VIC 3065"},
		{obj{"building_name": "Tower A", "floor_number": "3", "street_number": "1", "street_name": "Collins", "street_type": "St", "suburb": "Melbourne"},
			"Tower A, 3, 1 Collins St, Melbourne"},
		{obj{"building_name": "Tower A", "suburb": "Melbourne"}, "Tower A, Melbourne"},
		{obj{"suburb": "Fitzroy", "state": "VIC", "postcode": "3065"}, "Fitzroy VIC 3065"},
		{obj{"full_address": "  ", "suburb": "Fitzroy"}, "Fitzroy"},
		{obj{"country": "Australia"}, "Australia"},
		{obj{}, ""},
		{nil, ""},
	}
	for _, tc := range cases {
		if got := projection.FormatAddress(tc.addr); got != tc.want {
			t.Errorf("FormatAddress(%v) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// ---------------------------------------------------------------------------------
// Assessments, noticeboard, decisions, summaries.

func TestAssessmentKind(t *testing.T) {
	cases := map[string]string{
		"identityRisk_assessment":           "identityRisk",
		"serviceability_assessment_results": "serviceability",
		"fraudCheck_results":                "fraudCheck",
		"fraudCheck_assessment":             "fraudCheck",
		"affordability_assessment":          "affordability_assessment",
		"bankStatement_results":             "bankStatement_results",
		"credit_assessment_results":         "credit_assessment_results",
		"user_input":                        "",
		"applicationDetail_changed":         "",
		"assessment":                        "",
		"results_ready":                     "",
		"":                                  "",
	}
	for typ, want := range cases {
		if got := projection.AssessmentKind(typ); got != want {
			t.Errorf("AssessmentKind(%q) = %q, want %q", typ, got, want)
		}
	}
}

func TestAssessments(t *testing.T) {
	m := newStore()
	res := m.each(t,
		ev("serviceability_assessment_results", "1", obj{"surplus": 1}),
		ev("serviceability_assessment_results", "2", obj{"surplus": 2}),
		ev("serviceability_assessment_results", "3", obj{"surplus": 3}),
		ev("identityRisk_assessment", "4", obj{"decision": "PASS", "created_at": "2026-11-24T09:00:00Z"}),
		ev("fraudCheck_results", "5", obj{"result": "LOW_RISK"}),
		ev("fraudCheck_assessment", "6", obj{"result": "HIGH_RISK"}),
		ev("affordability_assessment", "7", obj{"ok": true}),
		ev("bankStatement_results", "8", obj{"months": 3}),
		ev("credit_assessment_results", "9", obj{"score": 700}),
	)
	for i, r := range res {
		if r.err != nil || r.out != projection.Applied {
			t.Errorf("entry %d: %v, %v", i, r.out, r.err)
		}
	}
	c := m.held(t, "conv-1")
	sv := c.Assessments["serviceability"]
	if sv == nil || sv.Kind != "serviceability" || sv.Type != "serviceability_assessment_results" || sv.Value["surplus"] != 3.0 || !sv.At.Equal(at(3)) {
		t.Fatalf("serviceability = %+v", sv)
	}
	if len(sv.History) != 2 || sv.History[0].Value["surplus"] != 2.0 || !sv.History[0].At.Equal(at(2)) ||
		sv.History[1].Value["surplus"] != 1.0 || !sv.History[1].At.Equal(at(1)) {
		t.Errorf("serviceability history (newest first) = %+v", sv.History)
	}
	if ir := c.Assessments["identityRisk"]; ir == nil || ir.Value["decision"] != "PASS" || !ir.At.Equal(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("identityRisk = %+v (At is its created_at)", ir)
	}
	fc := c.Assessments["fraudCheck"]
	if fc == nil || fc.Type != "fraudCheck_assessment" || fc.Value["result"] != "HIGH_RISK" || len(fc.History) != 1 || fc.History[0].Value["result"] != "LOW_RISK" {
		t.Errorf("fraudCheck = %+v", fc)
	}
	for _, typ := range []string{"affordability_assessment", "bankStatement_results", "credit_assessment_results"} {
		if a := c.Assessments[typ]; a == nil || a.Kind != typ || a.Type != typ || len(a.Value) != 1 {
			t.Errorf("%s = %+v", typ, a)
		}
	}
	if len(c.Assessments) != 6 {
		t.Errorf("%d assessments, want 6", len(c.Assessments))
	}
}

func TestTopicOf(t *testing.T) {
	cases := map[string]string{
		"identity_agent::Identity Check":                  "Identity Check",
		"serviceability_agent::Serviceability Assessment": "Serviceability Assessment",
		"identity_agent:: Identity Check ":                "Identity Check",
		"plain_agent":                                     "plain_agent",
		"a::b::c":                                         "b::c",
	}
	for agent, want := range cases {
		if got := projection.TopicOf(agent); got != want {
			t.Errorf("TopicOf(%q) = %q, want %q", agent, got, want)
		}
	}
}

func TestNoticeboard(t *testing.T) {
	m := newStore()
	res := m.each(t,
		ev("noticeboard_updated", "1", obj{"agent_name": "identity_agent::Identity Check", "post": "p1", "conversation_state_seq": 10, "agent_finished": false}),
		ev("noticeboard_updated", "2", obj{"agentName": "identity_agent::Identity Check", "content": "p2", "agent_finished": true}),
		ev("noticeboard_updated", "3", obj{"agent_name": "identity_agent::Identity Check", "post": "p3", "force_turn": true,
			"end_conversation": true, "end_conversation_text": "bye", "conversation_state_seq": "12"}),
		ev("noticeboard_updated", "4", obj{"agentName": "plain_agent", "content": "x"}),
		ev("noticeboard_updated", "5", obj{"agent_name": "fraud_agent::Fraud", "post": "f1"}),
	)
	wantOutcomes(t, res, projection.Applied, projection.Applied, projection.Applied, projection.Applied, projection.Applied)
	c := m.held(t, "conv-1")
	id := c.Noticeboard["Identity Check"]
	if id == nil {
		t.Fatalf("noticeboard = %v", c.Noticeboard)
	}
	wantLatest := projection.Post{Agent: "identity_agent::Identity Check", Text: "p3", At: at(3), StateSeq: 12, ForceTurn: true, EndConversation: true, EndConversationText: "bye"}
	if id.Topic != "Identity Check" || !reflect.DeepEqual(id.Latest, wantLatest) {
		t.Errorf("latest = %+v\n  want %+v", id.Latest, wantLatest)
	}
	if len(id.Earlier) != 2 || id.Earlier[0].Text != "p2" || !id.Earlier[0].At.Equal(at(2)) || !id.Earlier[0].AgentFinished ||
		id.Earlier[1].Text != "p1" || !id.Earlier[1].At.Equal(at(1)) || id.Earlier[1].StateSeq != 10 {
		t.Errorf("earlier (newest first) = %+v", id.Earlier)
	}
	if p := c.Noticeboard["plain_agent"]; p == nil || p.Latest.Text != "x" || len(p.Earlier) != 0 {
		t.Errorf("plain_agent = %+v", p)
	}
	if f := c.Noticeboard["Fraud"]; f == nil || f.Latest.Text != "f1" {
		t.Errorf("Fraud = %+v", f)
	}
	if len(c.Noticeboard) != 3 {
		t.Errorf("%d topics, want 3", len(c.Noticeboard))
	}
	// A noticeboard post ends nothing by itself on the conversation's badge.
	if !m.conv(t, "conv-1").EndedAt.IsZero() {
		t.Errorf("EndedAt = %v", m.conv(t, "conv-1").EndedAt)
	}
}

func TestFinalDecision(t *testing.T) {
	cases := []struct {
		name     string
		dat      obj
		decision string
		reason   string
		status   projection.Status
		portal   projection.ApplicationStatus
	}{
		{"decision", obj{"decision": "APPROVED", "reason": "ok"}, "APPROVED", "ok", projection.StatusApproved, "approved"},
		{"outcome spelling", obj{"outcome": "DECLINED"}, "DECLINED", "", projection.StatusDeclined, "declined"},
		{"decision wins over outcome", obj{"decision": "DECLINED", "outcome": "APPROVED"}, "DECLINED", "", projection.StatusDeclined, "declined"},
		{"empty decision falls back to outcome", obj{"decision": "", "outcome": "APPROVED"}, "APPROVED", "", projection.StatusApproved, "approved"},
		{"other word kept as sent", obj{"decision": "REFERRED", "reason": "manual review"}, "REFERRED", "manual review", projection.StatusActive, "submitted"},
		{"lower case", obj{"decision": "approved"}, "approved", "", projection.StatusApproved, "approved"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newStore()
			m.batch(t, ev("applicationDetail_changed", "1", obj{"loanAmount": 400}))
			wantOutcomes(t, m.batch(t, ev("final_decision", "2", tc.dat)), projection.Applied)
			c := m.conv(t, "conv-1")
			a := m.app(t, "APP-1")
			if c.Decision != tc.decision || c.DecisionReason != tc.reason || a.Outcome != tc.decision || a.OutcomeReason != tc.reason {
				t.Errorf("conversation %q (%q), application %q (%q); want %q (%q)", c.Decision, c.DecisionReason, a.Outcome, a.OutcomeReason, tc.decision, tc.reason)
			}
			if got := projection.StatusAt(c.StatusInputs(), at(2), projection.DefaultThresholds); got != tc.status {
				t.Errorf("status = %s, want %s", got, tc.status)
			}
			if got := m.portalRow(t, "APP-1").Status; got != tc.portal {
				t.Errorf("portal status = %s, want %s", got, tc.portal)
			}
			if got := projection.PortalConversationOf(c).Status; got != "completed" {
				t.Errorf("portal conversation status = %s", got)
			}
		})
	}
	t.Run("without an application", func(t *testing.T) {
		m := newStore()
		wantOutcomes(t, m.batch(t, ev("final_decision", "1", obj{"decision": "APPROVED"}, "aid", "\x00")), projection.Applied)
		if c := m.conv(t, "conv-1"); c.Decision != "APPROVED" {
			t.Errorf("decision = %q", c.Decision)
		}
		if len(m.applications) != 0 {
			t.Errorf("applications = %v", m.applications)
		}
	})
}

func TestSummary(t *testing.T) {
	m := newStore()
	m.batch(t, ev("conversation_summary", "1", obj{"conversation_purpose": "Loan", "conversation_facts": list{"a", "b"}, "application_number": "APP-1"}))
	c := m.conv(t, "conv-1")
	if c.Purpose != "Loan" || !slices.Equal(c.Facts, []string{"a", "b"}) {
		t.Errorf("after first: %q %v", c.Purpose, c.Facts)
	}
	m.batch(t, ev("conversation_summary", "2", obj{"conversation_purpose": "Car loan"}))
	c = m.conv(t, "conv-1")
	if c.Purpose != "Car loan" || !slices.Equal(c.Facts, []string{"a", "b"}) {
		t.Errorf("purpose only: %q %v", c.Purpose, c.Facts)
	}
	m.batch(t, ev("conversation_summary", "3", obj{"conversation_purpose": nil, "conversation_facts": list{"c"}}))
	c = m.conv(t, "conv-1")
	if c.Purpose != "Car loan" || !slices.Equal(c.Facts, []string{"c"}) {
		t.Errorf("facts only: %q %v", c.Purpose, c.Facts)
	}
	m.batch(t, ev("conversation_summary", "4", obj{"conversation_facts": list{}}))
	if c = m.conv(t, "conv-1"); len(c.Facts) != 0 {
		t.Errorf("an empty fact list did not replace the facts: %v", c.Facts)
	}
}

// ---------------------------------------------------------------------------------
// Outcomes: unhandled, other agents, duplicates, bad input.

func TestUnhandledTypes(t *testing.T) {
	m := newStore()
	res := m.batch(t,
		ev("conversation_started", "1", obj{}),
		ev("mystery_event", "2", obj{"anything": list{1, 2}}),
		ev("mystery_event", "3", obj{}),
		ev("mystery_event", "3", obj{}),                                  // re-published
		ev("mystery_event", "", obj{"customer_id": obj{"odd": "shape"}}), // an unknown payload's shape is not ours to judge
		ev("mystery_event", "4", `[1,2]`),                                // ...but dat must still be an object
		ev("mystery_event", "5", obj{}, "cid", "\x00"),                   // no conversation to count it on
	)
	wantOutcomes(t, res[:5], projection.Applied, projection.Unhandled, projection.Unhandled, projection.Duplicate, projection.Unhandled)
	wantBadInput(t, res[5])
	wantOutcomes(t, res[6:], projection.Unhandled)
	c := m.conv(t, "conv-1")
	if c.UnhandledEvents != 3 || c.MessageCount != 0 {
		t.Errorf("UnhandledEvents = %d, MessageCount = %d", c.UnhandledEvents, c.MessageCount)
	}
	if len(m.conversations) != 1 {
		t.Errorf("conversations = %d", len(m.conversations))
	}
}

func TestOtherAgents(t *testing.T) {
	m := newStore()
	m.batch(t, ev("conversation_started", "1", obj{}))
	before := m.dump(t)
	s := projection.NewSnapshot(m)
	for i, f := range []map[string]string{
		ev("agent_heartbeat", "", obj{"status": "ok"}, "agt", "identity_agent"),
		ev("user_input", "2", obj{"utterance": "not ours"}, "agt", "identity_agent"),
		ev("applicationDetail_changed", "3", `{{{ broken`, "agt", "fraud_agent", "cid", "\x00"),
		ev("", "", nil, "agt", "serviceability_agent", "typ", "\x00"),
	} {
		e, err := ledger.Decode(m.nextStreamID(), f, nil)
		if err != nil {
			t.Fatalf("entry %d: Decode: %v", i, err)
		}
		if out, err := s.Apply(e); err != nil || out != projection.SkippedOtherAgent {
			t.Errorf("entry %d: %v, %v; want skipped", i, out, err)
		}
	}
	if ch := s.Changes(); len(ch.Conversations)+len(ch.Applications)+len(ch.Customers)+len(ch.Messages) != 0 {
		t.Errorf("other agents changed %+v", ch)
	}
	m.persist(t, s)
	if m.dump(t) != before {
		t.Error("other agents changed the stored state")
	}
}

func TestDuplicates(t *testing.T) {
	msg := ev("user_input", "5", obj{"utterance": "hi"})
	t.Run("re-published in the same batch", func(t *testing.T) {
		m := newStore()
		wantOutcomes(t, m.batch(t, msg, msg), projection.Applied, projection.Duplicate)
		if c := m.conv(t, "conv-1"); c.MessageCount != 1 || len(m.msgs(t, "conv-1")) != 1 || c.Version != 1 {
			t.Errorf("MessageCount %d, stored %d, version %d", c.MessageCount, len(m.msgs(t, "conv-1")), c.Version)
		}
	})
	t.Run("re-published in a later batch", func(t *testing.T) {
		m := newStore()
		wantOutcomes(t, m.each(t, msg, msg), projection.Applied, projection.Duplicate)
		if c := m.conv(t, "conv-1"); c.MessageCount != 1 || len(m.msgs(t, "conv-1")) != 1 {
			t.Errorf("MessageCount %d, stored %d", c.MessageCount, len(m.msgs(t, "conv-1")))
		}
	})
	t.Run("re-published with another payload keeps the first", func(t *testing.T) {
		m := newStore()
		wantOutcomes(t, m.each(t, msg, ev("user_input", "5", obj{"utterance": "changed"})), projection.Applied, projection.Duplicate)
		if c := m.conv(t, "conv-1"); c.LastMessage.Text != "hi" {
			t.Errorf("last message = %q", c.LastMessage.Text)
		}
	})
	t.Run("same seq, other type or conversation", func(t *testing.T) {
		m := newStore()
		wantOutcomes(t, m.batch(t, msg,
			ev("assistant_response", "5", obj{"u": "hello"}),
			ev("user_input", "5", obj{"utterance": "hi"}, "cid", "conv-2"),
		), projection.Applied, projection.Applied, projection.Applied)
		if c := m.conv(t, "conv-1"); c.MessageCount != 2 {
			t.Errorf("MessageCount = %d", c.MessageCount)
		}
	})
	for _, seq := range []string{"\x00", "", "abc"} {
		t.Run(fmt.Sprintf("no seq (%q) is never deduplicated", seq), func(t *testing.T) {
			m := newStore()
			e := ev("user_input", "", obj{"utterance": "hi"}, "seq", seq)
			wantOutcomes(t, m.each(t, e, e, e), projection.Applied, projection.Applied, projection.Applied)
			if c := m.conv(t, "conv-1"); c.MessageCount != 3 || len(m.msgs(t, "conv-1")) != 3 {
				t.Errorf("MessageCount = %d", c.MessageCount)
			}
		})
	}
	t.Run("every known type", func(t *testing.T) {
		m := newStore()
		entries := []map[string]string{
			ev("conversation_started", "1", obj{}),
			ev("applicationDetail_changed", "2", obj{"loanAmount": 100, "customerIdentityDocuments": list{obj{"document_type": "PASSPORT", "document_number": "P1"}}}),
			ev("identityRisk_assessment", "3", obj{"decision": "PASS"}),
			ev("noticeboard_updated", "4", obj{"agent_name": "a::T", "post": "p"}),
			ev("final_decision", "5", obj{"decision": "APPROVED"}),
			ev("conversation_summary", "6", obj{"conversation_facts": list{"f"}}),
			ev("assistant_response", "7", obj{"u": "hi"}),
		}
		m.batch(t, entries...)
		before := m.dump(t)
		for i, r := range m.batch(t, entries...) {
			if r.err != nil || r.out != projection.Duplicate {
				t.Errorf("entry %d: %v, %v", i, r.out, r.err)
			}
		}
		if m.dump(t) != before {
			t.Error("duplicates changed the state")
		}
	})
}

func TestMissingCID(t *testing.T) {
	for _, typ := range []string{
		"conversation_started", "user_input", "assistant_response", "applicationDetail_changed",
		"noticeboard_updated", "final_decision", "conversation_summary", "identityRisk_assessment",
		"serviceability_assessment_results", "fraudCheck_results", "fraudCheck_assessment", "custom_assessment",
	} {
		for _, cid := range []string{"\x00", "", "  "} {
			t.Run(fmt.Sprintf("%s/%q", typ, cid), func(t *testing.T) {
				m := newStore()
				dat := obj{"utterance": "hi", "u": "hi", "agent_name": "a", "post": "p", "decision": "APPROVED", "loanAmount": 1}
				res := m.batch(t, ev(typ, "1", dat, "cid", cid))
				wantBadInput(t, res[0])
				if len(m.conversations)+len(m.applications)+len(m.customers)+len(m.messages) != 0 {
					t.Errorf("state changed: %s", m.dump(t))
				}
			})
		}
	}
}

// TestWrongShapesChangeNothing checks that each payload of the wrong shape is bad
// input and changes nothing: neither the snapshot's Changes, nor records the batch
// later touches, nor the duplicate guard.
func TestWrongShapesChangeNothing(t *testing.T) {
	prime := []map[string]string{
		ev("conversation_started", "1", obj{"username": "priya"}),
		ev("applicationDetail_changed", "2", obj{
			"loanAmount": 400, "loanPurpose": "Car",
			"customer":                  obj{"customer_id": "cust-1", "first_name": "Priya", "email_address": "p@example.com"},
			"customerIdentityDocuments": list{obj{"document_type": "PASSPORT", "document_number": "P1", "expiry_date": "2030-01-01"}},
			"applicationProcess":        obj{"currentProcessStage": "identity"},
		}),
		ev("user_input", "3", obj{"utterance": "hi"}),
		ev("serviceability_assessment_results", "4", obj{"surplus": 1}),
		ev("noticeboard_updated", "5", obj{"agent_name": "a::T", "post": "p"}),
		ev("conversation_summary", "6", obj{"conversation_purpose": "Loan", "conversation_facts": list{"f"}}),
	}
	// touch changes every record the bad events could have reached, so anything a
	// bad event left behind in the snapshot would be persisted.
	touch := []map[string]string{
		ev("mystery_event", "", obj{}),
		ev("applicationDetail_changed", "", obj{"customer": obj{"customer_id": "cust-1"}}),
		ev("mystery_event", "", obj{}, "cid", "conv-2"),
	}
	app := func(d obj) map[string]string { return ev("applicationDetail_changed", "50", d) }
	cases := []struct {
		name  string
		entry map[string]string
	}{
		{"customer a string", app(obj{"loanAmount": 999, "customer": "Priya"})},
		{"customer a list", app(obj{"loanAmount": 999, "customer": list{obj{"customer_id": "cust-1"}}})},
		{"documents an object", app(obj{"loanAmount": 999, "customerIdentityDocuments": obj{"document_type": "PASSPORT"}})},
		{"document not an object", app(obj{"loanAmount": 999, "customerIdentityDocuments": list{"PASSPORT"}})},
		{"applicationProcess a list", app(obj{"loanAmount": 999, "applicationProcess": list{}})},
		{"loanAmount not a number", app(obj{"loanPurpose": "Boat", "loanAmount": "four hundred"})},
		{"loanAmount a boolean", app(obj{"loanPurpose": "Boat", "loanAmount": true})},
		{"loanAmount NaN", app(obj{"loanPurpose": "Boat", "loanAmount": "NaN"})},
		{"loanFee infinite", app(obj{"loanAmount": 5, "loanFee": "-Inf"})},
		{"loanAmount too large to derive a total", app(obj{"loanPurpose": "Boat", "loanAmount": 1e307})},
		{"loanFee an object", app(obj{"loanAmount": 999, "loanFee": obj{"v": 1}})},
		{"applicationNumber an object", app(obj{"loanAmount": 999, "applicationNumber": obj{"v": "APP-1"}})},
		{"applicationOutcome a list", app(obj{"loanAmount": 999, "applicationOutcome": list{"APPROVED"}})},
		{"customer details without a customer id", ev("applicationDetail_changed", "50",
			obj{"customer": obj{"first_name": "Ghost"}}, "cid", "conv-2", "uid", "\x00")},
		{"no application number anywhere", ev("applicationDetail_changed", "50", obj{"loanAmount": 5}, "cid", "conv-2", "aid", "\x00")},
		{"facts not strings", ev("conversation_summary", "50", obj{"conversation_purpose": "X", "conversation_facts": list{"a", 3}})},
		{"facts a string", ev("conversation_summary", "50", obj{"conversation_purpose": "X", "conversation_facts": "a"})},
		{"purpose an object", ev("conversation_summary", "50", obj{"conversation_purpose": obj{}, "conversation_facts": list{"a"}})},
		{"decision missing", ev("final_decision", "50", obj{"reason": "x"})},
		{"decision an object", ev("final_decision", "50", obj{"decision": obj{"v": "APPROVED"}})},
		{"reason a list", ev("final_decision", "50", obj{"decision": "APPROVED", "reason": list{}})},
		{"utterance an object", ev("user_input", "50", obj{"utterance": obj{"text": "hi"}})},
		{"u a list", ev("assistant_response", "50", obj{"u": list{"hi"}, "e": "true"})},
		{"rationale an object", ev("assistant_response", "50", obj{"u": "hi", "r": obj{}})},
		{"additional_data a string", ev("user_input", "50", obj{"utterance": "hi", "additional_data": "x"})},
		{"d a list", ev("assistant_response", "50", obj{"u": "hi", "d": list{}})},
		{"created_at an object", ev("user_input", "50", obj{"utterance": "hi", "created_at": obj{}})},
		{"message to a new conversation", ev("user_input", "50", obj{"utterance": obj{}}, "cid", "conv-2")},
		{"username an object", ev("conversation_started", "50", obj{"username": obj{}}, "cid", "conv-2")},
		{"post an object", ev("noticeboard_updated", "50", obj{"agent_name": "a::T", "post": obj{}})},
		{"post without agent or text", ev("noticeboard_updated", "50", obj{"agent_finished": true})},
		{"assessment created_at a list", ev("serviceability_assessment_results", "50", obj{"surplus": 9, "created_at": list{}})},
		{"application_number a list", ev("user_input", "50", obj{"utterance": "hi", "application_number": list{}})},
		{"customer_id an object", ev("identityRisk_assessment", "50", obj{"decision": "FAIL", "customer_id": obj{}})},
		{"dat not JSON", ev("user_input", "50", `{"utterance": "hi"`)},
		{"dat an array", ev("user_input", "50", `[{"utterance": "hi"}]`)},
		{"dat a number", ev("final_decision", "50", `1`)},
		{"dat over 1 MiB", ev("user_input", "50", obj{"utterance": strings.Repeat("x", ledger.MaxPayload)})},
	}
	control := newStore()
	control.batch(t, prime...)
	control.batch(t, touch...)
	want := control.dump(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Alone in a batch: an error and no changes at all.
			m := newStore()
			m.batch(t, prime...)
			before := m.dump(t)
			e, err := ledger.Decode("1732451234567-100", tc.entry, nil)
			if err == nil {
				s := projection.NewSnapshot(m)
				_, err = s.Apply(e)
				ch := s.Changes()
				if len(ch.Conversations)+len(ch.Applications)+len(ch.Customers)+len(ch.Messages) != 0 {
					t.Errorf("rejected event changed %+v", ch)
				}
				if rows, perr := s.PortalApplications(); perr != nil || len(rows) != 0 {
					t.Errorf("rejected event changed portal rows %v, %v", rows, perr)
				}
				m.persist(t, s)
			}
			wantBadInput(t, result{err: err})
			if m.dump(t) != before {
				t.Errorf("state changed:\n got %s\nwant %s", m.dump(t), before)
			}
			// Followed by events that touch every record: as if it never happened.
			m = newStore()
			m.batch(t, prime...)
			res := m.batch(t, append([]map[string]string{tc.entry}, touch...)...)
			wantBadInput(t, res[0])
			if got := m.dump(t); got != want {
				t.Errorf("state differs from never having seen the event:\n got %s\nwant %s", got, want)
			}
		})
	}
}

type failing struct{ err error }

func (f failing) Conversation(string) (*projection.Conversation, error) { return nil, f.err }
func (f failing) Application(string) (*projection.Application, error)   { return nil, f.err }
func (f failing) Customer(string) (*projection.Customer, error)         { return nil, f.err }

// halfFailing loads conversations but fails on applications and customers.
type halfFailing struct{ failing }

func (halfFailing) Conversation(string) (*projection.Conversation, error) { return nil, nil }

func TestSourceFailureIsNotBadInput(t *testing.T) {
	down := errors.New("database is locked")
	for _, src := range []projection.Source{failing{down}, halfFailing{failing{down}}} {
		for _, f := range []map[string]string{
			ev("user_input", "1", obj{"utterance": "hi"}),
			ev("applicationDetail_changed", "2", obj{"loanAmount": 1, "customer": obj{"customer_id": "c"}}),
			ev("final_decision", "3", obj{"decision": "APPROVED"}),
		} {
			e, err := ledger.Decode("1-1", f, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = projection.NewSnapshot(src).Apply(e)
			if _, half := src.(halfFailing); half && f["typ"] == "user_input" {
				if err != nil {
					t.Errorf("%T %s: %v", src, f["typ"], err)
				}
				continue
			}
			if !errors.Is(err, down) || ledger.IsBadInput(err) {
				t.Errorf("%T %s: err = %v; want the store's error, not bad input", src, f["typ"], err)
			}
		}
	}
}

// ---------------------------------------------------------------------------------
// Derived views.

func TestStatusAt(t *testing.T) {
	last := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	custom := projection.Thresholds{Paused: 5 * time.Minute, SoftEnd: 30 * time.Minute, HardEnd: 2 * time.Hour}
	def := projection.DefaultThresholds
	in := func(decision string, ended bool) projection.StatusInputs {
		return projection.StatusInputs{Decision: decision, Ended: ended, LastMessageAt: last, StartedAt: last.Add(-time.Hour)}
	}
	cases := []struct {
		name string
		in   projection.StatusInputs
		idle time.Duration
		th   projection.Thresholds
		want projection.Status
	}{
		{"just now", in("", false), 0, def, projection.StatusActive},
		{"clock behind the message", in("", false), -time.Minute, def, projection.StatusActive},
		{"exactly 3 minutes", in("", false), 3 * time.Minute, def, projection.StatusActive},
		{"just over 3 minutes", in("", false), 3*time.Minute + time.Nanosecond, def, projection.StatusPaused},
		{"exactly 20 minutes", in("", false), 20 * time.Minute, def, projection.StatusPaused},
		{"just over 20 minutes", in("", false), 20*time.Minute + time.Nanosecond, def, projection.StatusSoftEnd},
		{"exactly 24 hours", in("", false), 24 * time.Hour, def, projection.StatusSoftEnd},
		{"just over 24 hours", in("", false), 24*time.Hour + time.Nanosecond, def, projection.StatusHardEnd},
		{"a week", in("", false), 7 * 24 * time.Hour, def, projection.StatusHardEnd},
		{"custom: 4 minutes is active", in("", false), 4 * time.Minute, custom, projection.StatusActive},
		{"custom: exactly 5 minutes", in("", false), 5 * time.Minute, custom, projection.StatusActive},
		{"custom: over 5 minutes", in("", false), 5*time.Minute + time.Millisecond, custom, projection.StatusPaused},
		{"custom: exactly 30 minutes", in("", false), 30 * time.Minute, custom, projection.StatusPaused},
		{"custom: over 30 minutes", in("", false), 31 * time.Minute, custom, projection.StatusSoftEnd},
		{"custom: exactly 2 hours", in("", false), 2 * time.Hour, custom, projection.StatusSoftEnd},
		{"custom: over 2 hours", in("", false), 2*time.Hour + time.Second, custom, projection.StatusHardEnd},
		{"approved", in("APPROVED", false), 0, def, projection.StatusApproved},
		{"declined", in("DECLINED", false), 0, def, projection.StatusDeclined},
		{"approved in lower case", in("approved", false), 0, def, projection.StatusApproved},
		{"decision beats ended", in("APPROVED", true), 0, def, projection.StatusApproved},
		{"decision beats idle", in("DECLINED", false), 48 * time.Hour, custom, projection.StatusDeclined},
		{"decision beats ended and idle", in("APPROVED", true), 48 * time.Hour, def, projection.StatusApproved},
		{"another decision word shows by time", in("REFERRED", false), 10 * time.Minute, def, projection.StatusPaused},
		{"another decision word with the end flag", in("REFERRED", true), 0, def, projection.StatusEnded},
		{"ended", in("", true), 0, def, projection.StatusEnded},
		{"ended beats paused", in("", true), 10 * time.Minute, def, projection.StatusEnded},
		{"ended beats hard end", in("", true), 48 * time.Hour, def, projection.StatusEnded},
		{"no messages: start time, active", projection.StatusInputs{StartedAt: last}, 2 * time.Minute, def, projection.StatusActive},
		{"no messages: start time, paused", projection.StatusInputs{StartedAt: last}, 10 * time.Minute, def, projection.StatusPaused},
		{"no messages: start time, hard end", projection.StatusInputs{StartedAt: last}, 25 * time.Hour, def, projection.StatusHardEnd},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := projection.StatusAt(tc.in, last.Add(tc.idle), tc.th); got != tc.want {
				t.Errorf("StatusAt = %q, want %q", got, tc.want)
			}
		})
	}
	// The last message counts, not the start.
	recent := projection.StatusInputs{LastMessageAt: last, StartedAt: last.Add(-48 * time.Hour)}
	if got := projection.StatusAt(recent, last.Add(time.Minute), def); got != projection.StatusActive {
		t.Errorf("old conversation with a recent message = %q", got)
	}
	if !slices.Contains(projection.Statuses, projection.StatusSoftEnd) || len(projection.Statuses) != 7 {
		t.Errorf("Statuses = %v", projection.Statuses)
	}
}

func TestStatusInputs(t *testing.T) {
	m := newStore()
	m.batch(t, ev("conversation_started", "1", obj{}))
	in := m.conv(t, "conv-1").StatusInputs()
	if !in.StartedAt.Equal(at(1)) || !in.LastMessageAt.IsZero() || in.Ended || in.Decision != "" {
		t.Errorf("StatusInputs = %+v", in)
	}
	m.batch(t, ev("assistant_response", "2", obj{"u": "bye", "e": "1"}), ev("final_decision", "3", obj{"outcome": "DECLINED"}))
	in = m.conv(t, "conv-1").StatusInputs()
	if !in.LastMessageAt.Equal(at(2)) || !in.Ended || in.Decision != "DECLINED" {
		t.Errorf("StatusInputs = %+v", in)
	}
}

func TestPortalApplicationOf(t *testing.T) {
	stages := func(done ...any) obj {
		l := list{}
		for i, d := range done {
			l = append(l, obj{"stageName": fmt.Sprint("s", i), "complete": d})
		}
		return obj{"applicationProcessState": l}
	}
	withStage := func(p obj, stage string) obj { p["currentProcessStage"] = stage; return p }
	docCust := &projection.Customer{ID: "c", Profile: obj{"customer_id": "c", "first_name": "Priya", "email_address": "p@x"},
		Documents: []map[string]any{{"document_type": "PASSPORT", "document_number": "P1"}}}
	allDone := obj{"statementCaptureCompleted": true, "productOfferAcceptance": true, "customerAttestationAcceptance": true}
	merge := func(ms ...obj) obj {
		out := obj{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	cases := []struct {
		name        string
		outcome     string
		detail      obj
		cust        *projection.Customer
		status      projection.ApplicationStatus
		stage       string
		progress    int
		outstanding bool
		docs        []string // statuses of the four required documents
	}{
		{"draft", "", obj{}, nil, "draft", "submitted", 0, true, []string{"outstanding", "outstanding", "outstanding", "outstanding"}},
		{"draft with a purpose only", "", obj{"loanPurpose": "Car"}, nil, "draft", "submitted", 0, true, nil},
		{"submitted", "", obj{"loanAmount": 400.0}, nil, "submitted", "submitted", 0, true, nil},
		{"submitted, amount as a string", "", obj{"loanAmount": "400"}, nil, "submitted", "submitted", 0, true, nil},
		{"under review", "", obj{"loanAmount": 400.0, "applicationProcess": withStage(stages(true, false, false), "identity")}, nil, "under_review", "identity", 33, true, nil},
		{"under review without an amount", "", obj{"applicationProcess": obj{"currentProcessStage": "loan_details"}}, nil, "under_review", "loan_details", 0, true, nil},
		{"stages without a current stage", "", obj{"loanAmount": 1.0, "applicationProcess": stages(true, true)}, nil, "submitted", "submitted", 100, true, nil},
		{"approved", "APPROVED", obj{"applicationProcess": withStage(stages(true, true, true, false), "offer")}, nil, "approved", "offer", 75, false, nil},
		{"declined in lower case", "declined", obj{"loanAmount": 400.0}, nil, "declined", "submitted", 0, false, nil},
		{"another outcome word", "REFERRED", obj{"applicationProcess": obj{"currentProcessStage": "offer"}}, nil, "under_review", "offer", 0, true, nil},
		{"0 stages", "", obj{"applicationProcess": stages()}, nil, "draft", "submitted", 0, true, nil},
		{"string and odd stage flags", "", obj{"applicationProcess": obj{"applicationProcessState": list{obj{"complete": "true"}, obj{"complete": "false"}, "junk", obj{}}}}, nil, "draft", "submitted", 33, true, nil},
		{"all requirements met", "", merge(allDone, obj{"loanAmount": 400.0}), docCust, "submitted", "submitted", 0, false, []string{"provided", "provided", "provided", "provided"}},
		{"statements missing", "", obj{"productOfferAcceptance": true, "customerAttestationAcceptance": true}, docCust, "draft", "submitted", 0, true, []string{"provided", "outstanding", "provided", "provided"}},
		{"identity document missing", "", allDone, &projection.Customer{ID: "c", Profile: obj{"first_name": "P"}}, "draft", "submitted", 0, true, []string{"outstanding", "provided", "provided", "provided"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := &projection.Application{Number: "APP-1", CustomerID: "c", Outcome: tc.outcome, Detail: tc.detail, UpdatedAt: t0, Version: 4}
			p := projection.PortalApplicationOf(a, tc.cust)
			if p.Status != tc.status || p.CurrentStage != tc.stage || p.ProgressPercentage != tc.progress || p.HasOutstandingRequirements != tc.outstanding {
				t.Errorf("status %q stage %q progress %d outstanding %v; want %q %q %d %v",
					p.Status, p.CurrentStage, p.ProgressPercentage, p.HasOutstandingRequirements, tc.status, tc.stage, tc.progress, tc.outstanding)
			}
			if a.PortalStatus() != tc.status || a.CurrentStage() != tc.stage {
				t.Errorf("PortalStatus, CurrentStage = %q, %q", a.PortalStatus(), a.CurrentStage())
			}
			if len(p.RequiredDocuments) != 4 {
				t.Fatalf("required documents = %v", p.RequiredDocuments)
			}
			for i, want := range tc.docs {
				if p.RequiredDocuments[i].Status != want {
					t.Errorf("%s = %s, want %s", p.RequiredDocuments[i].Name, p.RequiredDocuments[i].Status, want)
				}
			}
			if p.CustomerID != "c" || p.ApplicationID != "APP-1" || !p.LastUpdateAt.Equal(t0) || p.Version != 4 || p.SubmittedAt != nil {
				t.Errorf("row = %+v", p)
			}
			if tc.cust == nil && (p.CustomerName != "" || p.CustomerEmail != "") {
				t.Errorf("name/email without a customer: %q %q", p.CustomerName, p.CustomerEmail)
			}
			if tc.cust == docCust && (p.CustomerName != "Priya" || p.CustomerEmail != "p@x") {
				t.Errorf("name/email = %q %q", p.CustomerName, p.CustomerEmail)
			}
			if _, ok := tc.detail["loanAmount"]; ok != (p.LoanAmount != nil) {
				t.Errorf("LoanAmount = %v", p.LoanAmount)
			}
		})
	}
	submitted := &projection.Application{Number: "APP-1", Detail: obj{}, SubmittedAt: t0}
	if p := projection.PortalApplicationOf(submitted, nil); p.SubmittedAt == nil || !p.SubmittedAt.Equal(t0) {
		t.Errorf("SubmittedAt = %v", p.SubmittedAt)
	}
}

func TestPortalConversationOf(t *testing.T) {
	base := func() *projection.Conversation {
		return &projection.Conversation{ID: "conv-1", CustomerID: "c", ApplicationNumber: "APP-1", Purpose: "Loan", StartedAt: t0, Version: 3}
	}
	c := base()
	if p := projection.PortalConversationOf(c); p.Status != "active" || p.LastMessage != "" || p.LastMessageAt != nil || p.MessageCount != 0 ||
		p.ConversationID != "conv-1" || p.CustomerID != "c" || p.ApplicationID != "APP-1" || p.Purpose != "Loan" || !p.StartedAt.Equal(t0) || p.Version != 3 {
		t.Errorf("no messages: %+v", p)
	}
	c.MessageCount, c.LastMessageAt = 2, at(5)
	c.LastMessage = &projection.MessagePreview{Sender: "assistant", Text: "Hello", At: at(5)}
	if p := projection.PortalConversationOf(c); p.Status != "active" || p.LastMessage != "Hello" || p.LastMessageAt == nil || !p.LastMessageAt.Equal(at(5)) || p.MessageCount != 2 {
		t.Errorf("active: %+v", p)
	}
	c.EndedAt = at(5)
	if p := projection.PortalConversationOf(c); p.Status != "completed" {
		t.Errorf("ended: %+v", p)
	}
	c = base()
	c.Decision = "REFERRED"
	if p := projection.PortalConversationOf(c); p.Status != "completed" {
		t.Errorf("decided: %+v", p)
	}
}

func TestPortalApplicationsFollowTheCustomer(t *testing.T) {
	m := newStore()
	m.batch(t, ev("applicationDetail_changed", "1", obj{"loanAmount": 400}, "uid", "\x00"))
	if len(m.portal) != 0 {
		t.Errorf("a row for an application without a customer: %v", m.portal)
	}
	m.batch(t, ev("applicationDetail_changed", "2", obj{"customer": obj{"customer_id": "cust-1", "first_name": "Priya"}}))
	if row := m.portalRow(t, "APP-1"); row.CustomerID != "cust-1" || row.CustomerName != "Priya" || row.Status != "submitted" {
		t.Errorf("row = %+v", row)
	}
	// A second application of the same customer; a later name change reaches both rows.
	m.batch(t, ev("applicationDetail_changed", "3", obj{"loanAmount": 100}, "aid", "APP-2"))
	m.batch(t, ev("applicationDetail_changed", "4", obj{"customer": obj{"customer_id": "cust-1", "last_name": "Raman"}}, "aid", "APP-2"))
	for _, n := range []string{"APP-1", "APP-2"} {
		if row := m.portalRow(t, n); row.CustomerName != "Priya Raman" {
			t.Errorf("%s name = %q", n, row.CustomerName)
		}
	}
}

// ---------------------------------------------------------------------------------
// Values that went through a JSON store come back as float64, not json.Number.

func TestNumbersSurviveTheStore(t *testing.T) {
	m := newStore()
	m.batch(t, ev("applicationDetail_changed", "1", obj{
		"loanAmount": 400, "statementCaptureCompleted": 1,
		"applicationProcess": obj{"currentProcessStage": "offer",
			"applicationProcessState": list{obj{"complete": 1}, obj{"complete": 0}}},
		"customer": obj{"customer_id": "cust-1", "first_name": "Priya", "email_address": obj{"value": "p@x"}, "customer_number": 42},
	}))
	first := m.portalRow(t, "APP-1")
	// An unrelated delta in a later batch re-derives the row from stored values.
	m.batch(t, ev("applicationDetail_changed", "2", obj{"loanTerm": 30}))
	second := m.portalRow(t, "APP-1")
	if first.ProgressPercentage != 50 || second.ProgressPercentage != first.ProgressPercentage ||
		second.RequiredDocuments[1].Status != first.RequiredDocuments[1].Status || first.RequiredDocuments[1].Status != "provided" {
		t.Errorf("row changed after a round trip through the store:\n first %+v\nsecond %+v", first, second)
	}
}

// ---------------------------------------------------------------------------------
// Fuzzing the reducer.

func FuzzApply(f *testing.F) {
	for _, e := range loadFixture(f) {
		f.Add(e["typ"], e["seq"], e["dat"], e["cid"] != "")
	}
	for _, s := range []struct{ typ, dat string }{
		{"applicationDetail_changed", `{"customer":"x"}`},
		{"applicationDetail_changed", `{"customerIdentityDocuments":[{"document_type":"P","document_number":1},{"document_type":"P","document_number":1}]}`},
		{"applicationDetail_changed", `{"loanAmount":"1e400"}`},
		{"applicationDetail_changed", `{"loanAmount":"NaN"}`},
		{"conversation_summary", `{"conversation_facts":["a",1]}`},
		{"final_decision", `{"reason":"x"}`},
		{"user_input", `{"utterance":{"t":1}}`},
		{"noticeboard_updated", `{"agentName":"a::","content":"c"}`},
		{"custom_assessment", `{"tax_file_number":"1","x":[{"tax_country":"AU"}]}`},
		{"mystery", `{"customer_id":{}}`},
	} {
		f.Add(s.typ, "9", s.dat, true)
	}
	base := newStore()
	base.batch(f, loadFixture(f)[:10]...)
	f.Fuzz(func(t *testing.T, typ, seq, dat string, withCID bool) {
		fields := map[string]string{"agt": "broker", "typ": typ, "seq": seq, "dat": dat, "aid": "APP-2026-004217", "uid": "cust-55120"}
		if withCID {
			fields["cid"] = "conv-7f3a91"
		}
		e, err := ledger.Decode("1732451234567-500", fields, nil)
		if err != nil {
			return
		}
		s := projection.NewSnapshot(base) // loads copies: base is never changed
		out, err := s.Apply(e)
		if err != nil {
			if !ledger.IsBadInput(err) {
				t.Fatalf("error %v is not bad input", err)
			}
			ch := s.Changes()
			if len(ch.Conversations)+len(ch.Applications)+len(ch.Customers)+len(ch.Messages) != 0 {
				t.Fatalf("rejected event changed %+v", ch)
			}
			return
		}
		if out < projection.Applied || out > projection.Unhandled {
			t.Fatalf("outcome %d", out)
		}
		_ = out.String()
		rows, err := s.PortalApplications()
		if err != nil {
			t.Fatal(err)
		}
		var state any
		if err := json.Unmarshal(mustJSON(t, []any{s.Changes(), rows}), &state); err != nil {
			t.Fatal(err)
		}
		if k := taxKey(state); k != "" {
			t.Fatalf("%s in the changes", k)
		}
		if e.HasSeq && e.ConversationID != "" { // without a conversation there is nothing to remember it on
			e.ID.Seq++
			if again, err := s.Apply(e); err != nil || again != projection.Duplicate {
				t.Fatalf("re-published: %v, %v; want duplicate", again, err)
			}
		}
		for _, r := range rows {
			for _, v := range []*float64{r.LoanAmount, r.LoanFee, r.LoanTotalPayable} {
				if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
					t.Fatalf("portal amount %v", *v)
				}
			}
		}
	})
}

func taxKey(v any) string {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			if slices.Contains(taxFields, k) {
				return k
			}
			if found := taxKey(child); found != "" {
				return found
			}
		}
	case []any:
		for _, child := range t {
			if found := taxKey(child); found != "" {
				return found
			}
		}
	}
	return ""
}

// A created_at without a zone is the producer's wall clock, as tsp is.
func TestCreatedAtInTheProducersZone(t *testing.T) {
	plus2 := time.FixedZone("", 2*3600)
	m := newStore()
	s := projection.NewSnapshot(m)
	for _, f := range []map[string]string{
		ev("user_input", "1", obj{"utterance": "hi", "created_at": "2026-11-24 12:00:00.5"}),
		ev("identityRisk_assessment", "2", obj{"decision": "PASS", "created_at": "2026-11-24T12:00:01"}),
	} {
		e, err := ledger.Decode(m.nextStreamID(), f, plus2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	m.persist(t, s)
	if msgs := m.msgs(t, "conv-1"); len(msgs) != 1 || !msgs[0].At.Equal(at(0).Add(500*time.Millisecond)) {
		t.Errorf("message at %v, want %v", msgs[0].At, at(0).Add(500*time.Millisecond))
	}
	if a := m.held(t, "conv-1").Assessments["identityRisk"]; a == nil || !a.At.Equal(at(1)) {
		t.Errorf("assessment %+v, want at %v", a, at(1))
	}
}
