package telegramfake

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"

	"github.com/go-telegram/bot/models"
)

// maxButtons is the most inline buttons the fake takes on one message.
const maxButtons = 100

// rawMarkup is reply_markup as sent, with pointers to tell absent fields
// from empty ones.
type rawMarkup struct {
	InlineKeyboard *[][]rawButton       `json:"inline_keyboard"`
	Keyboard       *[][]json.RawMessage `json:"keyboard"`
	RemoveKeyboard bool                 `json:"remove_keyboard"`
	ForceReply     bool                 `json:"force_reply"`
}

type rawButton struct {
	Text                         *string                `json:"text"`
	CallbackData                 *string                `json:"callback_data"`
	URL                          *string                `json:"url"`
	CopyText                     *struct{ Text string } `json:"copy_text"`
	SwitchInlineQuery            *string                `json:"switch_inline_query"`
	SwitchInlineQueryCurrentChat *string                `json:"switch_inline_query_current_chat"`
	SwitchInlineQueryChosenChat  json.RawMessage        `json:"switch_inline_query_chosen_chat"`
	WebApp                       json.RawMessage        `json:"web_app"`
	LoginURL                     json.RawMessage        `json:"login_url"`
	CallbackGame                 json.RawMessage        `json:"callback_game"`
	Pay                          bool                   `json:"pay"`
}

func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// parseMarkup validates reply_markup as Telegram does and returns the
// inline keyboard it attaches to the message (nil for none). inlineOnly is
// for edits, which take only inline keyboards.
func parseMarkup(raw string, inlineOnly bool) (*models.InlineKeyboardMarkup, *apiError) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var rm rawMarkup
	if err := json.Unmarshal([]byte(raw), &rm); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if rm.InlineKeyboard == nil {
		if inlineOnly || rm.Keyboard == nil && !rm.RemoveKeyboard && !rm.ForceReply {
			return nil, badRequest("REPLY_MARKUP_INVALID")
		}
		if rm.Keyboard != nil {
			for _, row := range *rm.Keyboard {
				for _, b := range row {
					var kb struct {
						Text string `json:"text"`
					}
					var text string
					if json.Unmarshal(b, &text) != nil {
						if json.Unmarshal(b, &kb) != nil {
							return nil, badRequest("can't parse keyboard button JSON object")
						}
						text = kb.Text
					}
					if text == "" {
						return nil, badRequest("BUTTON_TEXT_INVALID")
					}
				}
			}
		}
		return nil, nil // reply keyboards are not part of the message
	}
	count := 0
	for _, row := range *rm.InlineKeyboard {
		for _, b := range row {
			count++
			if err := checkButton(b); err != nil {
				return nil, err
			}
		}
	}
	if count > maxButtons {
		return nil, badRequest("reply markup is too long")
	}
	var mk models.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(raw), &mk); err != nil {
		return nil, badRequest("can't parse inline keyboard button JSON object")
	}
	return normalizeMarkup(&mk), nil
}

func checkButton(b rawButton) *apiError {
	if b.Text == nil || strings.TrimSpace(*b.Text) == "" {
		return badRequest("BUTTON_TEXT_INVALID")
	}
	actions := 0
	if b.CallbackData != nil {
		if n := len(*b.CallbackData); n < 1 || n > 64 {
			return badRequest("BUTTON_DATA_INVALID")
		}
		actions++
	}
	if b.URL != nil && *b.URL != "" {
		u, err := url.Parse(*b.URL)
		if err != nil || u.Scheme == "" || (u.Host == "" && u.Scheme != "tg") {
			return badRequest("BUTTON_URL_INVALID")
		}
		actions++
	}
	// go-telegram/bot serialises an empty copy_text on every button: only a
	// non-empty one is an action.
	if b.CopyText != nil && b.CopyText.Text != "" {
		actions++
	}
	for _, set := range []bool{
		b.SwitchInlineQuery != nil, b.SwitchInlineQueryCurrentChat != nil,
		present(b.SwitchInlineQueryChosenChat), present(b.WebApp), present(b.LoginURL),
		present(b.CallbackGame), b.Pay,
	} {
		if set {
			actions++
		}
	}
	if actions == 0 {
		return badRequest("text buttons are unallowed in the inline keyboard")
	}
	return nil
}

// normalizeMarkup makes "no buttons" a nil keyboard, as Telegram omits it.
func normalizeMarkup(mk *models.InlineKeyboardMarkup) *models.InlineKeyboardMarkup {
	if mk == nil {
		return nil
	}
	for _, row := range mk.InlineKeyboard {
		if len(row) > 0 {
			return mk
		}
	}
	return nil
}

// sameMarkup compares keyboards decoded, so field order and the empty
// copy_text the client adds do not matter.
func sameMarkup(a, b *models.InlineKeyboardMarkup) bool {
	a, b = normalizeMarkup(a), normalizeMarkup(b)
	if a == nil || b == nil {
		return a == b
	}
	return reflect.DeepEqual(a.InlineKeyboard, b.InlineKeyboard)
}

func sameEntities(a, b []models.MessageEntity) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}
