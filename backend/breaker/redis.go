package breaker

import (
	"context"
	"errors"
	"net"

	"github.com/redis/go-redis/v9"
)

// RedisHook guards every command and pipeline of a go-redis client with b (add it
// with AddHook): while b is open a command fails at once, without a connection.
func RedisHook(b *Breaker) redis.Hook { return redisHook{b} }

// IsRedisFailure tells Redis being unreachable or failing from an answer it gave:
// redis.Nil (no such key, nothing to read) and an error reply (WRONGTYPE, NOGROUP,
// NOPERM, ...) mean Redis is up. A cancelled call is neither (Options.IsFailure).
func IsRedisFailure(err error) bool {
	if err == nil || errors.Is(err, redis.Nil) || errors.Is(err, context.Canceled) {
		return false
	}
	var reply redis.Error
	if errors.As(err, &reply) {
		// An error reply is Redis answering; only these say it cannot serve.
		msg := reply.Error()
		for _, p := range []string{"LOADING", "MASTERDOWN", "BUSY ", "CLUSTERDOWN", "TRYAGAIN"} {
			if len(msg) >= len(p) && msg[:len(p)] == p {
				return true
			}
		}
		return false
	}
	return true
}

type redisHook struct{ b *Breaker }

// admitted marks the context of a call the breaker let through: the commands go-redis
// sends on its behalf (HELLO and CLIENT SETINFO on a new connection) are part of it,
// and must not take a half-open breaker's one probe from it.
type admitted struct{}

func (h redisHook) allow(ctx context.Context) (context.Context, func(error), error) {
	if ctx.Value(admitted{}) != nil {
		return ctx, func(error) {}, nil
	}
	done, err := h.b.Allow()
	if err != nil {
		return ctx, nil, err
	}
	return context.WithValue(ctx, admitted{}, true), done, nil
}

func (h redisHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		return next(ctx, network, addr)
	}
}

func (h redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		ctx, done, err := h.allow(ctx)
		if err != nil {
			cmd.SetErr(err)
			return err
		}
		err = next(ctx, cmd)
		done(err)
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		ctx, done, err := h.allow(ctx)
		if err != nil {
			for _, c := range cmds {
				c.SetErr(err)
			}
			return err
		}
		err = next(ctx, cmds)
		done(err)
		return err
	}
}
