// squeue's job list ("%i|%T|%r" per line), read by the run browser for the jobs of submitted runs.
#include "FuzzSupport.h"
#include "slurm/SlurmJob.h"

#include <cstdlib>

FRA_FUZZ_TARGET {
    const std::string text = fuzz::asString(data, size);
    const std::vector<std::string> wanted = {"1", "42", "7_3", "123456789"};
    for (const auto& [id, state] : fra::parseSlurmJobStates(text, wanted)) {
        bool asked = false;
        for (const auto& w : wanted) asked = asked || w == id;
        if (!asked) std::abort();  // only the jobs asked about come back
        (void)state.finished();
        (void)state.describe();
    }
    return 0;
}
