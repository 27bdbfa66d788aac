#pragma once
// A small synchronous Redis client over hiredis, for the harness's own calls (readiness PING, INFO, the ledger,
// fault commands). The context lives in a unique_ptr with redisFree (as ccache's redisstorage.cpp).
#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/util/status.h"

namespace harness::datastore {

struct RedisReply {
  enum class Type { k_nil, k_string, k_status, k_integer, k_array, k_error } type = Type::k_nil;
  std::string str;                 // string, status and error replies
  long long integer = 0;
  std::vector<RedisReply> elements;
};

class RedisClient {
public:
  // Connects to host:port ({{NAME.host}} of the service: always a loopback address here), AUTHs when
  // `password` is non-empty.
  static util::Expected<RedisClient> connect(const std::string& host, std::uint16_t port, const std::string& password,
                                             std::chrono::milliseconds timeout);
  // The same on 127.0.0.1: for the local driver, which chose that address itself.
  static util::Expected<RedisClient> connect(std::uint16_t port, const std::string& password,
                                             std::chrono::milliseconds timeout);
  static constexpr const char* k_loopback = "127.0.0.1";
  // One command; a Redis error reply is a value (type k_error), a broken connection is a Status.
  util::Expected<RedisReply> command(const std::vector<std::string>& argv);

private:
  explicit RedisClient(redisContext* context) : m_context(context, &redisFree) {}
  std::unique_ptr<redisContext, decltype(&redisFree)> m_context;
};

// The value of `field` in an INFO reply ("redis_version:7.0.15\r\n..."), empty when absent.
std::string info_field(const std::string& info, const std::string& field);

}  // namespace harness::datastore
