package simulator

// event is a rendered step before it gets its envelope. dat aliases the
// generator's scratch buffer until the entry is built.
type event struct {
	agt, typ string
	dat      []byte
	broker   bool // broker events carry seq; other agents send ""
	noCid    bool // broken: message without cid
	global   bool // not about a conversation: cid, aid and uid are empty
}

// isBroker reports whether a step is emitted by the broker (and so numbered).
func (k stepKind) isBroker() bool { return k < kHIdentity || k > kHSystem }

// render writes step k's payload with w and names its agent and type.
func (c *conv) render(w *jsonw, k stepKind) event {
	w.reset()
	switch {
	case k == kStarted:
		c.writeStarted(w)
		return event{typ: "conversation_started", dat: w.b}
	case k <= kAWithdrawn:
		c.lastAsst = c.seq
		c.writeMessage(w, c.assistantMsg(k), true)
		return event{typ: "assistant_response", dat: w.b}
	case k <= kUReject:
		c.writeMessage(w, c.userMsg(k), false)
		return event{typ: "user_input", dat: w.b}
	case k <= kDOutcome:
		c.writeDelta(w, k)
		return event{typ: "applicationDetail_changed", dat: w.b}
	case k <= kSummary:
		return event{typ: c.writeBroker(w, k), dat: w.b}
	case k <= kHSystem:
		return c.writeChatter(w, k)
	}
	return c.writeBroken(w, k)
}

func (c *conv) writeIDs(w *jsonw) {
	w.kstr("conversation_id", c.cid)
	w.kstr("application_number", c.aid)
	w.kstr("customer_id", c.uid)
}

func (c *conv) writeStarted(w *jsonw) {
	w.obj()
	c.writeIDs(w)
	w.kstr("username", "customer")
	w.kstr("created_at", isoPython(c.at))
	w.end()
}

// writeMessage picks a payload shape the way the producer does: the broker's
// LLM replies mostly use the short-key LLMChatResponse, customer messages
// mostly the utterance shape; both shapes occur for both types.
func (c *conv) writeMessage(w *jsonw, m msg, assistant bool) {
	p := 0.12
	if assistant {
		p = 0.8
	}
	if chance(c.r, p) {
		c.writeLLM(w, m)
		return
	}
	c.writeUtterance(w, m, assistant)
}

func (c *conv) writeLLM(w *jsonw, m msg) {
	w.obj()
	w.kstr("u", m.text)
	if m.rationale == "" {
		w.knull("r")
	} else {
		w.kstr("r", m.rationale)
	}
	w.kstr("a", m.input)
	w.kbool("c", m.complete)
	w.key("d")
	writeExtra(w, m.extra)
	switch {
	case m.end:
		w.kstr("e", "true")
	case chance(c.r, 0.5):
		w.knull("e")
	}
	w.end()
}

func (c *conv) writeUtterance(w *jsonw, m msg, assistant bool) {
	w.obj()
	full := assistant || chance(c.r, 0.3)
	if full {
		c.writeIDs(w)
	}
	w.kstr("utterance", m.text)
	if assistant {
		w.kstr("rationale", m.rationale)
		w.kstr("created_at", isoPython(c.at))
	}
	w.kstr("answer_input_type", m.input)
	if assistant {
		w.kint("prev_seq", c.seq-1)
	} else {
		w.kint("prev_seq", c.lastAsst)
	}
	if full {
		w.kbool("end_conversation", m.end)
	}
	if full || m.extra != nil {
		w.key("additional_data")
		writeExtra(w, m.extra)
	}
	w.end()
}

func writeExtra(w *jsonw, extra func(*jsonw)) {
	w.obj()
	if extra != nil {
		extra(w)
	}
	w.end()
}
