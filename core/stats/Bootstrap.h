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
struct BootstrapInterval {
    double estimate = 0;   // the mean over the samples themselves
    double low = 0, high = 0;
    double level = 0.95;
    int resamples = 0;
    std::string method;    // "BCa" or "percentile"
};

struct BootstrapSettings {
    int resamples = 9999;
    double level = 0.95;
    std::uint64_t seed = 0;
};

// The mean of `values` with its interval. Throws FraError for fewer than 2 values or a setting out
// of range (resamples < 100, level outside (0, 1)).
BootstrapInterval bootstrapMean(const std::vector<double>& values, const BootstrapSettings& settings = {});

// Two models on the same test samples: the mean of a[i] - b[i] with its interval over the same
// resampled samples (a paired bootstrap), and the two-sided p-value of "no difference": twice the
// share of resampled differences on the far side of zero (the percentile test; at least 1/(B+1)).
struct PairedComparison {
    BootstrapInterval difference;
    double pValue = 1;
};
PairedComparison pairedBootstrap(const std::vector<double>& a, const std::vector<double>& b, const BootstrapSettings& settings = {});

// Two classifiers on the same test samples (true = right): the exact McNemar test, the two-sided
// binomial test of the discordant pairs at p = 1/2. 1 when they never disagree.
struct McNemarTest {
    int onlyA = 0, onlyB = 0;  // right by one classifier and wrong by the other
    double pValue = 1;
};
McNemarTest mcnemarExact(const std::vector<bool>& a, const std::vector<bool>& b);

// The standard normal distribution function and its inverse (for the BCa correction).
double normalCdf(double x);
double normalQuantile(double p);

}  // namespace fra
