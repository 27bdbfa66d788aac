#pragma once
// What the Redis faults share: a Redis instance's address from the run's placeholders ({{NAME.host}},
// {{NAME.port}}, {{NAME.password}}: the address comes from the driver), one command on a fresh connection, and
// INFO replication.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/datastore/redis_client.h"
#include "harness/stack/stack.h"

namespace harness::fault {

struct RedisAddress {
  std::string host;
  std::uint16_t port = 0;
  std::string password;
};

// The address of instance or service `name` as the placeholders give it (no kind check); `password` empty when
// it has none (a sentinel); k_invalid_input when its port placeholder is missing or not a port.
util::Expected<RedisAddress> address_of(const stack::Stack& stack, const std::string& name);
// The address of redis service `name`; k_invalid_input when it is not a redis service of this run.
util::Expected<RedisAddress> redis_address(const stack::Stack& stack, const std::string& name);
// One command on a fresh connection; an error reply is a Status too ("redis CMD: ERR ...").
util::Expected<datastore::RedisReply> redis_command(const RedisAddress& address, const std::vector<std::string>& argv);

struct Replication {
  std::string role;         // master | slave (empty when it did not answer)
  std::string link_status;  // up | down (replicas only)
};
Replication replication(const RedisAddress& address);

}  // namespace harness::fault
