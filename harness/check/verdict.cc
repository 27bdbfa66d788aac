#include "harness/check/verdict.h"

namespace harness::check {

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::k_passed: return "passed";
    case Outcome::k_failed: return "failed";
    case Outcome::k_error: return "error";
    case Outcome::k_skipped: return "skipped";
    case Outcome::k_xfailed: return "xfailed";
  }
  return "unknown";
}

}  // namespace harness::check
