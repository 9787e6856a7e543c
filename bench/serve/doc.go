// Package servebench measures the built imrbot binary as it runs in
// production: `imrbot serve` in a process of its own, long polling the fake
// Telegram (internal/telegramfake, served from the benchmark's process) on a
// fresh database, its participants invited with the CLI. It runs only with
// -bench:
//
//	go test ./bench/serve -run '^$' -bench . -benchtime 1x -timeout 30m -v
//
// BenchmarkServe compares imrbot (TELEGRAM_SEND_RATE=0) with the tap echo
// (bench/serve/tap), also in a process of its own, in the same run;
// BenchmarkFlood sends 3,000 messages from one stranger in 7 s to imrbot
// paced as for Telegram, against a fake with Telegram's limits, and
// reports the process's memory and the replies the stranger got. Flags
// (after -args): -people, -answers, -flood, -binary. The results are in
// docs/benchmarks.md ("The real binary"). Under -race the tap echo, which is
// this test binary started again, is built with the race detector and is
// no baseline.
package servebench
