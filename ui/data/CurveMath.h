#pragma once
#include <QVector>

namespace fraui {

// Exponential moving average with TensorBoard's debiasing: s_t = w s_{t-1} + (1 - w) x_t,
// reported as s_t / (1 - w^t), so the start is not pulled towards zero. w in [0, 1).
QVector<double> emaDebiased(const QVector<double>& values, double weight);

// The same EMA kept up to date as a series grows: only new points are computed.
struct EmaState {
    double weight = -1;
    double s = 0, correction = 1;
    QVector<double> smoothed;
    void extend(const QVector<double>& values, double weight);
};

// At most 2 points per bucket (the min and the max, in x order) over [xMin, xMax] split into
// `buckets`: a million points draw as a few thousand without losing a spike.
void decimateMinMax(const QVector<double>& x, const QVector<double>& y, double xMin, double xMax, int buckets, QVector<double>& outX,
                    QVector<double>& outY);

}  // namespace fraui
