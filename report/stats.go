package report

import (
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Summary is a sample's mean and standard deviation (n-1 denominator).
// SD is NaN for fewer than two values, Mean for none.
type Summary struct {
	Mean, SD float64
}

// Paired is the baseline-versus-follow-up comparison of one measure over the
// participants who have both. Change is follow-up minus baseline, so a
// positive change is a rise in the score. A value that cannot be computed
// (too few pairs, no variance) is NaN and Notes says why; renderers print
// NaN as NA, the way R does.
type Paired struct {
	N        int
	Baseline Summary
	Followup Summary
	Change   Summary // of the paired differences

	// CILow and CIHigh bound the 95% confidence interval of the mean change
	// (t distribution with N-1 degrees of freedom).
	CILow, CIHigh float64

	// Paired t-test: T = mean change / (SD of change / sqrt(N)), DF = N-1,
	// PT two-sided. Matches R's t.test(followup, baseline, paired = TRUE).
	T, DF, PT float64

	Wilcoxon Wilcoxon

	// Dz is Cohen's d for paired data: mean change / SD of change.
	Dz float64

	Notes []string
}

// Wilcoxon is the Wilcoxon signed-rank test of the paired differences,
// computed as R's wilcox.test(followup, baseline, paired = TRUE,
// correct = TRUE, digits.rank = 10) does:
//
//   - zero differences are dropped (Wilcoxon's method, not Pratt's) and N
//     counts the rest;
//   - absolute differences are rounded to 10 significant digits before
//     ranking, so that floating-point noise in scores (3.2-2.9 against
//     4.1-3.8) does not break ties; tied values get their average rank;
//   - V is the sum of the ranks of the positive differences;
//   - with N < 50, no ties and no zeros, P is from the exact null
//     distribution of V (two-sided: twice the smaller tail, at most 1);
//   - otherwise P is from the normal approximation with the tie-corrected
//     variance N(N+1)(2N+1)/24 - sum(t^3-t)/48 and a continuity correction of
//     0.5 towards the mean.
type Wilcoxon struct {
	N     int // non-zero differences ranked
	Zeros int // zero differences dropped
	Ties  bool
	Exact bool
	V     float64
	P     float64
}

// Wilcoxon's exact distribution is used below this many non-zero
// differences, as in R.
const exactSignedRankLimit = 50

// PairedAnalysis compares baseline[i] with followup[i] for every i; the
// slices must be of equal length (callers pair by participant first). It
// never panics: unequal lengths give N = 0 and a note.
func PairedAnalysis(baseline, followup []float64) Paired {
	p := Paired{
		Baseline: Summary{math.NaN(), math.NaN()},
		Followup: Summary{math.NaN(), math.NaN()},
		Change:   Summary{math.NaN(), math.NaN()},
		CILow:    math.NaN(), CIHigh: math.NaN(),
		T: math.NaN(), DF: math.NaN(), PT: math.NaN(),
		Wilcoxon: Wilcoxon{V: math.NaN(), P: math.NaN()},
		Dz:       math.NaN(),
	}
	if len(baseline) != len(followup) {
		p.Notes = append(p.Notes, "baseline and follow-up are not paired")
		return p
	}
	n := len(baseline)
	p.N = n
	if n == 0 {
		p.Notes = append(p.Notes, "no participant has both timepoints")
		return p
	}
	diff := make([]float64, n)
	for i := range baseline {
		diff[i] = followup[i] - baseline[i]
	}
	p.Baseline = summarise(baseline)
	p.Followup = summarise(followup)
	p.Change = summarise(diff)
	if n < 2 {
		p.Notes = append(p.Notes, "fewer than 2 pairs: no test")
		return p
	}

	p.DF = float64(n - 1)
	se := p.Change.SD / math.Sqrt(float64(n))
	tdist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: p.DF}
	half := tdist.Quantile(0.975) * se
	p.CILow, p.CIHigh = p.Change.Mean-half, p.Change.Mean+half
	if p.Change.SD == 0 {
		// R's t.test stops with "data are essentially constant"; the
		// interval collapses to the mean and t and d are undefined.
		p.Notes = append(p.Notes, "every pair changed by the same amount: no t-test or effect size")
	} else {
		p.T = p.Change.Mean / se
		p.PT = math.Min(1, 2*tdist.Survival(math.Abs(p.T)))
		p.Dz = p.Change.Mean / p.Change.SD
	}

	p.Wilcoxon = signedRank(diff)
	if p.Wilcoxon.N == 0 {
		p.Notes = append(p.Notes, "every difference is zero: no Wilcoxon test")
	}
	return p
}

func summarise(x []float64) Summary {
	s := Summary{Mean: stat.Mean(x, nil), SD: math.NaN()}
	if len(x) >= 2 {
		s.SD = stat.StdDev(x, nil)
	}
	return s
}

// signedRank runs the Wilcoxon signed-rank test on differences d.
func signedRank(d []float64) Wilcoxon {
	w := Wilcoxon{V: math.NaN(), P: math.NaN()}
	type obs struct {
		abs      float64
		positive bool
	}
	var xs []obs
	for _, v := range d {
		a := roundSignificant(math.Abs(v), 10)
		if a == 0 {
			w.Zeros++
			continue
		}
		xs = append(xs, obs{abs: a, positive: v > 0})
	}
	n := len(xs)
	w.N = n
	if n == 0 {
		return w
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i].abs < xs[j].abs })

	// Average ranks over runs of tied absolute values; tieTerm is
	// sum(t^3 - t) over the runs.
	var v, tieTerm float64
	for i := 0; i < n; {
		j := i
		for j < n && xs[j].abs == xs[i].abs {
			j++
		}
		rank := float64(i+1+j) / 2 // mean of ranks i+1..j
		for k := i; k < j; k++ {
			if xs[k].positive {
				v += rank
			}
		}
		if t := float64(j - i); t > 1 {
			w.Ties = true
			tieTerm += t*t*t - t
		}
		i = j
	}
	w.V = v

	nf := float64(n)
	mean := nf * (nf + 1) / 4
	if n < exactSignedRankLimit && !w.Ties && w.Zeros == 0 {
		w.Exact = true
		counts := signedRankCounts(n)
		total := math.Ldexp(1, n)
		vi := int(v)
		var tail float64
		if v > mean {
			for s := vi; s < len(counts); s++ { // P(V >= v)
				tail += counts[s]
			}
		} else {
			for s := 0; s <= vi; s++ { // P(V <= v)
				tail += counts[s]
			}
		}
		w.P = math.Min(1, 2*tail/total)
		return w
	}

	sigma := math.Sqrt(nf*(nf+1)*(2*nf+1)/24 - tieTerm/48)
	z := v - mean
	correction := 0.0
	switch {
	case z > 0:
		correction = 0.5
	case z < 0:
		correction = -0.5
	}
	z = (z - correction) / sigma
	w.P = math.Min(1, 2*math.Min(distuv.UnitNormal.CDF(z), distuv.UnitNormal.Survival(z)))
	return w
}

// signedRankCounts returns, for each s in 0..n(n+1)/2, the number of subsets
// of {1..n} whose sum is s: the null distribution of V times 2^n. Counts
// stay below 2^49 for n < 50, exact in a float64.
func signedRankCounts(n int) []float64 {
	max := n * (n + 1) / 2
	c := make([]float64, max+1)
	c[0] = 1
	for k := 1; k <= n; k++ {
		for s := k * (k + 1) / 2; s >= k; s-- {
			c[s] += c[s-k]
		}
	}
	return c
}

// roundSignificant rounds x to digits significant digits, like R's signif.
func roundSignificant(x float64, digits int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', digits, 64), 64)
	if err != nil {
		return x
	}
	return r
}
