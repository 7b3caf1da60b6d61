#pragma once

// On a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) `fra` writes one line naming the
// signal and the phase it was in (running a command, or tearing down after it: static destructors,
// the CUDA runtime's exit handlers) and the native stack to stderr, then dies of the signal as
// before (exit status 128 + signal). For crashes that happen where no debugger is at hand, such as
// the lent GPU machines.
namespace CrashReport {
void install();
void enterTeardown();  // main has returned its status: what crashes now crashes on the way out
}  // namespace CrashReport
