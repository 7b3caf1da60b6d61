#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace fra {

// Uncertainty of a metric that is a mean over test samples (accuracy: 0/1 per face; NME: the error
// per face), by resampling the test samples: the nonparametric bootstrap with the BCa interval
// (bias-corrected and accelerated, Efron 1987, as scipy.stats.bootstrap computes it), with a fixed
// seed so every run reports the same interval. Where BCa is undefined (every resample gives the
// same value, or no jackknife spread) the percentile interval is given and `method` says so.
//
// Test samples that are not independent (frames of one video, photos of one person) can be
// resampled as clusters: `clusters` names each sample's cluster (empty: every sample its own), the
// resampling draws whole clusters with replacement and the statistic is the mean over every sample
// drawn; the BCa jackknife leaves out one cluster at a time (the cluster bootstrap, Davison &
// Hinkley 1997, 3.8). Samples of a cluster need not be adjacent; with one sample per cluster it is
// exactly the plain bootstrap.
struct BootstrapInterval {
    double estimate = 0;   // the mean over the samples themselves
    double low = 0, high = 0;
    double level = 0.95;
    int resamples = 0;
    int units = 0;         // what was resampled: the samples, or the clusters
    std::string method;    // "BCa" or "percentile"
};

struct BootstrapSettings {
    int resamples = 9999;
    double level = 0.95;
    std::uint64_t seed = 0;
};

// The mean of `values` with its interval. Throws FraError for fewer than 2 values (or clusters), a
// cluster list of another length, or a setting out of range (resamples < 100, level outside (0, 1)).
BootstrapInterval bootstrapMean(const std::vector<double>& values, const BootstrapSettings& settings = {},
                                const std::vector<std::string>& clusters = {});

// Two models on the same test samples: the mean of a[i] - b[i] with its interval over the same
// resampled samples (a paired bootstrap), and the two-sided p-value of "no difference": twice the
// share of resampled differences on the far side of zero (the percentile test; at least 1/(B+1)).
// With `clusters`, whole clusters of pairs are resampled.
struct PairedComparison {
    BootstrapInterval difference;
    double pValue = 1;
};
PairedComparison pairedBootstrap(const std::vector<double>& a, const std::vector<double>& b, const BootstrapSettings& settings = {},
                                 const std::vector<std::string>& clusters = {});

// Two models on the same test samples that fall into few clusters (the frames of a handful of
// videos): the paired permutation test at the cluster level. Under "no difference" the two models'
// outcomes on a cluster could as well be swapped, which flips the sign of the cluster's summed
// difference; the p-value is the two-sided share of the 2^C sign patterns (all of them for up to
// 20 clusters, else `settings.resamples` random ones plus the observed) whose mean difference is as
// far out as the observed (scipy.stats.permutation_test's definition). Unlike the bootstrap it stays
// exact with few clusters; with C clusters the smallest p-value is 2 / 2^C (0.0625 for 5).
struct SignFlipTest {
    double difference = 0;  // the mean of a - b over all samples
    int clusters = 0;
    long long patterns = 0;  // sign patterns counted
    bool exact = false;      // every pattern, not a random draw of them
    double pValue = 1;
};
SignFlipTest clusterSignFlipTest(const std::vector<double>& a, const std::vector<double>& b, const std::vector<std::string>& clusters,
                                 const BootstrapSettings& settings = {});

// Two classifiers on the same test samples (true = right): the exact McNemar test, the two-sided
// binomial test of the discordant pairs at p = 1/2. 1 when they never disagree. It takes the samples
// as independent: for clustered samples use clusterSignFlipTest.
struct McNemarTest {
    int onlyA = 0, onlyB = 0;  // right by one classifier and wrong by the other
    double pValue = 1;
};
McNemarTest mcnemarExact(const std::vector<bool>& a, const std::vector<bool>& b);

// The standard normal distribution function and its inverse (for the BCa correction).
double normalCdf(double x);
double normalQuantile(double p);

}  // namespace fra
