// SIGINT/SIGTERM handling for the CLI. The handlers only record the signal and write to an
// eventfd (async-signal-safe); every lab's Observer watches that eventfd and interrupts its
// timeline, so waits throw Interrupted and RAII tears the lab down before the process exits.
#pragma once

namespace viplab {

void InstallInterruptHandlers();
int InterruptEventFd();     // -1 before InstallInterruptHandlers()
int InterruptSignal();      // the signal received, 0 if none
void ThrowIfInterrupted();  // throws Interrupted once a signal arrived

}  // namespace viplab
