#include "harness/datastore/redis_client.h"

#include <sys/time.h>

namespace harness::datastore {

namespace {
RedisReply convert(const redisReply* reply) {
  RedisReply out;
  switch (reply->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::k_string;
      out.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::k_status;
      out.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::k_error;
      out.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::k_integer;
      out.integer = reply->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::k_array;
      for (size_t i = 0; i < reply->elements; ++i) out.elements.push_back(convert(reply->element[i]));
      break;
    default:
      out.type = RedisReply::Type::k_nil;
  }
  return out;
}

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}
}  // namespace

util::Expected<RedisClient> RedisClient::connect(std::uint16_t port, const std::string& password,
                                                 std::chrono::milliseconds timeout) {
  return connect(k_loopback, port, password, timeout);
}

util::Expected<RedisClient> RedisClient::connect(const std::string& host, std::uint16_t port,
                                                 const std::string& password,
                                                 std::chrono::milliseconds timeout) {
  const timeval tv = to_timeval(timeout);
  redisContext* raw = redisConnectWithTimeout(host.c_str(), port, tv);
  if (raw == nullptr) return util::Status::infrastructure("redis " + host + ":" + std::to_string(port) + ": out of memory");
  RedisClient client(raw);
  if (raw->err) {
    return util::Status::infrastructure("redis " + host + ":" + std::to_string(port) + ": " + raw->errstr);
  }
  redisSetTimeout(raw, tv);
  if (!password.empty()) {
    auto reply = client.command({"AUTH", password});
    if (!reply) return reply.error();
    if (reply->type == RedisReply::Type::k_error) return util::Status::infrastructure("redis AUTH: " + reply->str);
  }
  return client;
}

util::Expected<RedisReply> RedisClient::command(const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lengths.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(m_context.get(), static_cast<int>(args.size()), args.data(), lengths.data()));
  if (reply == nullptr) {
    return util::Status::infrastructure(std::string("redis: ") +
                                        (m_context->err ? m_context->errstr : "no reply"));
  }
  RedisReply out = convert(reply);
  freeReplyObject(reply);
  return out;
}

std::string info_field(const std::string& info, const std::string& field) {
  const std::string key = field + ":";
  size_t pos = 0;
  while ((pos = info.find(key, pos)) != std::string::npos) {
    if (pos == 0 || info[pos - 1] == '\n') {
      const size_t start = pos + key.size();
      const size_t end = info.find_first_of("\r\n", start);
      return info.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    pos += key.size();
  }
  return {};
}

}  // namespace harness::datastore
