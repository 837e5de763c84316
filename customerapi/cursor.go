package customerapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"unicode/utf8"

	"github.com/billie/supervisor/backend/store"
)

// A cursor is the position after the last item of a page: the sort key (Unix
// milliseconds) and the id that breaks ties. On the wire it is opaque: version, list
// kind, key and id, then a MAC over the customer id and all of that, base64url. The
// MAC makes a cursor that was edited, truncated, made for another list or for another
// customer fail with 400 instead of silently starting somewhere else.

const (
	cursorVersion = 1
	cursorMACLen  = 16
	maxCursorLen  = 512
)

type listKind byte

const (
	kindApplications  listKind = 'a'
	kindConversations listKind = 'c'
)

var errBadCursor = errors.New("invalid cursor")

type cursorCodec struct{ key []byte }

func (c cursorCodec) encode(kind listKind, customerID string, p store.PortalPosition) string {
	buf := make([]byte, 0, 2+binary.MaxVarintLen64+len(p.ID)+cursorMACLen)
	buf = append(buf, cursorVersion, byte(kind))
	buf = binary.AppendVarint(buf, p.Key)
	buf = append(buf, p.ID...)
	buf = append(buf, c.mac(customerID, buf)...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

func (c cursorCodec) decode(kind listKind, customerID, s string) (store.PortalPosition, error) {
	if len(s) == 0 || len(s) > maxCursorLen {
		return store.PortalPosition{}, errBadCursor
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 3+cursorMACLen {
		return store.PortalPosition{}, errBadCursor
	}
	body, sum := raw[:len(raw)-cursorMACLen], raw[len(raw)-cursorMACLen:]
	if !hmac.Equal(sum, c.mac(customerID, body)) {
		return store.PortalPosition{}, errBadCursor
	}
	if body[0] != cursorVersion || listKind(body[1]) != kind {
		return store.PortalPosition{}, errBadCursor
	}
	key, n := binary.Varint(body[2:])
	if n <= 0 {
		return store.PortalPosition{}, errBadCursor
	}
	id := body[2+n:]
	if len(id) == 0 || len(id) > maxIDLen || !utf8.Valid(id) {
		return store.PortalPosition{}, errBadCursor
	}
	return store.PortalPosition{Key: key, ID: string(id)}, nil
}

func (c cursorCodec) mac(customerID string, body []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(customerID))
	m.Write([]byte{0})
	m.Write(body)
	return m.Sum(nil)[:cursorMACLen]
}
