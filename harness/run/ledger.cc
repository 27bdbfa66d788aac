#include "harness/run/ledger.h"

#include <nlohmann/json.hpp>

#include "harness/util/port.h"
#include "harness/util/time_format.h"

namespace harness::run {

namespace {
constexpr auto k_connect_timeout = std::chrono::milliseconds{2000};
}  // namespace

std::unique_ptr<Ledger> Ledger::for_stack(const scenario::Scenario& scenario, const stack::Stack& stack,
                                          std::filesystem::path jsonl_path, const std::string& key) {
  for (const auto& spec : scenario.services) {
    if (spec.role != "ledger") continue;
    const auto& table = stack.placeholders();
    const auto port = util::port_placeholder(table, spec.name + ".port");
    if (!port) return nullptr;
    const auto password = table.find(spec.name + ".password");
    return std::make_unique<Ledger>(*port, password == table.end() ? std::string{} : password->second,
                                    std::move(jsonl_path), key);
  }
  return nullptr;
}

util::Expected<std::vector<std::string>> RedisLedgerSource::range(long long start, long long stop) {
  if (!m_client) {
    auto client = datastore::RedisClient::connect(m_port, m_password, k_connect_timeout);
    if (!client) return util::Status::infrastructure("ledger Redis: " + client.error().message());
    m_client.emplace(std::move(client.value()));
  }
  auto reply = m_client->command({"LRANGE", m_key, std::to_string(start), std::to_string(stop)});
  if (!reply) {
    m_client.reset();  // reconnect next time
    return util::Status::infrastructure("ledger Redis: " + reply.error().message());
  }
  if (reply->type != datastore::RedisReply::Type::k_array)
    return util::Status::infrastructure("ledger Redis answered LRANGE with: " + reply->str);
  std::vector<std::string> entries;
  entries.reserve(reply->elements.size());
  for (auto& element : reply->elements) entries.push_back(std::move(element.str));
  return entries;
}

Ledger::Ledger(std::uint16_t port, std::string password, std::filesystem::path jsonl_path, const std::string& key)
    : Ledger(std::make_unique<RedisLedgerSource>(port, std::move(password), key), std::move(jsonl_path)) {}

Ledger::Ledger(std::unique_ptr<LedgerSource> source, std::filesystem::path jsonl_path)
    : m_source(std::move(source)), m_path(std::move(jsonl_path)) {}

util::Status Ledger::poll(const std::function<void(const nlohmann::json&)>& on_entry) {
  if (!m_out.is_open()) {
    m_out.open(m_path, std::ios::out | std::ios::app);
    if (!m_out) return util::Status::infrastructure("cannot write the ledger copy " + m_path.string());
  }
  while (true) {
    auto entries = m_source->range(m_offset, m_offset + k_batch - 1);
    if (!entries) return entries.error();
    for (const auto& entry : *entries) {
      m_out << entry << '\n';
      const auto json = nlohmann::json::parse(entry, nullptr, false);
      if (json.is_object() && json.contains("task_id") && json["task_id"].is_string())
        m_ids.insert(json["task_id"].get<std::string>());
      if (json.is_object() && on_entry) on_entry(json);
    }
    m_offset += static_cast<long long>(entries->size());
    if (static_cast<long long>(entries->size()) < k_batch) break;
  }
  m_out.flush();
  return util::Status::ok();
}

util::Status record_beat_sends(Ledger& beat_sends, history::History& history) {
  return beat_sends.poll([&](const nlohmann::json& send) {
    const auto beat = send.find("beat");
    const bool named = beat != send.end() && beat->is_string();
    history.record(history::EventType::k_beat_sent, named ? beat->get<std::string>() : std::string{}, send);
  });
}

std::string wait_executions(Ledger& ledger, int count, std::chrono::milliseconds timeout,
                            const stack::RunControl& control) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto wanted = static_cast<std::size_t>(count);
  while (true) {
    if (auto st = ledger.poll(); !st) return st.message();
    if (ledger.executions() >= wanted) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::to_string(ledger.executions()) + " task executions after " +
             util::short_seconds(std::chrono::duration<double>(timeout).count()) + " (expected at least " +
             std::to_string(count) + ")";
    }
    if (!control.sleep_for(std::chrono::milliseconds{100})) return control.stop_reason();
  }
}

}  // namespace harness::run
