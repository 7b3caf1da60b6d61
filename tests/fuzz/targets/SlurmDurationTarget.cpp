// Slurm's durations as squeue prints a job's time left (%L), read before a job requeues itself.
#include "FuzzSupport.h"
#include "slurm/SlurmJob.h"

#include <cmath>
#include <cstdlib>

FRA_FUZZ_TARGET {
    const auto seconds = fra::parseSlurmDuration(fuzz::asString(data, size));
    if (seconds && (!std::isfinite(*seconds) || *seconds < 0)) std::abort();  // a duration is a finite, non-negative number
    return 0;
}
