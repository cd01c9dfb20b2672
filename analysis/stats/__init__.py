"""Statistics with no knowledge of the corpus: one resampling design, intervals, keyness, multiplicity.

This docstring is the one place where the project's inference is documented; the modules
below implement it and cite their sources.

The unit of evidence
--------------------
Tokens of one answer are not independent (a speaker who says "compute" once says it
again), so the unit is the **turn** (or the ~250-token chunk of a caption transcript
without speaker names), and the **interview** (or the person) when groups of interviews
are compared. Never the token.

The resampling design (:mod:`analysis.stats.bootstrap`)
-------------------------------------------------------
* **One interview, many turns** (30 or more): a moving-block bootstrap over consecutive
  turns (Kunsch 1989; circular blocks, Politis & Romano 1992), because a theme runs over
  several consecutive turns. Block length ``ceil(n ** (1/3))`` turns, the order that
  minimises the error of a block-bootstrap variance estimate (Hall, Horowitz & Jing 1995;
  Lahiri 2003, ch. 7): 5 turns for 100, 9 for 600. Percentile interval.
* **One interview, few turns** (fewer than 30, e.g. the seed's six answers): no bootstrap
  (a percentile bootstrap on six turns undercovers, and gives [0, 0] when a theme is
  absent). Rates: the negative-binomial exact interval (pivoting the NB distribution
  function, Casella & Berger 2002, Thm 9.2.12; :func:`analysis.stats.intervals.negative_binomial_exact`)
  with the between-turn bunching ``kappa`` of each theme measured on the comparison
  corpus's interviews of 30+ turns (:mod:`analysis.stats.dispersion`: the gamma shape of
  a negative binomial over turns, interview rates as means; ``kappa="estimate"`` in
  :func:`analysis.stats.bootstrap.bootstrap_table`). ``kappa=inf`` is the exact Poisson
  interval (Garwood 1936). Without a kappa, the earlier rule: the union of the exact
  Poisson interval and a cluster-robust Student-t interval over turns (linearised ratio,
  n - 1 degrees of freedom; Cochran 1977, sec. 6.4), which undercovers when hits are
  bunched (0.55 at kappa 0.06, rate 10 per 1,000, six turns; the NB interval 0.95 or
  more over kappa 0.06-inf: ``python -m analysis.stats.coverage``). The corpus's themes
  are bunched (maximum-likelihood kappa 0.04-0.28 per theme on the executives' turns of corpus v2,
  the seed_theme_rates caption), so with six turns the NB upper bounds are wide:
  that is what six answers can tell. Shares of turns: Wilson (1927) score interval from
  ``scipy.stats.binomtest``. Coverage is checked by simulation (``tests/test_bootstrap.py``;
  :mod:`analysis.stats.coverage`).
* **Pooled over interviews** (groups, periods, "the others"): a two-stage bootstrap
  (Davison & Hinkley 1997, sec. 3.8): draw clusters with replacement (interviews, or
  persons when someone was interviewed more than once), then, within every interview,
  turns in moving blocks as above. Each group is resampled on its own. Its coverage is
  checked by simulation too.

Every random draw comes from a stream derived from ``random_state`` and the group's name
(:func:`analysis.stats.resampling.stream`): same inputs, same bytes, whatever the order or
the set of other groups.

Names in every table
--------------------
``rate`` (per 1,000 tokens) or ``share`` (of turns, 0-1), ``lo`` and ``hi`` (the interval
at ``level``, 95% by default), ``n`` (the units the interval rests on: turns, or
interviews for group tables; ``n_clusters`` the first-stage units), ``n_tokens``.
Differences: ``diff``, ``lo``, ``hi`` with each side's ``rate_a``, ``rate_b``, ``n_a``,
``n_b``. p-values ``p_value``; adjusted ones ``q_value``. ``interval`` names the method;
``kappa`` the between-turn bunching a few-turns rate interval used (NaN where none).
Randomness is ``random_state`` everywhere ("seed" means the seed document only).

Multiplicity (:mod:`analysis.stats.multiplicity`)
-------------------------------------------------
More than one item tested means Benjamini-Hochberg (1995) false-discovery-rate control,
on by default, and a caption that says how many comparisons were made.

Keyness (:mod:`analysis.stats.keyness`): G2, Log Ratio with a sign that zero counts
cannot flip, Monroe-Colaresi-Quinn log-odds with a prior that really shrinks, and an
exact test whose unit is the turn.

References
----------
Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57, 289-300.
Casella, G. & Berger, R. L. (2002). Statistical Inference, 2nd ed. Duxbury.
Cochran, W. G. (1977). Sampling Techniques, 3rd ed. Wiley.
Davison, A. C. & Hinkley, D. V. (1997). Bootstrap Methods and their Application. CUP.
Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28, 437-442.
Hall, P., Horowitz, J. L. & Jing, B.-Y. (1995). On blocking rules for the bootstrap with
    dependent data. Biometrika 82, 561-574.
Kunsch, H. R. (1989). The jackknife and the bootstrap for general stationary observations.
    Annals of Statistics 17, 1217-1241.
Lahiri, S. N. (2003). Resampling Methods for Dependent Data. Springer.
Politis, D. N. & Romano, J. P. (1992). A circular block-resampling procedure for stationary
    data. In Exploring the Limits of Bootstrap, Wiley, 263-270.
Wilson, E. B. (1927). Probable inference. JASA 22, 209-212.
"""
