#include "data/CurveMath.h"

#include <algorithm>
#include <cmath>

namespace fraui {

void EmaState::extend(const QVector<double>& values, double w) {
    if (w != weight || values.size() < smoothed.size()) {  // new weight or a rewritten series: start over
        weight = w;
        smoothed.clear();
        s = 0;
        correction = 1;
    }
    const int from = static_cast<int>(smoothed.size()), n = static_cast<int>(values.size());
    smoothed.resize(n);
    const double* in = values.constData();
    double* o = smoothed.data();
    for (int i = from; i < n; ++i) {
        s = w * s + (1 - w) * in[i];
        correction *= w;
        o[i] = w > 0 ? s / (1 - correction) : in[i];
    }
}

QVector<double> emaDebiased(const QVector<double>& values, double weight) {
    QVector<double> out(values.size());
    const double* in = values.constData();
    double* o = out.data();
    const int n = static_cast<int>(values.size());
    if (weight <= 0) {
        std::copy(in, in + n, o);
        return out;
    }
    double s = 0, correction = 1;
    for (int i = 0; i < n; ++i) {
        s = weight * s + (1 - weight) * in[i];
        correction *= weight;
        o[i] = s / (1 - correction);
    }
    return out;
}

void decimateMinMax(const QVector<double>& xs, const QVector<double>& ys, double xMin, double xMax, int buckets, QVector<double>& outX,
                    QVector<double>& outY) {
    outX.clear();
    outY.clear();
    if (xs.isEmpty()) return;
    const double* x = xs.constData();
    const double* y = ys.constData();
    const int n = static_cast<int>(xs.size());
    const int first = static_cast<int>(std::lower_bound(x, x + n, xMin) - x);
    const int last = static_cast<int>(std::upper_bound(x, x + n, xMax) - x);
    const int from = std::max(0, first - 1), to = std::min(n, last + 1);  // one point beyond each edge
    if (to - from <= 2 * buckets) {
        outX = xs.mid(from, to - from);
        outY = ys.mid(from, to - from);
        return;
    }
    outX.reserve(2 * buckets + 4);
    outY.reserve(2 * buckets + 4);
    const double width = (xMax - xMin) / buckets;
    int begin = from;
    for (int b = 0; begin < to; ++b) {
        // the bucket's index range by binary search (x is sorted), then a tight min/max scan
        const double edge = b + 1 >= buckets ? std::numeric_limits<double>::infinity() : xMin + (b + 1) * width;
        const int end = std::max(begin + 1, static_cast<int>(std::lower_bound(x + begin, x + to, edge) - x));
        // branch-free min/max values (vectorised), then their first positions
        double vmin = y[begin], vmax = y[begin];
        for (int i = begin + 1; i < end; ++i) {
            vmin = std::min(vmin, y[i]);
            vmax = std::max(vmax, y[i]);
        }
        const int lo = static_cast<int>(std::find(y + begin, y + end, vmin) - y);
        const int hi = static_cast<int>(std::find(y + begin, y + end, vmax) - y);
        const int a = std::min(lo, hi), c = std::max(lo, hi);
        outX.append(x[a]);
        outY.append(y[a]);
        if (c != a) {
            outX.append(x[c]);
            outY.append(y[c]);
        }
        begin = end;
    }
}

}  // namespace fraui
