#include "harness/run/ledger.h"

#include <nlohmann/json.hpp>

namespace harness::run {

namespace {
constexpr auto k_connect_timeout = std::chrono::milliseconds{2000};
constexpr long long k_batch = 10'000;  // LRANGE entries per round trip
}  // namespace

std::unique_ptr<Ledger> Ledger::for_stack(const scenario::Scenario& scenario, const stack::Stack& stack,
                                          std::filesystem::path jsonl_path) {
  for (const auto& spec : scenario.services) {
    if (spec.role != "ledger") continue;
    const auto& table = stack.placeholders();
    const auto port = table.find(spec.name + ".port");
    if (port == table.end()) return nullptr;
    const auto password = table.find(spec.name + ".password");
    return std::make_unique<Ledger>(static_cast<std::uint16_t>(std::stoi(port->second)),
                                    password == table.end() ? std::string{} : password->second,
                                    std::move(jsonl_path));
  }
  return nullptr;
}

Ledger::Ledger(std::uint16_t port, std::string password, std::filesystem::path jsonl_path)
    : m_port(port), m_password(std::move(password)), m_path(std::move(jsonl_path)) {}

util::Status Ledger::poll() {
  if (!m_out.is_open()) {
    m_out.open(m_path, std::ios::out | std::ios::app);
    if (!m_out) return util::Status::infrastructure("cannot write the ledger copy " + m_path.string());
  }
  if (!m_client) {
    auto client = datastore::RedisClient::connect(m_port, m_password, k_connect_timeout);
    if (!client) return util::Status::infrastructure("ledger Redis: " + client.error().message());
    m_client.emplace(std::move(client.value()));
  }
  while (true) {
    auto reply = m_client->command(
        {"LRANGE", k_key, std::to_string(m_offset), std::to_string(m_offset + k_batch - 1)});
    if (!reply) {
      m_client.reset();  // reconnect next time
      return util::Status::infrastructure("ledger Redis: " + reply.error().message());
    }
    if (reply->type != datastore::RedisReply::Type::k_array)
      return util::Status::infrastructure("ledger Redis answered LRANGE with: " + reply->str);
    for (const auto& element : reply->elements) {
      m_out << element.str << '\n';
      const auto entry = nlohmann::json::parse(element.str, nullptr, false);
      if (entry.is_object() && entry.contains("task_id") && entry["task_id"].is_string())
        m_ids.insert(entry["task_id"].get<std::string>());
    }
    m_offset += static_cast<long long>(reply->elements.size());
    if (static_cast<long long>(reply->elements.size()) < k_batch) break;
  }
  m_out.flush();
  return util::Status::ok();
}

}  // namespace harness::run
