package reader

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrLeaseLost is what a Group's read returns once another consumer holds the lease:
// the reader must drop what it read ahead and start over from Acquire.
var ErrLeaseLost = errors.New("the group's lease is held by another consumer")

// Lease is the one right, per consumer group, to read from the group: a Redis key
// holding the holder's token, set with NX and an expiry that the holder renews. A
// Group reads and claims only in transactions that WATCH the key and check the token
// first (any change to the key, its expiry included, aborts them), so no entry
// is ever delivered to a consumer that does not hold the lease (that is the fence: a
// paused holder whose lease expired reads nothing more). Holders' tenures therefore
// never overlap, and each new holder starts by claiming every pending entry of the
// group, in ID order, before it reads new ones: the read models see the stream in
// stream order whatever the consumers, names, crashes and takeovers.
type Lease struct {
	rdb      redis.UniversalClient
	key      string
	consumer string
	token    string
	ttl      time.Duration
}

// NewLease makes consumer's lease on group of stream, expiring ttl after its last
// renewal. Its token is new for every process, so a restarted consumer is a new
// holder.
func NewLease(rdb redis.UniversalClient, stream, group, consumer string, ttl time.Duration) *Lease {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &Lease{rdb: rdb, key: LeaseKey(stream, group), consumer: consumer,
		token: consumer + "#" + hex.EncodeToString(b[:]), ttl: ttl}
}

// LeaseKey is the Redis key of group's lease on stream. It shares the stream's hash
// slot, so that a read's transaction may touch both on a cluster.
func LeaseKey(stream, group string) string {
	if i := strings.IndexByte(stream, '{'); i >= 0 && strings.IndexByte(stream[i:], '}') > 1 {
		return stream + ":lease:" + group
	}
	return "{" + stream + "}:lease:" + group
}

// acquireScript takes the lease when nobody holds it or, with ARGV[4] = "1", when
// the holder has this consumer's name: that holder is this consumer's previous
// process, dead (kill -9) without releasing it, and waiting out its expiry would only
// delay the restart.
var acquireScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if cur and not (ARGV[4] == '1' and string.sub(cur, 1, #ARGV[3] + 1) == ARGV[3] .. '#' and not string.find(cur, '#', #ARGV[3] + 2, true)) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`)

// Acquire takes the lease if it is free (or, with own, held by an earlier process of
// the same consumer name) and reports whether this process holds it now.
func (l *Lease) Acquire(ctx context.Context, own bool) (bool, error) {
	flag := "0"
	if own {
		flag = "1"
	}
	n, err := acquireScript.Run(ctx, l.rdb, []string{l.key}, l.token, l.ttl.Milliseconds(), l.consumer, flag).Int()
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", l.key, err)
	}
	return n == 1, nil
}

var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

// Renew extends the lease and reports whether this process still holds it; false
// means another consumer took it after it expired, and is final.
func (l *Lease) Renew(ctx context.Context) (bool, error) {
	n, err := renewScript.Run(ctx, l.rdb, []string{l.key}, l.token, l.ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("renew lease %s: %w", l.key, err)
	}
	return n == 1, nil
}

var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Release gives the lease up, if this process still holds it, so that a standby
// takes over at once.
func (l *Lease) Release(ctx context.Context) error {
	if err := releaseScript.Run(ctx, l.rdb, []string{l.key}, l.token).Err(); err != nil {
		return fmt.Errorf("release lease %s: %w", l.key, err)
	}
	return nil
}

// Holder is the consumer name of the lease's holder, "" when none holds it.
func Holder(ctx context.Context, rdb redis.UniversalClient, stream, group string) (string, error) {
	v, err := rdb.Get(ctx, LeaseKey(stream, group)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("lease holder of %s: %w", group, err)
	}
	if i := strings.LastIndexByte(v, '#'); i >= 0 {
		v = v[:i]
	}
	return v, nil
}
