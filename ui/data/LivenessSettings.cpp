#include "data/LivenessSettings.h"

#include <QSettings>

namespace fraui {

fra::LivenessPolicy livenessPolicy() {
    QSettings settings;
    fra::LivenessPolicy policy;
    policy.staleAfterSeconds = std::max(1.0, settings.value("liveness/staleAfterSeconds", policy.staleAfterSeconds).toDouble());
    policy.maxClockSkewSeconds = std::max(0.0, settings.value("liveness/maxClockSkewSeconds", policy.maxClockSkewSeconds).toDouble());
    return policy;
}

void setStaleAfterSeconds(double seconds) { QSettings().setValue("liveness/staleAfterSeconds", seconds); }

}  // namespace fraui
