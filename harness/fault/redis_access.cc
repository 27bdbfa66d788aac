#include "harness/fault/redis_access.h"

#include "harness/fault/fault_injector.h"
#include "harness/util/port.h"

namespace harness::fault {

namespace {
constexpr auto k_connect_timeout = std::chrono::seconds{1};

std::string value_or_empty(const driver::PlaceholderTable& table, const std::string& key) {
  const auto it = table.find(key);
  return it == table.end() ? std::string{} : it->second;
}
}  // namespace

util::Expected<RedisAddress> address_of(const stack::Stack& stack, const std::string& name) {
  const auto& table = stack.placeholders();
  auto port = util::port_placeholder(table, name + ".port");
  if (!port) return port.error();
  return RedisAddress{table.at(name + ".host"), *port, value_or_empty(table, name + ".password")};
}

util::Expected<RedisAddress> redis_address(const stack::Stack& stack, const std::string& name) {
  auto service = service_of_kind(stack, name, "redis");
  if (!service) return service.error();
  return address_of(stack, name);
}

util::Expected<datastore::RedisReply> redis_command(const RedisAddress& address, const std::vector<std::string>& argv) {
  auto client = datastore::RedisClient::connect(address.host, address.port, address.password, k_connect_timeout);
  if (!client) return client.error();
  auto reply = client->command(argv);
  if (!reply) return reply.error();
  if (reply->type == datastore::RedisReply::Type::k_error) {
    return util::Status::infrastructure("redis " + argv.front() + ": " + reply->str);
  }
  return reply;
}

Replication replication(const RedisAddress& address) {
  auto info = redis_command(address, {"INFO", "replication"});
  if (!info) return {};
  return {datastore::info_field(info->str, "role"), datastore::info_field(info->str, "master_link_status")};
}

}  // namespace harness::fault
