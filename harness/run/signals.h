// SIGINT/SIGTERM/SIGHUP handling for the CLI, without signal handlers: InstallInterruptHandlers()
// blocks the three signals in the calling thread (every thread started later inherits the mask;
// child processes start with an empty mask, see daemon/process.cc) and reads them on one
// signalfd thread. So nothing runs asynchronously on a lane thread (errno is never clobbered
// between a syscall and its check). The first signal is recorded and written to an eventfd that
// every lab's Observer watches: the timeline is interrupted, waits throw Interrupted and RAII
// tears the lab down before the process exits (130). The first signal also restores the default
// action, so a second one ends the process at once, as in most CLIs (a lab being torn down may
// be left for `viplab clean`).
//
// IgnoreSigpipe(): a reader that goes away (`viplab run ... | head`) makes writes fail with EPIPE
// instead of killing viplab in the middle of a lab; iostreams then stop printing (badbit).
#pragma once

namespace viplab {

// Call before any other thread starts (RunBatch does, first). Idempotent.
void InstallInterruptHandlers();
int InterruptEventFd();     // -1 before InstallInterruptHandlers()
int InterruptSignal();      // the signal received, 0 if none
void ThrowIfInterrupted();  // throws Interrupted once a signal arrived
void IgnoreSigpipe();

}  // namespace viplab
