package bot

import (
	"context"
	"log/slog"
	"testing"

	"github.com/imrbot/imrbot/internal/pgtest"
)

// A participant whose link moved to a new chat (a reissued invitation) has
// their questions edited there: an id from the old chat, numbered in
// another sequence, is never taken for the new chat's question.
func TestPromptsOfAMovedParticipantAreTheNewChats(t *testing.T) {
	ctx := context.Background()
	p := newPrompts(pgtest.Store(t), slog.New(slog.DiscardHandler))
	const participant, oldChat, newChat = 1, 100, 200
	p.Record(ctx, participant, oldChat, 9)
	if got := p.Latest(participant, oldChat, 0); got != 9 {
		t.Errorf("Latest in the old chat = %d, want 9", got)
	}
	if got := p.Latest(participant, newChat, 0); got != 0 {
		t.Errorf("Latest in the new chat before it was asked anything = %d, want 0", got)
	}
	p.Record(ctx, participant, newChat, 3)
	for _, c := range []struct{ stored, want int64 }{{0, 3}, {2, 3}, {5, 5}} {
		if got := p.Latest(participant, newChat, c.stored); got != c.want {
			t.Errorf("Latest in the new chat with %d stored = %d, want %d", c.stored, got, c.want)
		}
	}
	p.Record(ctx, participant, newChat, 2) // an older question, recorded late
	if got := p.Latest(participant, newChat, 0); got != 3 {
		t.Errorf("Latest after a late record of an older question = %d, want 3", got)
	}
}
