// Package remindersbench measures the reminder dispatcher at study scale:
// finding due reminders among 1,000,000 participants, and dispatching
// 10,000 of them against the fake Telegram with its limits scaled to 300
// messages a second. It seeds a database of its own and runs only with
// -bench:
//
//	go test ./bench/reminders -run '^$' -bench . -benchtime 1x -timeout 30m
//
// Flags (after -args): -participants, -due, -rate, -bench-db. The results
// and the EXPLAIN of the claim query go to docs/benchmarks.md ("Reminders").
package remindersbench
