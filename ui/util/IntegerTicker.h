#pragma once
#include <qcustomplot.h>

namespace fraui {

// Ticks only at whole numbers, for step and epoch axes (no "step 1.5"): QCustomPlot's readable
// steps (1, 2, 2.5, 5 x 10^n) with 2.5 replaced by 2 below 10, and never below 1.
class IntegerTicker : public QCPAxisTicker {
protected:
    double getTickStep(const QCPRange& range) override;
    int getSubTickCount(double tickStep) override;
};

// Gives `axis` an IntegerTicker.
void useIntegerTicks(QCPAxis* axis);

}  // namespace fraui
