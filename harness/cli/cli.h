#pragma once
// The command line of celery-chaos. main() is `return harness::cli::cli_main(argc, argv);`.
// Exit codes (README, "Usage"): 0 all passed, 1 a check failed, 2 invalid input or usage, 3 infrastructure error,
// 130 interrupted (Ctrl-C / SIGTERM).
namespace harness::cli {

constexpr int k_exit_passed = 0;
constexpr int k_exit_failed = 1;
constexpr int k_exit_usage = 2;
constexpr int k_exit_infrastructure = 3;
constexpr int k_exit_interrupted = 130;

int cli_main(int argc, char** argv);

}  // namespace harness::cli
