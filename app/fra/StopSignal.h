#pragma once

// SIGINT/SIGTERM ask a running training to stop at the next step boundary (it then writes a
// checkpoint, so `fra resume` continues); a second signal exits at once. SIGTSTP (Ctrl-Z, or the
// workbench's Pause over ssh) pauses the training at a step boundary, the process staying alive and
// its heartbeat going on; SIGCONT continues it.
class StopSignal {
public:
    static void install();
    static bool requested();
    static bool pauseWanted();
};
