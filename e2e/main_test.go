package e2e

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
)

// binary is the imrbot executable built once for the whole suite.
var binary string

// TestMain builds the binary from the module root (the race detector's
// build when the suite runs under -race, so that races in the bot fail
// the suite as they would in its own package) and hands over to pgtest.
func TestMain(m *testing.M) {
	flag.Parse()
	setParallel()
	dir, err := buildBinary()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "imrbot")
	pgtest.Main(m) // exits; the binary's folder is swept by the next run
}

// setParallel lets every test run at once unless -parallel was given:
// the tests mostly wait for the chat's pacing of one message a second, so
// the default (GOMAXPROCS) would serialise waiting, not work.
func setParallel() {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", "32")
	}
}

func buildBinary() (string, error) {
	sweepOldBuilds()
	root, err := filepath.Abs("..")
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "imrbot-e2e-")
	if err != nil {
		return "", err
	}
	args := []string{"build", "-o", filepath.Join(dir, "imrbot")}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/imrbot")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("go build ./cmd/imrbot: %v\n%s", err, out)
	}
	return dir, nil
}

// sweepOldBuilds removes binaries earlier runs left behind: pgtest.Main
// exits the process, so a run cannot remove its own.
func sweepOldBuilds() {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "imrbot-e2e-*"))
	for _, d := range old {
		if info, err := os.Stat(d); err == nil && time.Since(info.ModTime()) > time.Hour {
			os.RemoveAll(d)
		}
	}
}
