package cli

import (
	"regexp"
	"strings"
	"testing"
)

// An assessor is invited like everyone else, at a site for administration
// (the code says so: OSL-A-0001), and listed with their role; a clinician
// is for consumers only.
func TestInviteAssessor(t *testing.T) {
	env := dbEnv(t)
	run(t, env, "site", "add", "OSL", "--name", "Oslo")
	out, errOut, code := run(t, env, "invite", "--site", "OSL", "--role", "assessor", "--count", "2", "--lang", "nb")
	if code != 0 {
		t.Fatalf("invite --role assessor: exit %d: %s", code, errOut)
	}
	line := regexp.MustCompile(`^(OSL-A-000[12])\t[A-Za-z0-9_-]{22,64}\thttps://t\.me/imr_study_bot\?start=[A-Za-z0-9_-]+$`)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !line.MatchString(lines[0]) || !line.MatchString(lines[1]) || !strings.HasPrefix(lines[1], "OSL-A-0002\t") {
		t.Errorf("invite --role assessor printed %q", out)
	}
	list, _, _ := run(t, env, "participants", "--site", "OSL")
	if !strings.Contains(list, "OSL-A-0001\tOSL\tassessor\tinvited\t") {
		t.Errorf("participants:\n%s", list)
	}
	if _, errOut, code := run(t, env, "invite", "--site", "OSL", "--role", "assessor", "--clinician", "OSL-K-0001"); code != 2 || !strings.Contains(errOut, "--clinician") {
		t.Errorf("an assessor with --clinician: exit %d, stderr %q", code, errOut)
	}
}
