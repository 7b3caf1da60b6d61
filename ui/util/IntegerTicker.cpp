#include "util/IntegerTicker.h"

#include <cmath>

namespace fraui {

double IntegerTicker::getTickStep(const QCPRange& range) {
    const double step = QCPAxisTicker::getTickStep(range);
    if (step <= 1) return 1;
    if (step < 10 && std::fabs(step - std::round(step)) > 1e-9) return std::floor(step);  // 2.5 -> 2
    return std::round(step);
}

int IntegerTicker::getSubTickCount(double tickStep) {
    const long step = std::lround(tickStep);
    if (step <= 1) return 0;
    if (step % 5 == 0) return 4;
    if (step % 2 == 0) return 1;
    return 0;
}

void useIntegerTicks(QCPAxis* axis) {
    axis->setTicker(QSharedPointer<QCPAxisTicker>(new IntegerTicker));
    axis->setNumberFormat("f");
    axis->setNumberPrecision(0);
}

}  // namespace fraui
