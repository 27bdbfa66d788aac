#include "harness/driver/local/local_kinds.h"

namespace harness::driver::local {

util::Registry<LocalServiceKind>& local_service_kinds() {
  static util::Registry<LocalServiceKind> registry;
  return registry;
}

}  // namespace harness::driver::local
