package bot

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

// FuzzReadUpdate feeds arbitrary JSON, as a webhook body could carry, to
// the update reader: it must never panic, and a command it reads must be a
// clean name.
func FuzzReadUpdate(f *testing.F) {
	for _, seed := range []string{
		`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"A"},"text":"/start ABC"}}`,
		`{"update_id":2,"callback_query":{"id":"q","from":{"id":5,"first_name":"A"},"message":{"message_id":3,"date":1,"chat":{"id":5,"type":"private"}},"data":"a:1:2"}}`,
		`{"update_id":3,"callback_query":{"id":"q","from":{"id":5,"first_name":"A"},"message":{"message_id":3,"date":0,"chat":{"id":5,"type":"private"}},"data":"a:1:2"}}`,
		`{"update_id":4,"edited_message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"A"},"text":"3"}}`,
		`{"update_id":5,"my_chat_member":{"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"A"},"date":1,"old_chat_member":{"status":"member","user":{"id":1,"is_bot":true,"first_name":"B"}},"new_chat_member":{"status":"kicked","user":{"id":1,"is_bot":true,"first_name":"B"},"until_date":0}}}`,
		`{"update_id":6,"message":{"message_id":1,"date":1,"chat":{"id":-7,"type":"group"},"from":{"id":5,"first_name":"A"},"text":"/due"}}`,
		`{"update_id":7,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"sticker":{"file_id":"x"}}}`,
		`{"update_id":8,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"no sender"}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var u models.Update
		if json.Unmarshal([]byte(body), &u) != nil {
			return
		}
		in, ok := readUpdate(&u)
		if !ok {
			return
		}
		if c := in.Event.Command; c != "" && (strings.ContainsAny(c, " @/\n") || c != strings.ToLower(c)) {
			t.Errorf("command %q from %q", c, body)
		}
	})
}

// FuzzSplitText checks that any text splits into parts Telegram accepts
// that join back to the text.
func FuzzSplitText(f *testing.F) {
	f.Add(strings.Repeat("word ", 30), 40)
	f.Add(strings.Repeat("😀\n", 30), 16)
	f.Add("a line\nand another", 8)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 2 || limit > 5000 {
			return
		}
		parts := splitText(s, limit)
		if strings.Join(parts, "") != s {
			t.Fatalf("parts do not join back")
		}
		for _, p := range parts {
			if units(p) > limit {
				t.Fatalf("part of %d units over %d", units(p), limit)
			}
		}
		if got := truncateText(s, limit); units(got) > limit {
			t.Fatalf("truncated to %d units, over %d", units(got), limit)
		}
	})
}
