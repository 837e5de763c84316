
.PHONY: bench-api
# Customer-API benchmark, not a test (docs/api.md, "Benchmark"): loads about 100,000
# customers, then wrk for 20 s at 64 and at 8 connections. BENCH_REUSE=1 keeps the database.
bench-api:
	scripts/bench-api.sh
