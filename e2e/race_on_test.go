//go:build race

package e2e

// raceEnabled says the suite runs under -race, so the binary is built so too.
const raceEnabled = true
