// Bootstrap intervals and paired tests against an independent implementation: scipy.stats
// (Debian's python3-scipy, a test dependency) on the same samples. The resamples differ, so the
// bounds must agree within 5 % of the interval's width.
#include "stats/Bootstrap.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "util/FraError.h"

#include <cmath>
#include <fstream>
#include <gtest/gtest.h>
#include <random>
#include <sstream>

namespace {

const char* kPython = "/usr/bin/python3";  // Debian's, with python3-scipy

std::string listOf(const std::vector<double>& v) {
    std::ostringstream s;
    s.precision(17);
    s << "[";
    for (std::size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
    return s.str() + "]";
}

// scipy.stats.bootstrap's BCa interval of the mean (of a - b when `b` is given, paired).
std::pair<double, double> scipyInterval(const std::vector<double>& a, const std::vector<double>& b = {}) {
    const std::string data = b.empty() ? "(np.array(" + listOf(a) + "),)" : "(np.array(" + listOf(a) + "), np.array(" + listOf(b) + "))";
    const std::string statistic = b.empty() ? "lambda x, axis: np.mean(x, axis=axis)" : "lambda x, y, axis: np.mean(x - y, axis=axis)";
    const std::string script = "import numpy as np, scipy.stats as st\n"
                               "r = st.bootstrap(" + data + ", " + statistic + ", vectorized=True, paired=" + (b.empty() ? "False" : "True") +
                               ", n_resamples=9999, confidence_level=0.95, method='BCa', random_state=np.random.default_rng(7))\n"
                               "print(repr(r.confidence_interval.low), repr(r.confidence_interval.high))\n";
    const ProcessResult r = runProcess({kPython, "-c", script});
    EXPECT_EQ(r.exitCode, 0) << r.err << "\n(the tests need Debian's python3-scipy: scripts/test.sh installs it)";
    std::istringstream out(r.out);
    double low = NAN, high = NAN;
    out >> low >> high;
    return {low, high};
}

void expectClose(const fra::BootstrapInterval& ours, std::pair<double, double> scipy, const std::string& what) {
    const double width = scipy.second - scipy.first;
    ASSERT_GT(width, 0) << what;
    EXPECT_EQ(ours.method, "BCa") << what;
    EXPECT_NEAR(ours.low, scipy.first, 0.05 * width) << what;
    EXPECT_NEAR(ours.high, scipy.second, 0.05 * width) << what;
    EXPECT_LE(ours.low, ours.estimate) << what;
    EXPECT_GE(ours.high, ours.estimate) << what;
}

}  // namespace

TEST(Bootstrap, IntervalsAgreeWithScipy) {
    // accuracy on 15 test faces (one face = 6.7 points), on 200, and a skewed per-image NME
    std::vector<double> small = {1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 1};
    std::mt19937_64 rng(11);
    std::vector<double> accuracy(200), nme(120), nme2(120);
    for (auto& v : accuracy) v = std::bernoulli_distribution(0.7)(rng) ? 1.0 : 0.0;
    std::lognormal_distribution<double> skewed(std::log(0.05), 0.6);
    for (std::size_t i = 0; i < nme.size(); ++i) {
        nme[i] = skewed(rng);
        nme2[i] = nme[i] * 0.93 + 0.004 * std::normal_distribution<double>()(rng);  // another model on the same faces
    }
    expectClose(fra::bootstrapMean(small), scipyInterval(small), "accuracy of 15 faces");
    expectClose(fra::bootstrapMean(accuracy), scipyInterval(accuracy), "accuracy of 200 faces");
    expectClose(fra::bootstrapMean(nme), scipyInterval(nme), "NME of 120 faces");
    // heavy tails and a near-perfect classifier: BCa's corrections move the bounds well away from
    // the plain percentiles here, so only a correct BCa agrees
    std::vector<double> tailed(30), nearlyAll(40, 1.0);
    std::lognormal_distribution<double> heavy(0.0, 1.5);
    for (auto& v : tailed) v = heavy(rng);
    nearlyAll[3] = nearlyAll[17] = 0.0;
    expectClose(fra::bootstrapMean(tailed), scipyInterval(tailed), "heavy-tailed errors of 30 faces");
    expectClose(fra::bootstrapMean(nearlyAll), scipyInterval(nearlyAll), "38 of 40 faces right");
    const fra::PairedComparison paired = fra::pairedBootstrap(nme, nme2);
    expectClose(paired.difference, scipyInterval(nme, nme2), "paired NME difference");
    EXPECT_GT(paired.difference.low, 0);  // model 2 is 7 % better on every face, nearly: told apart
    EXPECT_LT(paired.pValue, 0.01);
}

TEST(Bootstrap, TheSameSeedGivesTheSameIntervalAndUndefinedBcaFallsBackToPercentiles) {
    const std::vector<double> v = {0.04, 0.05, 0.07, 0.03, 0.09, 0.05, 0.06};
    const auto a = fra::bootstrapMean(v), b = fra::bootstrapMean(v);
    EXPECT_EQ(a.low, b.low);
    EXPECT_EQ(a.high, b.high);
    EXPECT_EQ(a.resamples, 9999);
    fra::BootstrapSettings other;
    other.seed = 1;
    std::vector<double> spread;
    for (int i = 0; i < 40; ++i) spread.push_back(std::sin(i * 1.7) * 0.02 + 0.05);
    EXPECT_NE(fra::bootstrapMean(spread, other).low, fra::bootstrapMean(spread).low);  // another seed, other resamples
    const auto constant = fra::bootstrapMean({1, 1, 1, 1});  // every resample is 1: no BCa
    EXPECT_EQ(constant.method, "percentile");
    EXPECT_EQ(constant.low, 1);
    EXPECT_EQ(constant.high, 1);
    const auto same = fra::pairedBootstrap(v, v);
    EXPECT_EQ(same.pValue, 1);
    EXPECT_EQ(same.difference.estimate, 0);
    EXPECT_THROW(fra::bootstrapMean({1}), fra::FraError);
    EXPECT_THROW(fra::pairedBootstrap({1, 2}, {1, 2, 3}), fra::FraError);
    other.resamples = 10;
    EXPECT_THROW(fra::bootstrapMean(v, other), fra::FraError);
}

TEST(Bootstrap, ExactMcNemarAgreesWithScipysBinomialTest) {
    std::vector<bool> a, b;
    for (int i = 0; i < 40; ++i) {  // 10 faces only a gets right, 3 only b, the rest alike
        a.push_back(i < 10 || (i >= 13 && i % 2 == 0));
        b.push_back((i >= 10 && i < 13) || (i >= 13 && i % 2 == 0));
    }
    const fra::McNemarTest t = fra::mcnemarExact(a, b);
    EXPECT_EQ(t.onlyA, 10);
    EXPECT_EQ(t.onlyB, 3);
    const ProcessResult r = runProcess({kPython, "-c", "import scipy.stats as st; print(repr(st.binomtest(3, 13, 0.5).pvalue))"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NEAR(t.pValue, std::stod(r.out), 1e-12);
    EXPECT_EQ(fra::mcnemarExact(a, a).pValue, 1);
}

TEST(Bootstrap, NormalQuantileInvertsTheDistributionFunction) {
    EXPECT_NEAR(fra::normalQuantile(0.975), 1.959963984540054, 1e-12);
    EXPECT_NEAR(fra::normalQuantile(0.5), 0, 1e-15);
    for (const double p : {1e-10, 1e-4, 0.01, 0.3, 0.7, 0.99, 1 - 1e-9})
        EXPECT_NEAR(fra::normalCdf(fra::normalQuantile(p)), p, 1e-12 * std::max(1.0, p / (1 - p))) << p;
}
