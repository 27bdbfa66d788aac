#pragma once
// One problem found in a scenario file (or on the way to it), with where it stands.
#include <string>

#include "harness/scenario/model.h"

namespace harness::scenario {

struct Diagnostic {
  SourceLocation location;  // line == 0: the problem concerns the whole file (or path)
  std::string message;      // lower-case start, user values in quotes, what was expected in parentheses

  // "FILE:LINE:COL: message", or "FILE: message" when the line is unknown (compilers' and ninja's format).
  std::string to_string() const {
    std::string out = location.file;
    if (location.line > 0) out += ':' + std::to_string(location.line) + ':' + std::to_string(location.column);
    return out + ": " + message;
  }
};

}  // namespace harness::scenario
