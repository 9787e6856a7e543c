package flows

import (
	"strconv"
	"strings"
)

// Button data. Every value fits Telegram's 64-byte callback data. Answer
// and skip buttons carry State.Seq; the others are guarded by the phase they
// belong to, so a second tap of any button finds the phase moved on.
const (
	dataConsentYes    = "c:yes"
	dataConsentNo     = "c:no"
	dataLangPrefix    = "l:" // + "en" | "nb"
	dataWithdrawYes   = "w:yes"
	dataWithdrawNo    = "w:no"
	dataWithdrawKeep  = "w:keep"
	dataWithdrawErase = "w:erase"
	dataRatePrefix    = "r:" // + participant code
	dataSkipPrefix    = "s:" // + seq
	// DataGo is the data of the button on a reminder that starts the due
	// questionnaire; the reminder dispatcher puts it on its messages.
	DataGo = "go"
)

// maxData is Telegram's limit on callback data, in bytes.
const maxData = 64

func skipData(seq int64) string { return dataSkipPrefix + strconv.FormatInt(seq, 10) }

// parseSkipData reads "s:<seq>".
func parseSkipData(data string) (int64, bool) {
	rest, ok := strings.CutPrefix(data, dataSkipPrefix)
	if !ok {
		return 0, false
	}
	seq, err := strconv.ParseInt(rest, 10, 64)
	return seq, err == nil
}

// rateData is "r:<code>", or "" when the code is too long for a button.
func rateData(code string) string {
	d := dataRatePrefix + code
	if len(d) > maxData {
		return ""
	}
	return d
}
