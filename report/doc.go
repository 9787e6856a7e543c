// Package report owns imrbot's data out: the long and wide CSV exports with
// their codebook and R, SPSS and Stata loading syntax, and the study's
// outcome report (paired baseline-versus-12-month analysis of every scored
// measure, fidelity per site, completion and retention) as text, CSV or one
// self-contained HTML file. It reads through store and questionnaires and
// writes no SQL of its own.
package report
