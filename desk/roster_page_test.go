package desk_test

import (
	"strings"
	"testing"
	"time"

	"github.com/imrbot/imrbot/store"
)

// TestRosterPages: the roster shows a hundred participants a page, and
// the next page carries on where the first stopped, filters kept.
func TestRosterPages(t *testing.T) {
	w := newWorld(t)
	s := newStudy(w)
	if _, err := w.st.Invite(w.ctx, store.NewParticipant{Site: "OSL", Role: "consumer", InviteExpires: w.clock.Now().Add(time.Hour)}, 150, store.NewInviteCode); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	w.login(b, s.oslCoordinator)

	w.page(b, "roster?status=invited")
	first := w.text(b, "#roster tbody")
	if n := strings.Count(first, "OSL-C-"); n != 100 {
		t.Errorf("first page: %d participants, want 100", n)
	}
	if status := w.click(b, "#next"); status != 200 {
		t.Fatalf("next page: %d", status)
	}
	second := w.text(b, "#roster tbody")
	// 151 invited: the 150 and newStudy's one; the coordinator and the
	// consumer who joined are active.
	if n := strings.Count(second, "OSL-C-"); n != 51 {
		t.Errorf("second page: %d participants, want 51:\n%s", n, second)
	}
	if strings.Contains(second, s.oslConsumer) || !strings.Contains(second, "OSL-C-0152") || strings.Contains(first, "OSL-C-0152") {
		t.Errorf("pages overlap or miss the last:\nfirst:\n%s\nsecond:\n%s", first, second)
	}
	if n := len(w.html(b)); strings.Contains(w.html(b), `id="next"`) {
		t.Errorf("the last page links a next one (%d bytes)", n)
	}
}
