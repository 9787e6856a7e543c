package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/store"
)

// TestDeskLinkArrivesAsAURLButton: a coordinator's /desk reaches Telegram
// as a message with an inline button that opens the login link (a URL
// button, not one that sends data back); a consumer's /desk is refused by
// the engine and makes no link.
func TestDeskLinkArrivesAsAURLButton(t *testing.T) {
	w := newWorld(t)
	var mu sync.Mutex
	var asked []int64
	const link = "https://study.example.org/desk/login/a-single-use-token"
	w.poll(w.newBotWith(func(_ *bot.Options, c *conversation.Options) {
		c.DeskLink = func(_ context.Context, coordinatorID int64, _ string) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			asked = append(asked, coordinatorID)
			return link, nil
		}
	}))
	code, rinvite := w.invite(store.NewParticipant{Role: "coordinator"})
	r := w.person("en")
	r.u.Start(rinvite)
	r.containing("coordinator")
	r.u.Send("/desk")
	m := r.next(func(m telegramfake.Message) bool { return m.HasKeyboard() })
	if !strings.Contains(m.Text, "10 minutes") || len(m.Buttons) != 1 || len(m.Buttons[0]) != 1 {
		t.Fatalf("/desk answered %q with buttons %+v, want one login button", m.Text, m.Buttons)
	}
	if b := m.Buttons[0][0]; b.URL != link || b.CallbackData != "" || b.Text != "Log in to the desk" {
		t.Errorf("/desk's button = %+v, want a URL button to %s", b, link)
	}
	coordinator, err := w.st.ParticipantByCode(w.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(asked) != 1 || asked[0] != coordinator.ID {
		t.Errorf("links made for %v, want one for the coordinator %d", asked, coordinator.ID)
	}
	mu.Unlock()

	_, cinvite := w.invite(store.NewParticipant{})
	c := w.person("en")
	c.enrol(cinvite)
	c.u.Send("/desk")
	if m := c.reply(); !strings.Contains(m.Text, "for study coordinators") || m.HasKeyboard() && m.Buttons[0][0].URL != "" {
		t.Errorf("a consumer's /desk got %q %+v, want the engine's refusal", m.Text, m.Buttons)
	}
	mu.Lock()
	if len(asked) != 1 {
		t.Errorf("a consumer's /desk made a link")
	}
	mu.Unlock()
}
