// Package arch holds the architecture test: it keeps the code inside the
// rooms of docs/ARCHITECTURE.md (who may import whom; SQL only in store/
// and the test helper that reaches the database), so that the table and
// the code cannot drift apart. It has no code of its own.
package arch
