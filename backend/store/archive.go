package store

import (
	"encoding/json"
	"fmt"

	"github.com/billie/supervisor/backend/ledger"
	"github.com/billie/supervisor/backend/projection"
)

// envelopeFields are the ledger fields the archive keeps in columns of their own; any
// other field goes to the extra JSON column.
var envelopeFields = []string{"agt", "typ", "cid", "aid", "uid", "seq", "tsp", "dat"}

// seqBits is how many low bits of an archive position hold the ID's sequence.
const seqBits = 20

// The ledger's ID range is the archive's (the decoder rejects IDs beyond it): these
// fail to compile when the two differ.
var (
	_ = [1]struct{}{}[ledger.MaxIDSeq-(1<<seqBits-1)]
	_ = [1]struct{}{}[ledger.MaxIDMs-(1<<(63-seqBits)-1)]
)

// position packs a stream ID into one increasing integer key. Redis would need over a
// million entries in one millisecond to overflow the sequence part; an explicit ID
// beyond the range is rejected by the ledger (ledger.CheckID) before it is archived.
func position(id ledger.ID) (int64, error) {
	if id.Seq >= 1<<seqBits || id.Ms >= 1<<(63-seqBits) {
		return 0, fmt.Errorf("stream id %s is outside the archive's range", id)
	}
	return int64(id.Ms<<seqBits | id.Seq), nil
}

func idAt(pos int64) ledger.ID {
	return ledger.ID{Ms: uint64(pos) >> seqBits, Seq: uint64(pos) & (1<<seqBits - 1)}
}

// archivedOutcome is an outcome as the archive's outcome column spells it: other
// agents' entries have always been archived as "skipped_agent", and archived rows are
// kept for good; every other outcome is spelled as projection.Outcome spells it.
type archivedOutcome projection.Outcome

func (o archivedOutcome) String() string {
	if projection.Outcome(o) == projection.SkippedOtherAgent {
		return "skipped_agent"
	}
	return projection.Outcome(o).String()
}

const archiveColumns = "agt, typ, cid, aid, uid, event_seq, tsp, dat, extra"

// archiveRow is the column values of an archived entry, in archiveColumns order.
func archiveRow(a archived) ([]any, error) {
	// The archive keeps every agent's entry, so it keeps the fields without tax values
	// by ledger's one rule, never the raw text.
	fields := a.ev.StoredFields()
	row := make([]any, 0, len(envelopeFields)+1)
	for _, k := range envelopeFields {
		row = append(row, fields[k])
	}
	extra, err := extraFields(fields)
	if err != nil {
		return nil, err
	}
	return append(row, extra), nil
}

func extraFields(fields map[string]string) (any, error) {
	if len(fields) <= len(envelopeFields) && hasOnlyEnvelope(fields) {
		return nil, nil
	}
	extra := map[string]string{}
	for k, v := range fields {
		if !isEnvelope(k) {
			extra[k] = v
		}
	}
	if len(extra) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(extra)
	return string(b), err
}

func hasOnlyEnvelope(fields map[string]string) bool {
	for k := range fields {
		if !isEnvelope(k) {
			return false
		}
	}
	return true
}

func isEnvelope(k string) bool {
	for _, e := range envelopeFields {
		if e == k {
			return true
		}
	}
	return false
}

// scanArchived turns archive column values back into entry fields. Envelope fields
// that were absent come back empty, which the ledger reads as absent.
func scanArchived(vals []string, extra *string) (map[string]string, error) {
	fields := make(map[string]string, len(envelopeFields))
	for i, k := range envelopeFields {
		if vals[i] != "" {
			fields[k] = vals[i]
		}
	}
	if extra != nil {
		var more map[string]string
		if err := json.Unmarshal([]byte(*extra), &more); err != nil {
			return nil, fmt.Errorf("decode extra fields: %w", err)
		}
		for k, v := range more {
			fields[k] = v
		}
	}
	return fields, nil
}
