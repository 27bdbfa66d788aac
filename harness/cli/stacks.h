#pragma once
// `celery-chaos stacks`: the stacks a run can use, each with the versions it holds, read where it runs
// (driver/stack_versions.h), never from a table:
//
//   host      --driver local, this machine's packages
//     celery 5.2.6, kombu 5.2.4, amqp 5.1.1, redis-py 4.3.4, rabbitmq 3.10.8, erlang 25.2.3, redis 7.0.15, ...
//   bookworm  --driver docker --image celery-chaos/services:bookworm
//     celery 5.2.6, ...
//
// The image stacks are the celery-chaos/services:RELEASE images present in the engine (scripts/images RELEASE
// builds one). No engine reachable: the host stack only, and a line that says why.
#include <ostream>

namespace harness::cli {

// 0 listed; 3 when a stack's versions could not be read (the others are still listed).
int stacks_command(std::ostream& out);

}  // namespace harness::cli
