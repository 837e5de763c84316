package simulator

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// Stream salts keep the independent random streams of one conversation apart:
// content, quirks, timing of its start and the customer persona each get their
// own generator, so enabling Messy does not change what the customers say.
const (
	saltContent uint64 = 0x9e3779b97f4a7c15
	saltQuirks  uint64 = 0xbf58476d1ce4e5b9
	saltStart   uint64 = 0x94d049bb133111eb
	saltPersona uint64 = 0x2545f4914f6cdd1d
	saltIDs     uint64 = 0xd6e8feb86659fd93
)

// mix64 is the splitmix64 finaliser. It is a bijection on uint64, which is
// what makes conversation ids unique within a run by construction.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// newRand returns a PCG generator for one (seed, salt, index) stream.
func newRand(seed int64, salt uint64, index int) *rand.Rand {
	a := mix64(uint64(seed) ^ salt)
	b := mix64(a + uint64(index)*0x9e3779b97f4a7c15 + 1)
	return rand.New(rand.NewPCG(a, b))
}

// idSpace derives the seed-dependent permutations behind generated ids.
type idSpace struct {
	convKey  uint64
	appMod   uint64
	appMul   uint64
	appAdd   uint64
	custMul  uint64
	custAdd  uint64
	appWidth int
}

// custMod is the size of the customer id space (10 digits, no leading zero):
// wide enough that two runs with different seeds practically never share a
// customer id.
const custMod uint64 = 9_000_000_000

func newIDSpace(seed int64, conversations int) idSpace {
	r := newRand(seed, saltIDs, 0)
	s := idSpace{convKey: r.Uint64(), appMod: 1_000_000, appWidth: 6}
	for s.appMod < uint64(conversations) {
		s.appMod *= 10
		s.appWidth++
	}
	s.appMul = coprime(r, s.appMod)
	s.appAdd = r.Uint64N(s.appMod)
	s.custMul = coprime(r, custMod)
	s.custAdd = r.Uint64N(custMod)
	return s
}

// coprime picks a multiplier coprime to m (m's prime factors are 2, 3 and 5),
// so that i -> a*i+b mod m is a permutation and ids never repeat in a run.
func coprime(r *rand.Rand, m uint64) uint64 {
	for {
		a := r.Uint64N(m-1) + 1
		if a%2 != 0 && a%3 != 0 && a%5 != 0 {
			return a
		}
	}
}

// affine returns (a*i + b) mod m without overflow.
func affine(a, i, b, m uint64) uint64 {
	hi, lo := bits.Mul64(a, i%m)
	_, rem := bits.Div64(hi, lo, m)
	return (rem + b) % m
}

func (s idSpace) conversationID(i int) string {
	return fmt.Sprintf("conv-%016x", mix64(uint64(i)+s.convKey))
}

func (s idSpace) applicationNumber(i int) string {
	return fmt.Sprintf("APP-2026-%0*d", s.appWidth, affine(s.appMul, uint64(i), s.appAdd, s.appMod))
}

func (s idSpace) customerID(i int) string {
	return fmt.Sprintf("cust-%d", 1_000_000_000+affine(s.custMul, uint64(i), s.custAdd, custMod))
}

// taxFileNumber returns a nine-digit number that passes the ATO check-digit
// test (weighted sum divisible by 11), so leak detection on the consumer side
// is exercised with realistic values.
func taxFileNumber(r *rand.Rand) string {
	weights := [9]int{1, 4, 3, 7, 5, 8, 6, 9, 10}
	for {
		var d [9]byte
		sum := 0
		for i := range 8 {
			d[i] = byte(r.IntN(10))
			sum += int(d[i]) * weights[i]
		}
		// 10*d9 = -d9 (mod 11), so the check digit is the sum mod 11.
		check := sum % 11
		if check == 10 || (d[0] == 0) {
			continue
		}
		d[8] = byte(check)
		out := make([]byte, 9)
		for i := range d {
			out[i] = '0' + d[i]
		}
		return string(out)
	}
}
