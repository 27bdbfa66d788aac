#pragma once
// Process-wide cancellation: Ctrl-C (SIGINT), SIGTERM and SIGHUP set it, and so can request_cancel() (e.g. a
// scenario timeout). Every wait of the harness polls cancelled() or sleeps through sleep_for(), which wakes
// within milliseconds of a signal (self-pipe), so teardown starts at once.
#include <chrono>
#include <string>

namespace harness::process {

void install_signal_handlers();
bool cancelled();
std::string cancel_reason();  // "interrupted by SIGINT"; empty when not cancelled
void request_cancel(const std::string& reason);
// Sleeps up to `duration`; false when cancelled before or during it.
bool sleep_for(std::chrono::milliseconds duration);
void reset_for_tests();

}  // namespace harness::process
