#pragma once

// SIGINT/SIGTERM ask a running training to stop at the next step boundary (it then writes a
// checkpoint, so `fra resume` continues); a second signal exits at once.
class StopSignal {
public:
    static void install();
    static bool requested();
};
