// Bootstrap intervals and paired tests against an independent implementation: scipy.stats
// (Debian's python3-scipy, a test dependency) on the same samples. The resamples differ, so the
// bounds must agree within 5 % of the interval's width.
#include "stats/Bootstrap.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "util/FraError.h"

#include <algorithm>
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

namespace {

// Per cluster, in order of first appearance: the sum of its values and their number.
std::pair<std::vector<double>, std::vector<double>> clusterSums(const std::vector<double>& values, const std::vector<std::string>& clusters) {
    std::vector<std::string> order;
    std::vector<double> sums, sizes;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto k = static_cast<std::size_t>(std::find(order.begin(), order.end(), clusters[i]) - order.begin());
        if (k == order.size()) order.push_back(clusters[i]), sums.push_back(0), sizes.push_back(0);
        sums[k] += values[i];
        sizes[k] += 1;
    }
    return {sums, sizes};
}

// scipy.stats.bootstrap's BCa interval of the cluster bootstrap: the (sum, size) of each cluster
// resampled as pairs, the statistic the mean over the samples drawn; its jackknife leaves out one
// pair, i.e. one cluster, as ours does.
std::pair<double, double> scipyClusterInterval(const std::vector<double>& values, const std::vector<std::string>& clusters) {
    const auto [sums, sizes] = clusterSums(values, clusters);
    const std::string script = "import numpy as np, scipy.stats as st\n"
                               "r = st.bootstrap((np.array(" + listOf(sums) + "), np.array(" + listOf(sizes) +
                               ")), lambda s, n, axis: s.sum(axis=axis) / n.sum(axis=axis), vectorized=True, paired=True, "
                               "n_resamples=9999, confidence_level=0.95, method='BCa', random_state=np.random.default_rng(7))\n"
                               "print(repr(r.confidence_interval.low), repr(r.confidence_interval.high))\n";
    const ProcessResult r = runProcess({kPython, "-c", script});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    std::istringstream out(r.out);
    double low = NAN, high = NAN;
    out >> low >> high;
    return {low, high};
}

}  // namespace

TEST(Bootstrap, ClusterIntervalsAgreeWithScipyAndAreWiderThanTakingFramesAsIndependent) {
    // 12 "videos" of 1 to 40 frames each; frames of one video share most of their error
    std::mt19937_64 rng(5);
    std::vector<double> nme;
    std::vector<std::string> video;
    for (int v = 0; v < 12; ++v) {
        const double level = std::lognormal_distribution<double>(std::log(0.05), 0.4)(rng);
        const int frames = 1 + (v * 7) % 40;
        for (int f = 0; f < frames; ++f) {
            nme.push_back(level * (1 + 0.05 * std::normal_distribution<double>()(rng)));
            video.push_back("test/video" + std::to_string(v));
        }
    }
    // a video's frames need not be adjacent: the names decide
    std::vector<std::size_t> order(nme.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<double> shuffledNme;
    std::vector<std::string> shuffledVideo;
    for (const std::size_t i : order) shuffledNme.push_back(nme[i]), shuffledVideo.push_back(video[i]);
    nme.swap(shuffledNme);
    video.swap(shuffledVideo);
    const auto byVideo = fra::bootstrapMean(nme, {}, video);
    EXPECT_EQ(byVideo.units, 12);
    expectClose(byVideo, scipyClusterInterval(nme, video), "NME of 12 videos");
    const auto byFrame = fra::bootstrapMean(nme);
    EXPECT_EQ(byFrame.units, static_cast<int>(nme.size()));
    EXPECT_GT(byVideo.high - byVideo.low, 1.5 * (byFrame.high - byFrame.low));
}

TEST(Bootstrap, ClustersOfOneAreThePlainBootstrapAndIdenticalCopiesCountOnce) {
    std::mt19937_64 rng(3);
    std::vector<double> v(25), copies, diffA, diffB;
    std::vector<std::string> own, copyNames;
    for (std::size_t i = 0; i < v.size(); ++i) {
        v[i] = std::lognormal_distribution<double>(std::log(0.05), 0.5)(rng);
        own.push_back("face" + std::to_string(i));
        for (int c = 0; c < 4; ++c) copies.push_back(v[i]), copyNames.push_back("face" + std::to_string(i));
    }
    const auto plain = fra::bootstrapMean(v), named = fra::bootstrapMean(v, {}, own), fourCopies = fra::bootstrapMean(copies, {}, copyNames);
    EXPECT_EQ(named.low, plain.low);
    EXPECT_EQ(named.high, plain.high);
    // four identical frames of each face, resampled by face: the same draws, the same interval
    EXPECT_NEAR(fourCopies.low, plain.low, 1e-12);
    EXPECT_NEAR(fourCopies.high, plain.high, 1e-12);
    EXPECT_EQ(fourCopies.units, 25);
    // taken as 100 independent faces the same data looks twice as certain
    const auto asIndependent = fra::bootstrapMean(copies);
    EXPECT_LT(asIndependent.high - asIndependent.low, 0.6 * (plain.high - plain.low));
    // the paired test: a difference carried by one video (40 of 60 faces; the 5 other folders show
    // none) is significant face by face and not folder by folder
    std::vector<std::string> groups;
    for (int i = 0; i < 60; ++i) {
        const bool video = i < 40;
        diffB.push_back(0.05 + 0.001 * std::cos(i));
        diffA.push_back(video ? 0.054 + 0.001 * std::sin(i) : diffB.back());
        groups.push_back(video ? "video" : "still" + std::to_string(i % 5));
    }
    EXPECT_LT(fra::pairedBootstrap(diffA, diffB).pValue, 0.01);
    EXPECT_GT(fra::pairedBootstrap(diffA, diffB, {}, groups).pValue, 0.05);
    EXPECT_THROW(fra::bootstrapMean(v, {}, std::vector<std::string>(v.size(), "one video")), fra::FraError);
    EXPECT_THROW(fra::bootstrapMean(v, {}, {"a", "b"}), fra::FraError);
    EXPECT_THROW(fra::pairedBootstrap(diffA, diffB, {}, {"a"}), fra::FraError);
}

namespace {

// scipy.stats.permutation_test on the clusters' summed outcomes of two models, swapping the models
// within a cluster (permutation_type='samples'): the sign-flip test over clusters.
double scipySignFlipP(const std::vector<double>& a, const std::vector<double>& b, const std::vector<std::string>& clusters, bool exact) {
    const std::vector<double> sumA = clusterSums(a, clusters).first, sumB = clusterSums(b, clusters).first;
    const std::string script = "import numpy as np, scipy.stats as st\n"
                               "r = st.permutation_test((np.array(" + listOf(sumA) + "), np.array(" + listOf(sumB) +
                               ")), lambda x, y, axis: np.mean(x - y, axis=axis), vectorized=True, permutation_type='samples', "
                               "n_resamples=" + (exact ? "np.inf" : "99999") + ", alternative='two-sided', random_state=np.random.default_rng(7))\n"
                               "print(repr(r.pvalue))\n";
    const ProcessResult r = runProcess({kPython, "-c", script});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return r.exitCode == 0 ? std::stod(r.out) : NAN;
}

}  // namespace

TEST(Bootstrap, ClusterSignFlipTestAgreesWithScipysPermutationTest) {
    // two models on 9 videos of 3 to 30 frames: model b is a little better on most videos
    std::mt19937_64 rng(9);
    std::vector<double> a, b;
    std::vector<std::string> video;
    for (int v = 0; v < 9; ++v) {
        const double level = std::lognormal_distribution<double>(std::log(0.05), 0.3)(rng);
        const double gain = v < 7 ? 0.003 : -0.002;
        for (int f = 0; f < 3 + (v * 11) % 28; ++f) {
            a.push_back(level * (1 + 0.05 * std::normal_distribution<double>()(rng)));
            b.push_back(a.back() - gain * (1 + 0.3 * std::normal_distribution<double>()(rng)));
            video.push_back("v" + std::to_string(v));
        }
    }
    const fra::SignFlipTest exact = fra::clusterSignFlipTest(a, b, video);
    EXPECT_TRUE(exact.exact);
    EXPECT_EQ(exact.patterns, 512);
    EXPECT_EQ(exact.clusters, 9);
    EXPECT_NEAR(exact.pValue, scipySignFlipP(a, b, video, true), 1e-12);
    // frame by frame the same data looks like a difference; video by video it is not one
    EXPECT_LT(fra::pairedBootstrap(a, b).pValue, 0.05);
    EXPECT_GT(exact.pValue, 0.05);
    // more than 20 clusters: random sign patterns, within Monte Carlo error of scipy's
    std::vector<double> c, d;
    std::vector<std::string> person;
    for (int p = 0; p < 24; ++p)
        for (int f = 0; f < 1 + p % 4; ++f) {
            c.push_back(0.05 + 0.01 * std::normal_distribution<double>()(rng));
            d.push_back(c.back() - 0.002 + 0.006 * std::normal_distribution<double>()(rng));
            person.push_back("p" + std::to_string(p));
        }
    const fra::SignFlipTest drawn = fra::clusterSignFlipTest(c, d, person);
    EXPECT_FALSE(drawn.exact);
    EXPECT_EQ(drawn.patterns, 10000);
    const double scipy = scipySignFlipP(c, d, person, false);
    EXPECT_GT(scipy, 0.002);  // a case where the p-value is not pinned at its floor
    EXPECT_NEAR(drawn.pValue, scipy, 0.02);
    EXPECT_EQ(fra::clusterSignFlipTest(a, a, video).pValue, 1);
}
