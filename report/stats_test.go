package report

import (
	"math"
	"testing"
)

// near fails unless got is within tol of want (NaN matches only NaN).
func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(want) {
		if !math.IsNaN(got) {
			t.Errorf("%s = %v, want NaN", what, got)
		}
		return
	}
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.10g, want %.10g (±%g)", what, got, want, tol)
	}
}

// phi is the standard normal CDF through math.Erfc, independent of gonum.
func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// tTwoSided is the two-sided p of Student's t with integer df from the
// closed-form series of Abramowitz & Stegun 26.7.3 (odd df) and 26.7.4
// (even df): p = 1 - A(t|df). It shares no code with gonum's incomplete
// beta function, so it checks PairedAnalysis independently.
func tTwoSided(t float64, df int) float64 {
	th := math.Atan(math.Abs(t) / math.Sqrt(float64(df)))
	c, s := math.Cos(th), math.Sin(th)
	var a float64
	if df%2 == 1 {
		sum, term := 0.0, c
		if df > 1 {
			sum = c
		}
		for j := 3; j <= df-2; j += 2 {
			term *= float64(j-1) / float64(j) * c * c
			sum += term
		}
		a = 2 / math.Pi * (th + s*sum)
	} else {
		sum, term := 1.0, 1.0
		for j := 2; j <= df-2; j += 2 {
			term *= float64(j-1) / float64(j) * c * c
			sum += term
		}
		a = s * sum
	}
	return 1 - a
}

// Student's sleep data (Cushny & Peebles 1905, analysed by "Student" 1908;
// R's datasets::sleep): extra hours of sleep on drug 1 and drug 2 in the
// same ten patients. It has a zero difference (patient 5) and tied absolute
// differences (1.3, 1.3), so it exercises both in the Wilcoxon test.
var (
	sleepDrug1 = []float64{0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0}
	sleepDrug2 = []float64{1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4}
)

func TestPairedSleep(t *testing.T) {
	p := PairedAnalysis(sleepDrug1, sleepDrug2)
	if p.N != 10 {
		t.Fatalf("N = %d, want 10", p.N)
	}
	// Means and SDs by hand: group 1 sums to 7.5, group 2 to 23.3; the SDs
	// are R's sd() of each group as printed in countless textbooks
	// (1.789010, 2.002249).
	near(t, "baseline mean", p.Baseline.Mean, 0.75, 1e-12)
	near(t, "baseline SD", p.Baseline.SD, 1.789010, 5e-7)
	near(t, "follow-up mean", p.Followup.Mean, 2.33, 1e-12)
	near(t, "follow-up SD", p.Followup.SD, 2.002249, 5e-7)
	// Differences 1.2 2.4 1.3 1.3 0 1.0 1.8 0.8 4.6 1.4: mean 15.8/10 = 1.58;
	// squared deviations sum to 13.616, so SD = sqrt(13.616/9) = 1.229995.
	near(t, "mean change", p.Change.Mean, 1.58, 1e-12)
	near(t, "SD of change", p.Change.SD, math.Sqrt(13.616/9), 1e-12)
	// R's published output of t.test(extra ~ group, data = sleep,
	// paired = TRUE) (sign flipped: we subtract drug 1 from drug 2):
	// t = -4.0621, df = 9, p-value = 0.002833,
	// 95 percent confidence interval: -2.4598858 -0.7001142.
	near(t, "t", p.T, 4.0621, 5e-5)
	near(t, "t by hand", p.T, 1.58/(math.Sqrt(13.616/9)/math.Sqrt(10)), 1e-12)
	near(t, "df", p.DF, 9, 0)
	near(t, "p(t)", p.PT, 0.002833, 5e-7)
	near(t, "p(t) by A&S 26.7.3", p.PT, tTwoSided(p.T, 9), 1e-10)
	near(t, "CI low", p.CILow, 0.7001142, 5e-8)
	near(t, "CI high", p.CIHigh, 2.4598858, 5e-8)
	// d_z by hand: 1.58 / 1.229995 = 1.284558.
	near(t, "d_z", p.Dz, 1.58/math.Sqrt(13.616/9), 1e-12)

	// R's published output of wilcox.test(extra ~ group, data = sleep,
	// paired = TRUE): V = 0, p-value = 0.009091, with the warnings "cannot
	// compute exact p-value with ties / with zeroes". We subtract the other
	// way, so V is the sum of all nine ranks, 45.
	// By hand: the zero is dropped, n = 9; |d| ranks 0.8:1 1.0:2 1.2:3
	// 1.3,1.3:4.5 1.4:6 1.8:7 2.4:8 4.6:9; E(V) = 9*10/4 = 22.5;
	// var = 9*10*19/24 - (2^3-2)/48 = 71.125; z = (45-22.5-0.5)/sqrt(71.125).
	w := p.Wilcoxon
	if w.N != 9 || w.Zeros != 1 || !w.Ties || w.Exact {
		t.Errorf("Wilcoxon N=%d zeros=%d ties=%v exact=%v, want 9 1 true false", w.N, w.Zeros, w.Ties, w.Exact)
	}
	near(t, "V", w.V, 45, 0)
	near(t, "p(Wilcoxon)", w.P, 0.009091, 5e-7)
	near(t, "p(Wilcoxon) by hand", w.P, 2*(1-phi(22/math.Sqrt(71.125))), 1e-12)
	if len(p.Notes) != 0 {
		t.Errorf("notes %q, want none", p.Notes)
	}
}

// Hollander & Wolfe (1973), p. 29: Hamilton depression scale factor IV at
// the first (x) and second (y) visit of nine patients; the example of R's
// ?wilcox.test. No ties and no zeros, so the exact distribution applies.
func TestPairedHollanderWolfeExact(t *testing.T) {
	x := []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}
	y := []float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}
	// Baseline y, follow-up x, so the differences are x - y as in R.
	p := PairedAnalysis(y, x)
	w := p.Wilcoxon
	if w.N != 9 || w.Zeros != 0 || w.Ties || !w.Exact {
		t.Fatalf("Wilcoxon N=%d zeros=%d ties=%v exact=%v, want 9 0 false true", w.N, w.Zeros, w.Ties, w.Exact)
	}
	// R's documented output of wilcox.test(x, y, paired = TRUE,
	// alternative = "greater"): V = 40, p-value = 0.01953.
	// By hand: the negative differences -0.147 and -0.08 have ranks 3 and 2,
	// so V = 45 - 5 = 40. Subsets of {1..9} with sum <= 5 are {}, {1}, {2},
	// {3}, {1,2}, {4}, {1,3}, {5}, {1,4}, {2,3}: 10 of 2^9, so
	// P(V >= 40) = 10/512 and the two-sided p is 20/512 = 0.0390625.
	near(t, "V", w.V, 40, 0)
	near(t, "p(Wilcoxon)", w.P, 20.0/512, 1e-15)
	// Paired t by hand: mean of x - y = 3.887/9 = 0.4318889, SD = 0.4268555,
	// t = 0.4318889 / (0.4268555/3) = 3.035375, df 8; R prints t = 3.0354,
	// p-value = 0.01618.
	near(t, "mean change", p.Change.Mean, 3.887/9, 1e-12)
	near(t, "t", p.T, 3.0354, 5e-5)
	near(t, "p(t)", p.PT, 0.01618, 5e-6)
	near(t, "p(t) by A&S 26.7.4", p.PT, tTwoSided(p.T, 8), 1e-10)
	// CI half-width with the tabled t(0.975, 8) = 2.306004.
	near(t, "CI low", p.CILow, 3.887/9-2.306004*p.Change.SD/3, 5e-7)
	near(t, "CI high", p.CIHigh, 3.887/9+2.306004*p.Change.SD/3, 5e-7)
}

// The exact null distribution of V is checked against brute-force
// enumeration of all 2^n sign patterns, an independent derivation.
func TestSignedRankCountsEnumeration(t *testing.T) {
	for n := 1; n <= 14; n++ {
		want := make([]float64, n*(n+1)/2+1)
		for mask := 0; mask < 1<<n; mask++ {
			s := 0
			for k := 0; k < n; k++ {
				if mask&(1<<k) != 0 {
					s += k + 1
				}
			}
			want[s]++
		}
		got := signedRankCounts(n)
		if len(got) != len(want) {
			t.Fatalf("n=%d: %d sums, want %d", n, len(got), len(want))
		}
		for s := range want {
			if got[s] != want[s] {
				t.Fatalf("n=%d: count of sum %d = %v, want %v", n, s, got[s], want[s])
			}
		}
	}
}

func TestWilcoxonNormalApproximation(t *testing.T) {
	for _, tc := range []struct {
		name       string
		diffs      []float64
		n, zeros   int
		ties       bool
		v          float64
		wantP      float64 // by hand, see each case
		whereFromP string
	}{{
		// |d| 1,1,2,3,4,5 rank 1.5,1.5,3,4,5,6; the negative is -3 (rank 4):
		// V = 21 - 4 = 17; E = 10.5; var = 6*7*13/24 - (8-2)/48 = 22.625.
		name: "ties, no zeros", diffs: []float64{1, 1, 2, -3, 4, 5},
		n: 6, ties: true, v: 17,
		wantP: 2 * (1 - phi((17-10.5-0.5)/math.Sqrt(22.625))), whereFromP: "z = 6/sqrt(22.625)",
	}, {
		// A zero without ties: R refuses the exact p ("cannot compute exact
		// p-value with zeroes") and so do we. n = 4, V = 1+3+4 = 8, E = 5,
		// var = 4*5*9/24 = 7.5.
		name: "zero, no ties", diffs: []float64{0, 1, -2, 3, 4},
		n: 4, zeros: 1, v: 8,
		wantP: 2 * (1 - phi((8-5-0.5)/math.Sqrt(7.5))), whereFromP: "z = 2.5/sqrt(7.5)",
	}, {
		// Every difference tied: ranks all 3, V = 15, E = 7.5,
		// var = 5*6*11/24 - (125-5)/48 = 11.25.
		name: "all tied", diffs: []float64{1, 1, 1, 1, 1},
		n: 5, ties: true, v: 15,
		wantP: 2 * (1 - phi(7/math.Sqrt(11.25))), whereFromP: "z = 7/sqrt(11.25)",
	}, {
		// 50 distinct positive differences: at the exact limit, so normal.
		// V = 1275, E = 637.5, var = 50*51*101/24 = 10731.25.
		name: "n = 50", diffs: seq(1, 50),
		n: 50, v: 1275,
		wantP: 2 * phi(-637/math.Sqrt(10731.25)), whereFromP: "z = 637/sqrt(10731.25)",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			w := signedRank(tc.diffs)
			if w.N != tc.n || w.Zeros != tc.zeros || w.Ties != tc.ties || w.Exact {
				t.Fatalf("N=%d zeros=%d ties=%v exact=%v, want %d %d %v false", w.N, w.Zeros, w.Ties, w.Exact, tc.n, tc.zeros, tc.ties)
			}
			near(t, "V", w.V, tc.v, 0)
			near(t, "p ("+tc.whereFromP+")", w.P, tc.wantP, 1e-12*math.Max(1, tc.wantP))
		})
	}
}

func seq(from, to int) []float64 {
	var out []float64
	for i := from; i <= to; i++ {
		out = append(out, float64(i))
	}
	return out
}

// Scores that are means of items differ by amounts that are equal on paper
// but not in floating point (3.2-2.9 against 4.1-3.8); they must tie.
func TestWilcoxonFloatingPointTies(t *testing.T) {
	p := PairedAnalysis([]float64{2.9, 3.8, 1.0}, []float64{3.2, 4.1, 3.0})
	if !p.Wilcoxon.Ties || p.Wilcoxon.Exact {
		t.Errorf("ties=%v exact=%v, want a tie and the normal approximation", p.Wilcoxon.Ties, p.Wilcoxon.Exact)
	}
	near(t, "V", p.Wilcoxon.V, 6, 0) // ranks 1.5 + 1.5 + 3
}

func TestPairedDegenerate(t *testing.T) {
	t.Run("no pairs", func(t *testing.T) {
		p := PairedAnalysis(nil, nil)
		if p.N != 0 || len(p.Notes) == 0 {
			t.Errorf("N=%d notes=%q, want 0 and a note", p.N, p.Notes)
		}
		near(t, "baseline mean", p.Baseline.Mean, math.NaN(), 0)
		near(t, "p(t)", p.PT, math.NaN(), 0)
		near(t, "p(Wilcoxon)", p.Wilcoxon.P, math.NaN(), 0)
	})
	t.Run("one pair", func(t *testing.T) {
		p := PairedAnalysis([]float64{10}, []float64{14})
		if p.N != 1 || len(p.Notes) != 1 {
			t.Fatalf("N=%d notes=%q, want 1 and one note", p.N, p.Notes)
		}
		near(t, "baseline mean", p.Baseline.Mean, 10, 0)
		near(t, "follow-up mean", p.Followup.Mean, 14, 0)
		near(t, "mean change", p.Change.Mean, 4, 0)
		near(t, "baseline SD", p.Baseline.SD, math.NaN(), 0)
		for name, v := range map[string]float64{"t": p.T, "df": p.DF, "p(t)": p.PT, "CI low": p.CILow, "d_z": p.Dz, "p(Wilcoxon)": p.Wilcoxon.P} {
			near(t, name, v, math.NaN(), 0)
		}
	})
	t.Run("same change for all", func(t *testing.T) {
		// R's t.test stops ("data are essentially constant"); we keep the
		// descriptives, a zero-width interval, and say why there is no t.
		p := PairedAnalysis([]float64{1, 2, 3, 4, 5}, []float64{2, 3, 4, 5, 6})
		near(t, "mean change", p.Change.Mean, 1, 1e-15)
		near(t, "SD of change", p.Change.SD, 0, 0)
		near(t, "CI low", p.CILow, 1, 1e-15)
		near(t, "CI high", p.CIHigh, 1, 1e-15)
		near(t, "t", p.T, math.NaN(), 0)
		near(t, "p(t)", p.PT, math.NaN(), 0)
		near(t, "d_z", p.Dz, math.NaN(), 0)
		// The Wilcoxon test still runs: see "all tied" above.
		near(t, "p(Wilcoxon)", p.Wilcoxon.P, 2*(1-phi(7/math.Sqrt(11.25))), 1e-12)
		if len(p.Notes) != 1 {
			t.Errorf("notes %q, want one", p.Notes)
		}
	})
	t.Run("no change at all", func(t *testing.T) {
		p := PairedAnalysis([]float64{3, 4, 5}, []float64{3, 4, 5})
		if p.Wilcoxon.N != 0 || p.Wilcoxon.Zeros != 3 || len(p.Notes) != 2 {
			t.Errorf("Wilcoxon N=%d zeros=%d notes=%q, want 0, 3 and two notes", p.Wilcoxon.N, p.Wilcoxon.Zeros, p.Notes)
		}
		near(t, "p(Wilcoxon)", p.Wilcoxon.P, math.NaN(), 0)
	})
	t.Run("unpaired lengths", func(t *testing.T) {
		p := PairedAnalysis([]float64{1, 2}, []float64{1})
		if p.N != 0 || len(p.Notes) != 1 {
			t.Errorf("N=%d notes=%q, want 0 and a note", p.N, p.Notes)
		}
	})
}
