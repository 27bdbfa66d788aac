#include "harness/scenario/model.h"

#include "harness/scenario/service_kind.h"

namespace harness::scenario {

const char* to_string(ServiceKind kind) {
  // A registered kind's name is a string literal of its own file: it outlives every caller.
  if (const ServiceKindInfo* info = find_service_kind(kind)) return info->name.data();
  return "unknown";
}

}  // namespace harness::scenario
