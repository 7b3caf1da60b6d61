#pragma once

// SIGINT/SIGTERM ask a running training to stop at the next step boundary (it then writes a
// checkpoint, so `fra resume` continues); a second signal exits at once. SIGTSTP (Ctrl-Z, or the
// workbench's Pause over ssh) pauses the training at a step boundary, the process staying alive and
// its heartbeat going on; SIGCONT continues it. SIGUSR2 is Slurm's signal before a time limit or a
// preemption (the job script asks for it): it stops like SIGTERM, and the job then requeues itself.
class StopSignal {
public:
    static void install();
    static bool requested();
    static bool pauseWanted();
    static bool slurmSignalled();
};
