package telegramfake

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

type ent = models.MessageEntity

func e(typ models.MessageEntityType, off, length int) ent {
	return ent{Type: typ, Offset: off, Length: length}
}

func link(off, length int, url string) ent {
	return ent{Type: models.MessageEntityTypeTextLink, Offset: off, Length: length, URL: url}
}

func withLang(x ent, lang string) ent { x.Language = lang; return x }

const (
	bold   = models.MessageEntityTypeBold
	italic = models.MessageEntityTypeItalic
	under  = models.MessageEntityTypeUnderline
	spoil  = models.MessageEntityTypeSpoiler
	code   = models.MessageEntityTypeCode
	pre    = models.MessageEntityTypePre
	quote  = models.MessageEntityTypeBlockquote
	xquote = models.MessageEntityTypeExpandableBlockquote
)

func entitiesString(es []ent) string {
	var b strings.Builder
	for _, x := range es {
		fmt.Fprintf(&b, "%s@%d+%d", x.Type, x.Offset, x.Length)
		if x.URL != "" {
			b.WriteString(" " + x.URL)
		}
		if x.User != nil {
			fmt.Fprintf(&b, " user=%d", x.User.ID)
		}
		if x.Language != "" {
			b.WriteString(" lang=" + x.Language)
		}
		b.WriteString("; ")
	}
	return b.String()
}

type parseCase struct {
	in       string
	text     string // expected text when err is ""
	entities []ent
	err      string
}

func runParseCases(t *testing.T, name string, parse func(string) (string, []ent, error), cases []parseCase) {
	t.Helper()
	for _, tc := range cases {
		text, es, err := parse(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s(%q): err = %v, want %q", name, tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s(%q): %v", name, tc.in, err)
			continue
		}
		if text != tc.text || entitiesString(es) != entitiesString(tc.entities) {
			t.Errorf("%s(%q) = %q [%s], want %q [%s]", name, tc.in, text, entitiesString(es), tc.text, entitiesString(tc.entities))
		}
	}
}

// Cases with the stadium emoji come from TDLib's tests, so their offsets
// (bytes in errors, UTF-16 units in entities) are Telegram's.
func TestParseHTML(t *testing.T) {
	runParseCases(t, "parseHTML", parseHTML, []parseCase{
		{in: "🏟 🏟&lt;<abacaba", err: "Unclosed start tag at byte offset 13"},
		{in: "🏟 🏟&lt;<abac aba>", err: `Unsupported start tag "abac" at byte offset 13`},
		{in: "🏟 🏟&lt;<i   =aba>", err: `Empty attribute name in the tag "i" at byte offset 13`},
		{in: "🏟 🏟&lt;<i    aba>", err: `Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13`},
		{in: "🏟 🏟&lt;<i    aba  =  ", err: `Unclosed start tag "i" at byte offset 13`},
		{in: "🏟 🏟&lt;<i    aba  =  190azAz-.,", err: "Unexpected end of name token at byte offset 27"},
		{in: "🏟 🏟&lt;<i    aba  =  \"&lt;&gt;&quot;>", err: "Unclosed start tag at byte offset 13"},
		{in: "🏟 🏟&lt;</", err: "Unexpected end tag at byte offset 13"},
		{in: "🏟 🏟&lt;<b></b></", err: "Unexpected end tag at byte offset 20"},
		{in: "🏟 🏟&lt;<i>a</i   ", err: "Unclosed end tag at byte offset 17"},
		{in: "🏟 🏟&lt;<i>a</em   >", err: `Unmatched end tag at byte offset 17, expected "</i>", found "</em>"`},
		{in: "<span>x</span>", err: `Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{in: "<b>x", err: `Can't find end tag corresponding to start tag "b"`},
		{in: "a < b", err: `Unsupported start tag "" at byte offset 2`},
		{in: "&#57311;", err: "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units"},
		{in: `<tg-emoji emoji-id="x">y</tg-emoji>`, err: "Invalid custom emoji identifier specified"},
		// Stricter than Telegram: a bare '&' is an escaping bug.
		{in: "Tom & Jerry", err: `Character '&' at byte offset 4 must be escaped as "&amp;"`},
		{in: "&nbsp;", err: `Character '&' at byte offset 0 must be escaped as "&amp;"`},
		{in: "&amp", err: `Character '&' at byte offset 0 must be escaped as "&amp;"`},

		{in: "", text: ""},
		{in: "a > b", text: "a > b"},
		{in: "&lt;&gt;&amp;&quot;&#64;&#x41;", text: `<>&"@A`},
		{in: "<b>bold</b> <I>it</I>", text: "bold it", entities: []ent{e(bold, 0, 4), e(italic, 5, 2)}},
		{in: "🏟 <b>🏟</b>", text: "🏟 🏟", entities: []ent{e(bold, 3, 2)}},
		{in: "<b>a<i>x</i></b>", text: "ax", entities: []ent{e(bold, 0, 2), e(italic, 1, 1)}},
		{in: "<b>x</>", text: "x", entities: []ent{e(bold, 0, 1)}},
		{in: "<b></b>x", text: "x"},
		{in: `<a href="https://example.org/?a=1&amp;b=2">link</a>`, text: "link", entities: []ent{link(0, 4, "https://example.org/?a=1&b=2")}},
		{in: `<a href="tg://user?id=42">Ada</a>`, text: "Ada", entities: []ent{{Type: models.MessageEntityTypeTextMention, Offset: 0, Length: 3, User: &models.User{ID: 42}}}},
		{in: `<a href="nowhere">x</a>`, text: "x"},
		{in: `<pre><code class="language-go">x := 1</code></pre>`, text: "x := 1", entities: []ent{withLang(e(pre, 0, 6), "go")}},
		{in: `<code class="language-go">x</code>`, text: "x", entities: []ent{e(code, 0, 1)}},
		{in: `<blockquote expandable>q</blockquote><blockquote>r</blockquote>`, text: "qr", entities: []ent{e(xquote, 0, 1), e(quote, 1, 1)}},
		{in: `<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>`, text: "st", entities: []ent{e(spoil, 0, 1), e(spoil, 1, 1)}},
	})
}

func TestParseMarkdownV2(t *testing.T) {
	var cases []parseCase
	for _, c := range "]()#+-=|{}.!" { // '>' starts a quote at a line start
		cases = append(cases,
			parseCase{in: string(c), err: fmt.Sprintf(`Character '%c' is reserved and must be escaped with the preceding '\'`, c)},
			parseCase{in: `\` + string(c), text: string(c)})
	}
	cases = append(cases, []parseCase{
		{in: "🏟 🏟_abacaba", err: "Can't find end of Italic entity at byte offset 9"},
		{in: "🏟 🏟_abac * asd ", err: "Can't find end of Bold entity at byte offset 15"},
		{in: "🏟 🏟_abac * asd _", err: "Can't find end of Italic entity at byte offset 21"},
		{in: "🏟 🏟`", err: "Can't find end of Code entity at byte offset 9"},
		{in: "🏟 🏟```", err: "Can't find end of Pre entity at byte offset 9"},
		{in: "🏟 🏟```a", err: "Can't find end of Pre entity at byte offset 9"},
		{in: "🏟 🏟```a ", err: "Can't find end of PreCode entity at byte offset 9"},
		{in: "🏟 🏟__🏟 🏟_", err: "Can't find end of Italic entity at byte offset 20"},
		{in: "🏟 🏟_🏟 🏟__", err: "Can't find end of Underline entity at byte offset 19"},
		{in: "🏟 🏟```🏟 🏟`", err: "Can't find end of Code entity at byte offset 21"},
		{in: "[telegram\\.org](asd\\)", err: "Can't find end of a URL at byte offset 16"},
		{in: "🏟 🏟__", err: "Can't find end of Underline entity at byte offset 9"},
		{in: "🏟 🏟||test\\|", err: "Can't find end of Spoiler entity at byte offset 9"},
		{in: "🏟 🏟![👍]", err: "Custom emoji entity must contain a tg://emoji URL"},
		{in: ">*b\n>ld \n>bo\nld*\nasd\ndef", err: "Can't find end of Bold entity at byte offset 1"},
		{in: ">\n*a*>2", err: `Character '>' is reserved and must be escaped with the preceding '\'`},
		{in: ">asd\n>q||ew\n||asdad", err: "Can't find end of Spoiler entity at byte offset 7"},

		{in: "", text: ""},
		{in: `\\`, text: `\`},
		{in: "➡️ ➡️", text: "➡️ ➡️"},
		{in: "🏟 🏟``", text: "🏟 🏟"},
		{in: "🏟 🏟_abac \\* asd _", text: "🏟 🏟abac * asd ", entities: []ent{e(italic, 5, 11)}},
		{in: "🏟 \\.🏟_🏟\\. 🏟_", text: "🏟 .🏟🏟. 🏟", entities: []ent{e(italic, 6, 6)}},
		{in: "➡️ ➡️_➡️ ➡️_*➡️ ➡️*", text: "➡️ ➡️➡️ ➡️➡️ ➡️", entities: []ent{e(italic, 5, 5), e(bold, 10, 5)}},
		{in: "🏟 🏟_🏟 __🏟___", text: "🏟 🏟🏟 🏟", entities: []ent{e(italic, 5, 5), e(under, 8, 2)}},
		{in: "🏟 🏟```🏟 🏟```", text: "🏟 🏟 🏟", entities: []ent{withLang(e(pre, 5, 3), "🏟")}},
		{in: "||test||", text: "test", entities: []ent{e(spoil, 0, 4)}},
		{in: "[telegram\\.org](telegram.dog)", text: "telegram.org", entities: []ent{link(0, 12, "http://telegram.dog")}},
		{in: "[ ](as)", text: " "},
		{in: "> \n> \n>", text: " \n \n", entities: []ent{e(quote, 0, 4)}},
		{in: ">a", text: "a", entities: []ent{e(quote, 0, 1)}},
		{in: "abc\n>def\n>def\n\r>ghi2\njkl", text: "abc\ndef\ndef\n\rghi2\njkl", entities: []ent{e(quote, 4, 8), e(quote, 13, 5)}},
		{in: ">asd\n>q||ew||\nasdad", text: "asd\nqew\nasdad", entities: []ent{e(quote, 0, 8), e(spoil, 5, 2)}},
		{in: ">asd\n>q||e||w||\nasdad", text: "asd\nqew\nasdad", entities: []ent{e(xquote, 0, 8), e(spoil, 5, 1)}},
		{in: "*Item 1\\.5* \\(of 2\\)", text: "Item 1.5 (of 2)", entities: []ent{e(bold, 0, 8)}},
	}...)
	runParseCases(t, "parseMarkdownV2", parseMarkdownV2, cases)
}

func TestParseMarkdown(t *testing.T) {
	runParseCases(t, "parseMarkdown", parseMarkdown, []parseCase{
		{in: "*unclosed", err: "Can't find end of the entity starting at byte offset 0"},
		{in: "a.b-c! (x)", text: "a.b-c! (x)"},
		{in: `\*x`, text: "*x"},
		{in: "*bold* _it_ `c` [l](example.org)", text: "bold it c l",
			entities: []ent{e(bold, 0, 4), e(italic, 5, 2), e(code, 8, 1), link(10, 1, "http://example.org")}},
		{in: "```go\nfmt```", text: "fmt", entities: []ent{withLang(e(pre, 0, 3), "go")}},
	})
}

// FuzzParsers checks that no input makes a parser panic and that accepted
// input yields entities inside the text.
func FuzzParsers(f *testing.F) {
	for _, seed := range []string{
		"<b>a<i>x</i></b>", "&lt;&#x41;", `<a href="t.me">x</a>`, "<pre><code class=\"language-go\">x</code></pre>",
		"*b* _i_ __u__ ~s~ ||sp|| `c` ```go\nx```", "[a](b\\)c)", ">q\n>r||\n", "![👍](tg://emoji?id=5)", "\\",
	} {
		f.Add(seed)
	}
	parsers := map[string]func(string) (string, []ent, error){
		"html": parseHTML, "markdownv2": parseMarkdownV2, "markdown": parseMarkdown,
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !utf8.ValidString(in) {
			return // formatText refuses it before parsing
		}
		for name, parse := range parsers {
			text, es, err := parse(in)
			if err != nil {
				continue
			}
			if !utf8.ValidString(text) {
				t.Errorf("%s(%q) = invalid UTF-8 %q", name, in, text)
			}
			n := utf16Len(text)
			for _, x := range es {
				if x.Offset < 0 || x.Length <= 0 || x.Offset+x.Length > n {
					t.Errorf("%s(%q) = %q with entity %+v outside its %d units", name, in, text, x, n)
				}
			}
		}
	})
}
