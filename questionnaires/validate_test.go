package questionnaires

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	c := loadDefaults(t)
	tests := []struct {
		q, item, input string
		want           string
		key            string // InputError key when invalid
		msg            string // its English message
	}{
		{"hope", "hope_1", "3", "3", "", ""},
		{"hope", "hope_1", "  4 \n", "4", "", ""},
		{"hope", "hope_1", "04", "4", "", ""},
		{"hope", "hope_1", "5", "", InputNotAnOption, "Please answer with one of the numbers 1, 2, 3 or 4."},
		{"hope", "hope_1", "agree", "", InputNotAnOption, "Please answer with one of the numbers 1, 2, 3 or 4."},
		{"honos", "honos_1", "9", "9", "", ""},
		{"honos", "honos_1", "0", "0", "", ""},
		{"honos", "honos_1", "5", "", InputNotAnOption, "Please answer with one of the numbers 0, 1, 2, 3, 4 or 9."},
		{"gaf", "gaf_symptoms", "57", "57", "", ""},
		{"gaf", "gaf_symptoms", " 100 ", "100", "", ""},
		{"gaf", "gaf_symptoms", "1", "1", "", ""},
		{"gaf", "gaf_symptoms", "-1", "", InputOutOfRange, "Please type a whole number from 0 to 100."},
		{"gaf", "gaf_symptoms", "101", "", InputOutOfRange, "Please type a whole number from 0 to 100."},
		{"gaf", "gaf_symptoms", "57.5", "", InputNotANumber, "Please type a whole number from 0 to 100."},
		{"gaf", "gaf_symptoms", "99999999999999999999", "", InputNotANumber, "Please type a whole number from 0 to 100."},
		{"imr-practice", "imr_practice_7", "  Useful training. ", "Useful training.", "", ""},
		{"imr-practice", "imr_practice_7", "Æ ø å <b>&", "Æ ø å <b>&", "", ""},
		{"imr-practice", "imr_practice_7", "   ", "", InputEmpty, "Please type an answer."},
		{"imr-practice", "imr_practice_7", "two\nlines", "", InputControl, "Please send your answer as plain text on one line."},
		{"imr-practice", "imr_practice_7", "bell\a", "", InputControl, "Please send your answer as plain text on one line."},
		{"imr-practice", "imr_practice_7", "bad \xff utf-8", "", InputControl, "Please send your answer as plain text on one line."},
		{"imr-practice", "imr_practice_7", strings.Repeat("ø", 1000), strings.Repeat("ø", 1000), "", ""},
		{"imr-practice", "imr_practice_7", strings.Repeat("ø", 1001), "", InputTooLong, "Please keep your answer to at most 1000 characters."},
	}
	for _, tt := range tests {
		got, err := c.Questionnaires[tt.q].Validate(tt.item, tt.input)
		var ie *InputError
		switch {
		case tt.key == "" && (err != nil || got != tt.want):
			t.Errorf("Validate(%s, %q) = %q, %v; want %q", tt.item, tt.input, got, err, tt.want)
		case tt.key != "" && (!errors.As(err, &ie) || ie.Key != tt.key || err.Error() != tt.msg || got != ""):
			t.Errorf("Validate(%s, %q) = %q, %v; want key %s %q", tt.item, tt.input, got, err, tt.key, tt.msg)
		}
	}
	if _, err := c.Questionnaires["hope"].Validate("hope_99", "1"); err == nil {
		t.Error("Validate(unknown item) = nil error")
	}
}

func TestInputErrorMessages(t *testing.T) {
	errs := []*InputError{
		{Key: InputNotAnOption, Codes: []int{1, 2}},
		{Key: InputNotANumber, Min: 1, Max: 100},
		{Key: InputOutOfRange, Min: 1, Max: 100},
		{Key: InputEmpty},
		{Key: InputTooLong, MaxLen: 1000},
		{Key: InputControl},
		{Key: "unknown"},
	}
	for _, e := range errs {
		en, nb := e.Message("en"), e.Message("nb")
		if en == "" || nb == "" || en == nb || !strings.HasSuffix(en, ".") || !strings.HasSuffix(nb, ".") {
			t.Errorf("%s: en %q nb %q", e.Key, en, nb)
		}
	}
	if got := (&InputError{Key: InputNotAnOption, Codes: []int{0, 1, 9}}).Message("nb"); got != "Svar med et av tallene 0, 1 eller 9." {
		t.Errorf("nb message = %q", got)
	}
}

// GAF 0 (insufficient information) is an answer the chat and an import
// take, though no score counts it.
func TestValidateTakesAMissingCode(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	gaf := c.Questionnaires["gaf"]
	if v, err := gaf.Validate("gaf_symptoms", " 0 "); err != nil || v != "0" {
		t.Errorf("Validate(gaf_symptoms, 0) = %q, %v; want 0", v, err)
	}
	var ie *InputError
	if _, err := gaf.Validate("gaf_symptoms", "101"); !errors.As(err, &ie) || ie.Min != 0 || ie.Max != 100 {
		t.Errorf("Validate(gaf_symptoms, 101) = %v, want out of 0..100", err)
	}
	if lo, hi, ok := gaf.Range(0); !ok || lo != 1 || hi != 100 {
		t.Errorf("gaf_symptoms scored range %d..%d, want 1..100", lo, hi)
	}
}
