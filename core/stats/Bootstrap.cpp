#include "stats/Bootstrap.h"

#include "util/FraError.h"
#include "util/SeedSequence.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace fra {

namespace {

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

void checkSettings(const BootstrapSettings& s) {
    if (s.resamples < 100) throw FraError("a bootstrap needs at least 100 resamples, got " + std::to_string(s.resamples));
    if (!(s.level > 0 && s.level < 1)) throw FraError("the confidence level must be inside (0, 1)");
}

// What is resampled: per cluster (in order of first appearance) the sum of its samples' values and
// their number. Without cluster names every sample is its own cluster.
struct Units {
    std::vector<double> sums, sizes;
    double total = 0, count = 0;
    double mean() const { return total / count; }
};

Units unitsOf(const std::vector<double>& values, const std::vector<std::string>& clusters) {
    if (values.size() < 2) throw FraError("a bootstrap interval needs at least 2 samples, got " + std::to_string(values.size()));
    if (!clusters.empty() && clusters.size() != values.size())
        throw FraError("a cluster bootstrap needs one cluster per sample: " + std::to_string(clusters.size()) + " for " +
                       std::to_string(values.size()) + " samples");
    Units u;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::size_t k = u.sums.size();
        if (!clusters.empty()) k = index.emplace(clusters[i], u.sums.size()).first->second;
        if (k == u.sums.size()) u.sums.push_back(0), u.sizes.push_back(0);
        u.sums[k] += values[i];
        u.sizes[k] += 1;
        u.total += values[i];
        u.count += 1;
    }
    if (u.sums.size() < 2) throw FraError("a cluster bootstrap needs at least 2 clusters, got " + std::to_string(u.sums.size()));
    return u;
}

// The bootstrap distribution of the mean: B resamples of as many units (samples or clusters) drawn
// with replacement, each the mean over the samples drawn, sorted.
std::vector<double> resampledMeans(const Units& u, const BootstrapSettings& s) {
    const std::size_t n = u.sums.size();
    std::vector<double> means(static_cast<std::size_t>(s.resamples));
    std::uint64_t state = s.seed ^ 0x9e3779b97f4a7c15ULL;
    for (auto& m : means) {
        double sum = 0, count = 0;
        for (std::size_t i = 0; i < n; ++i) {
            state = splitMix64(state);
            const auto k = static_cast<std::size_t>((state >> 11) * 0x1.0p-53 * static_cast<double>(n));
            sum += u.sums[k];
            count += u.sizes[k];
        }
        m = sum / count;
    }
    std::sort(means.begin(), means.end());
    return means;
}

// a[i] - b[i] of two models on the same test samples
std::vector<double> differences(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) throw FraError("a paired comparison needs the same test samples: " + std::to_string(a.size()) + " against " +
                                             std::to_string(b.size()));
    std::vector<double> diff(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) diff[i] = a[i] - b[i];
    return diff;
}

// The q-quantile (q in [0, 1]) of sorted values, interpolated linearly (numpy's default).
double quantile(const std::vector<double>& sorted, double q) {
    const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
    const std::size_t lo = static_cast<std::size_t>(std::floor(pos)), hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

BootstrapInterval interval(const Units& u, const std::vector<double>& sortedMeans, const BootstrapSettings& s) {
    BootstrapInterval out;
    out.estimate = u.mean();
    out.level = s.level;
    out.resamples = s.resamples;
    out.units = static_cast<int>(u.sums.size());
    const double alpha = (1 - s.level) / 2;
    // bias correction: where the estimate sits in its bootstrap distribution (ties count half)
    const auto below = std::lower_bound(sortedMeans.begin(), sortedMeans.end(), out.estimate) - sortedMeans.begin();
    const auto upTo = std::upper_bound(sortedMeans.begin(), sortedMeans.end(), out.estimate) - sortedMeans.begin();
    const double share = static_cast<double>(below + upTo) / (2.0 * static_cast<double>(sortedMeans.size()));
    // acceleration: the skewness of the jackknife means (one unit left out at a time)
    const std::size_t n = u.sums.size();
    std::vector<double> jack(n);
    for (std::size_t i = 0; i < n; ++i) jack[i] = (u.total - u.sums[i]) / (u.count - u.sizes[i]);
    const double jackMean = mean(jack);
    double num = 0, den = 0;
    for (const double j : jack) {
        const double d = jackMean - j;
        num += d * d * d;
        den += d * d;
    }
    const bool defined = share > 0 && share < 1 && den > 0;
    if (!defined) {
        out.method = "percentile";
        out.low = quantile(sortedMeans, alpha);
        out.high = quantile(sortedMeans, 1 - alpha);
        return out;
    }
    const double z0 = normalQuantile(share), a = num / (6 * std::pow(den, 1.5));
    auto adjusted = [&](double p) {
        const double z = normalQuantile(p);
        return normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
    };
    out.method = "BCa";
    out.low = quantile(sortedMeans, adjusted(alpha));
    out.high = quantile(sortedMeans, adjusted(1 - alpha));
    return out;
}

// log of the binomial coefficient n choose k
double logChoose(int n, int k) { return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0); }

}  // namespace

double normalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) return p == 0 ? -std::numeric_limits<double>::infinity() : p == 1 ? std::numeric_limits<double>::infinity() : NAN;
    // Acklam's rational approximation, then two Newton steps on erfc (full double precision)
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
    double x;
    if (p < 0.02425) {
        const double q = std::sqrt(-2 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p > 1 - 0.02425) {
        const double q = std::sqrt(-2 * std::log1p(-p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else {
        const double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    for (int i = 0; i < 2; ++i) {
        const double e = normalCdf(x) - p;
        x -= e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
    }
    return x;
}

BootstrapInterval bootstrapMean(const std::vector<double>& values, const BootstrapSettings& settings,
                                const std::vector<std::string>& clusters) {
    checkSettings(settings);
    const Units u = unitsOf(values, clusters);
    return interval(u, resampledMeans(u, settings), settings);
}

PairedComparison pairedBootstrap(const std::vector<double>& a, const std::vector<double>& b, const BootstrapSettings& settings,
                                 const std::vector<std::string>& clusters) {
    checkSettings(settings);
    const std::vector<double> diff = differences(a, b);
    const Units u = unitsOf(diff, clusters);
    const std::vector<double> means = resampledMeans(u, settings);
    PairedComparison out;
    out.difference = interval(u, means, settings);
    const double B = static_cast<double>(means.size());
    const double atOrBelow = static_cast<double>(std::upper_bound(means.begin(), means.end(), 0.0) - means.begin());
    const double atOrAbove = static_cast<double>(means.end() - std::lower_bound(means.begin(), means.end(), 0.0));
    out.pValue = std::min(1.0, 2 * (std::min(atOrBelow, atOrAbove) + 1) / (B + 1));
    return out;
}

SignFlipTest clusterSignFlipTest(const std::vector<double>& a, const std::vector<double>& b, const std::vector<std::string>& clusters,
                                 const BootstrapSettings& settings) {
    checkSettings(settings);
    const std::vector<double> diff = differences(a, b);
    const Units u = unitsOf(diff, clusters);
    const std::size_t c = u.sums.size();
    SignFlipTest t;
    t.difference = u.mean();
    t.clusters = static_cast<int>(c);
    // the sum over clusters of sign * cluster sum; the mean difference is that over the sample count
    const double observed = u.total;
    // scipy's tolerance for patterns equal in theory but not in rounding
    const double tolerance = 100 * std::numeric_limits<double>::epsilon() * std::abs(observed);
    long long atOrAbove = 0, atOrBelow = 0;
    auto count = [&](double statistic) {
        atOrAbove += statistic >= observed - tolerance;
        atOrBelow += statistic <= observed + tolerance;
    };
    if (c <= 20) {
        t.exact = true;
        t.patterns = 1LL << c;
        for (long long pattern = 0; pattern < t.patterns; ++pattern) {
            double statistic = 0;
            for (std::size_t k = 0; k < c; ++k) statistic += (pattern >> k & 1) ? -u.sums[k] : u.sums[k];
            count(statistic);
        }
    } else {
        t.patterns = settings.resamples + 1LL;
        count(observed);
        std::uint64_t state = settings.seed ^ 0x5851f42d4c957f2dULL;
        for (int r = 0; r < settings.resamples; ++r) {
            double statistic = 0;
            for (std::size_t k = 0; k < c; ++k) {
                state = splitMix64(state);
                statistic += (state >> 63) ? -u.sums[k] : u.sums[k];
            }
            count(statistic);
        }
    }
    t.pValue = std::min(1.0, 2.0 * static_cast<double>(std::min(atOrAbove, atOrBelow)) / static_cast<double>(t.patterns));
    return t;
}

McNemarTest mcnemarExact(const std::vector<bool>& a, const std::vector<bool>& b) {
    if (a.size() != b.size()) throw FraError("McNemar's test needs the same test samples: " + std::to_string(a.size()) + " against " +
                                             std::to_string(b.size()));
    McNemarTest t;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] && !b[i]) ++t.onlyA;
        if (!a[i] && b[i]) ++t.onlyB;
    }
    const int n = t.onlyA + t.onlyB, k = std::min(t.onlyA, t.onlyB);
    if (n == 0) return t;
    double tail = 0;  // P(X <= k) for X ~ Binomial(n, 1/2)
    for (int i = 0; i <= k; ++i) tail += std::exp(logChoose(n, i) - n * std::log(2.0));
    t.pValue = std::min(1.0, 2 * tail);
    return t;
}

}  // namespace fra
