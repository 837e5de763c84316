// Package simulator owns the synthetic chatLedger producer: a deterministic,
// realistic source of stream entries shaped exactly like the Python broker's
// events (see /work/shared/spec/chatledger.md), used as the live demo data
// source and as the load generator for benchmarks.
//
// A Generator merges many simulated loan-application conversations into one
// sequence ordered by event time. Conversations are produced lazily: each one
// is a cursor in a heap keyed by its next event time and carries its own
// seeded RNG, so memory is bounded by the conversations in flight rather than
// by the total number of events, and the output depends only on Options.
//
// Every conversation follows the broker's script (greeting, amount/purpose,
// name, date of birth and address, identity document, statement consent,
// offer, acceptance) with applicationDetail_changed deltas, assessments,
// noticeboard posts, a final decision and a summary. Some are declined, some
// withdrawn by the customer, some abandoned midway; other agents (agt other
// than "broker") chatter now and then. The broker leaks tax_file_number inside
// some customer deltas, as the real producer does.
//
// With Options.Messy the generator also reproduces the producer quirks that
// consumers must tolerate, each in a few percent of the events it applies to:
//
//   - dat double-encoded (a JSON string whose content is the JSON object);
//   - seq sent as "";
//   - tsp missing, without a zone ("2026-11-24T09:14:02"), or with a space
//     and an offset ("2026-11-24 19:14:02.5+10:00");
//   - amounts as numeric strings ("400.00");
//   - email_address as {"value": ...};
//   - noticeboard posts as agentName + content;
//   - fraudCheck_assessment instead of fraudCheck_results;
//   - final_decision with outcome instead of decision;
//   - empty envelope aid/uid with applicationNumber/customerId only in dat;
//   - the same logical event (same cid, typ, seq) re-published as a new entry
//     a few seconds later;
//   - unknown broker types (broker_debug_snapshot);
//   - rare broken events: dat that is not JSON, a message without cid, and
//     a JSON array instead of an object in dat.
//
// Publish writes a Generator's entries to a Redis stream with pipelined XADD,
// optionally rate-limited and paced in real time for live demos.
package simulator
