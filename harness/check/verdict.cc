#include "harness/check/verdict.h"

namespace harness::check {

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::k_passed: return "passed";
    case Outcome::k_failed: return "failed";
    case Outcome::k_error: return "error";
    case Outcome::k_skipped: return "skipped";
  }
  return "unknown";
}

}  // namespace harness::check
