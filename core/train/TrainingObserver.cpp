#include "train/TrainingObserver.h"

namespace fra {

const char* toString(RunState state) {
    switch (state) {
    case RunState::Created: return "created";
    case RunState::Running: return "running";
    case RunState::Paused: return "paused";
    case RunState::Stopped: return "stopped";
    case RunState::Finished: return "finished";
    case RunState::Failed: return "failed";
    }
    return "unknown";
}

}  // namespace fra
