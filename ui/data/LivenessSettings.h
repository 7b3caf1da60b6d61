#pragma once
#include "run/RunLiveness.h"

namespace fraui {

// The workbench's liveness threshold (View > Heartbeat threshold), shared by the run browser,
// the monitor and Resume: seconds without a heartbeat before a run on another machine reads as
// interrupted (default 300), and how far two machines' clocks may differ (default 60).
fra::LivenessPolicy livenessPolicy();
void setStaleAfterSeconds(double seconds);

}  // namespace fraui
