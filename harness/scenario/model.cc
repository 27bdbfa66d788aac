#include "harness/scenario/model.h"

namespace harness::scenario {

const char* to_string(ServiceKind kind) {
  switch (kind) {
    case ServiceKind::k_rabbitmq:
      return "rabbitmq";
    case ServiceKind::k_redis:
      return "redis";
    case ServiceKind::k_postgres:
      return "postgres";
    case ServiceKind::k_celery_worker:
      return "celery-worker";
  }
  return "unknown";
}

}  // namespace harness::scenario
