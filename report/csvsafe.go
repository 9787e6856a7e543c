package report

import (
	"strconv"
	"strings"
)

// SafeCell is the one rule every CSV this package writes follows, so an
// answer typed as =HYPERLINK(...) cannot become a live formula when a
// coordinator opens the file in a spreadsheet: a text cell that begins with
// =, +, -, @, a tab or a carriage return gets a single quote in front, as
// OWASP recommends against CSV injection
// (https://owasp.org/www-community/attacks/CSV_Injection).
//
// number says the cell is of a numeric type (an option code, a typed
// number, a score): a number there, such as -3 or -2.5, is written as is,
// because a spreadsheet reads it as a number and a quote would turn it into
// text for every package that loads the file. The type decides, not the
// text: a free-text answer "-3" is text and gets the quote. A numeric cell
// that does not hold a number is treated as text, so nothing unexpected in
// the database can reach a spreadsheet as a formula.
func SafeCell(cell string, number bool) string {
	if cell == "" || number && isDecimal(cell) {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}

// FormulaNote is what the codebook says about SafeCell's quote.
const FormulaNote = "Text cells of the export and of this codebook that begin with =, +, -, @, a tab or a carriage return " +
	"are written with a single quote (') in front, so that a spreadsheet shows them as text instead of running them as a formula; " +
	"remove that first character to get the text as typed, or export with --raw. Numbers (option codes, typed numbers, scores) are written as they are."

// RawNote is what the codebook says when the export was written with --raw.
const RawNote = "Written with --raw: every cell is as typed. A text cell that begins with =, +, -, @, a tab or a carriage return " +
	"may run as a formula if this file or the export is opened in a spreadsheet: load them with the R, SPSS or Stata syntax instead."

// isDecimal reports whether s is a number as the exports write one: digits
// with an optional sign, fraction and exponent (no Inf, NaN, hex or _).
func isDecimal(s string) bool {
	if strings.Trim(s, "0123456789.eE+-") != "" {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
