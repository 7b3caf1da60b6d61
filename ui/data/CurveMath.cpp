#include "data/CurveMath.h"

#include <algorithm>
#include <cmath>

namespace fraui {

QVector<double> emaDebiased(const QVector<double>& values, double weight) {
    QVector<double> out(values.size());
    double s = 0, correction = 1;
    for (int i = 0; i < values.size(); ++i) {
        s = weight * s + (1 - weight) * values[i];
        correction *= weight;
        out[i] = weight > 0 ? s / (1 - correction) : values[i];
    }
    return out;
}

void decimateMinMax(const QVector<double>& x, const QVector<double>& y, double xMin, double xMax, int buckets, QVector<double>& outX,
                    QVector<double>& outY) {
    outX.clear();
    outY.clear();
    if (x.isEmpty()) return;
    const auto first = static_cast<int>(std::lower_bound(x.begin(), x.end(), xMin) - x.begin());
    const auto last = static_cast<int>(std::upper_bound(x.begin(), x.end(), xMax) - x.begin());
    const int from = std::max(0, first - 1), to = std::min<int>(x.size(), last + 1);  // one point beyond each edge
    if (to - from <= 2 * buckets) {
        outX = x.mid(from, to - from);
        outY = y.mid(from, to - from);
        return;
    }
    const double width = (xMax - xMin) / buckets;
    int i = from;
    while (i < to) {
        const int bucket = static_cast<int>(std::floor((x[i] - xMin) / width));
        int minIdx = i, maxIdx = i, j = i;
        for (; j < to && static_cast<int>(std::floor((x[j] - xMin) / width)) == bucket; ++j) {
            if (y[j] < y[minIdx]) minIdx = j;
            if (y[j] > y[maxIdx]) maxIdx = j;
        }
        const int a = std::min(minIdx, maxIdx), b = std::max(minIdx, maxIdx);
        outX.append(x[a]);
        outY.append(y[a]);
        if (b != a) {
            outX.append(x[b]);
            outY.append(y[b]);
        }
        i = j;
    }
}

}  // namespace fraui
