#include "stats/Bootstrap.h"

#include "util/FraError.h"
#include "util/SeedSequence.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace fra {

namespace {

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

void check(std::size_t n, const BootstrapSettings& s) {
    if (n < 2) throw FraError("a bootstrap interval needs at least 2 samples, got " + std::to_string(n));
    if (s.resamples < 100) throw FraError("a bootstrap needs at least 100 resamples, got " + std::to_string(s.resamples));
    if (!(s.level > 0 && s.level < 1)) throw FraError("the confidence level must be inside (0, 1)");
}

// The bootstrap distribution of the mean of `values`: B means of n draws with replacement.
std::vector<double> resampledMeans(const std::vector<double>& values, const BootstrapSettings& s) {
    const std::size_t n = values.size();
    std::vector<double> means(static_cast<std::size_t>(s.resamples));
    std::uint64_t state = s.seed ^ 0x9e3779b97f4a7c15ULL;
    for (auto& m : means) {
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            state = splitMix64(state);
            sum += values[static_cast<std::size_t>((state >> 11) * 0x1.0p-53 * static_cast<double>(n))];
        }
        m = sum / static_cast<double>(n);
    }
    std::sort(means.begin(), means.end());
    return means;
}

// The q-quantile (q in [0, 1]) of sorted values, interpolated linearly (numpy's default).
double quantile(const std::vector<double>& sorted, double q) {
    const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
    const std::size_t lo = static_cast<std::size_t>(std::floor(pos)), hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

BootstrapInterval interval(const std::vector<double>& values, const std::vector<double>& sortedMeans, const BootstrapSettings& s) {
    BootstrapInterval out;
    out.estimate = mean(values);
    out.level = s.level;
    out.resamples = s.resamples;
    const double alpha = (1 - s.level) / 2;
    // bias correction: where the estimate sits in its bootstrap distribution (ties count half)
    const auto below = std::lower_bound(sortedMeans.begin(), sortedMeans.end(), out.estimate) - sortedMeans.begin();
    const auto upTo = std::upper_bound(sortedMeans.begin(), sortedMeans.end(), out.estimate) - sortedMeans.begin();
    const double share = static_cast<double>(below + upTo) / (2.0 * static_cast<double>(sortedMeans.size()));
    // acceleration: the skewness of the jackknife means
    const std::size_t n = values.size();
    const double total = std::accumulate(values.begin(), values.end(), 0.0);
    std::vector<double> jack(n);
    for (std::size_t i = 0; i < n; ++i) jack[i] = (total - values[i]) / static_cast<double>(n - 1);
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

BootstrapInterval bootstrapMean(const std::vector<double>& values, const BootstrapSettings& settings) {
    check(values.size(), settings);
    return interval(values, resampledMeans(values, settings), settings);
}

PairedComparison pairedBootstrap(const std::vector<double>& a, const std::vector<double>& b, const BootstrapSettings& settings) {
    if (a.size() != b.size()) throw FraError("a paired comparison needs the same test samples: " + std::to_string(a.size()) + " against " +
                                             std::to_string(b.size()));
    check(a.size(), settings);
    std::vector<double> diff(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) diff[i] = a[i] - b[i];
    const std::vector<double> means = resampledMeans(diff, settings);
    PairedComparison out;
    out.difference = interval(diff, means, settings);
    const double B = static_cast<double>(means.size());
    const double atOrBelow = static_cast<double>(std::upper_bound(means.begin(), means.end(), 0.0) - means.begin());
    const double atOrAbove = static_cast<double>(means.end() - std::lower_bound(means.begin(), means.end(), 0.0));
    out.pValue = std::min(1.0, 2 * (std::min(atOrBelow, atOrAbove) + 1) / (B + 1));
    return out;
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
