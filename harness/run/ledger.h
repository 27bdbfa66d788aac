#pragma once
// The execution ledger of a run, as the harness reads it: every probe task appends one JSON line per execution
// to the Redis list `celery-chaos:executions` of the ledger service (role: ledger; fixtures/celery/probe.py
// `_record`). The Ledger fetches what is new (LRANGE from where it stopped), appends it verbatim to the run's
// ledger.jsonl (what the delivery check reads) and keeps the set of executed task ids (what `wait: drained` asks).
// The ledger is the harness's own: no fault ever targets it, so a read that fails is an infrastructure error.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/datastore/redis_client.h"
#include "harness/history/history.h"
#include "harness/stack/stack.h"
#include "harness/scenario/model.h"

namespace harness::run {

// Where the Ledger reads the executions list from (the seam unit tests fake): entries `start` to `stop` of the
// list, both included, as LRANGE counts them; fewer (none) past its end. A failed read is k_infrastructure.
class LedgerSource {
public:
  virtual ~LedgerSource() = default;
  virtual util::Expected<std::vector<std::string>> range(long long start, long long stop) = 0;
};

// The ledger service's Redis on 127.0.0.1:`port`: connects on the first read, and again after a failed one.
// Messages: "ledger Redis: <why>", "ledger Redis answered LRANGE with: <reply>".
class RedisLedgerSource final : public LedgerSource {
public:
  // `key`: the list read (the executions by default).
  RedisLedgerSource(std::uint16_t port, std::string password, std::string key = "celery-chaos:executions")
      : m_port(port), m_password(std::move(password)), m_key(std::move(key)) {}
  util::Expected<std::vector<std::string>> range(long long start, long long stop) override;

private:
  std::uint16_t m_port;
  std::string m_password;
  std::string m_key;
  std::optional<datastore::RedisClient> m_client;
};

class Ledger {
public:
  inline static const std::string k_key = "celery-chaos:executions";
  // Where celery-beat services record their sends (fixtures/celery/celery_chaos_beat.py): one JSON object a send,
  // {entry, task, task_id, tick, period_ms, beat, at[, error]}, read the same way into beat-sent.jsonl and recorded
  // as beat.sent events (record_beat_sends).
  inline static const std::string k_beat_sent_key = "celery-chaos:beat-sent";
  static constexpr long long k_batch = 10'000;  // LRANGE entries per round trip

  // The ledger of the scenario's `role: ledger` service among `stack`'s services, writing to `jsonl_path`;
  // nullptr when the scenario has none (no load). Nothing is read before poll().
  // `key`: the list it reads (k_key, or k_beat_sent_key).
  static std::unique_ptr<Ledger> for_stack(const scenario::Scenario& scenario, const stack::Stack& stack,
                                           std::filesystem::path jsonl_path, const std::string& key = k_key);

  Ledger(std::uint16_t port, std::string password, std::filesystem::path jsonl_path, const std::string& key = k_key);
  Ledger(std::unique_ptr<LedgerSource> source, std::filesystem::path jsonl_path);

  // Fetches the executions recorded since the last poll, appends them to ledger.jsonl and to the id set.
  // Reads in batches of k_batch entries. k_infrastructure when the ledger Redis cannot be reached or answers with
  // an error, or the copy cannot be written.
  // `on_entry`, when given, sees every new entry that is a JSON object, in list order.
  util::Status poll(const std::function<void(const nlohmann::json&)>& on_entry = {});
  bool executed(const std::string& task_id) const { return m_ids.count(task_id) != 0; }
  std::size_t executions() const { return static_cast<std::size_t>(m_offset); }
  const std::filesystem::path& path() const { return m_path; }

private:
  std::unique_ptr<LedgerSource> m_source;
  std::filesystem::path m_path;
  std::ofstream m_out;
  long long m_offset = 0;  // entries of the list already read
  std::unordered_set<std::string> m_ids;
};

// Reads what the celery-beat services sent since the last call (`beat_sends`: a Ledger of k_beat_sent_key) and
// records each send as a beat.sent event {entry, task, task_id, tick, period_ms, beat, at[, error]} (the beat's own
// record, verbatim). Returns the ledger's read error.
util::Status record_beat_sends(Ledger& beat_sends, history::History& history);

// `wait: {executed: N}`: polls `ledger` until it holds at least `count` executions; empty then. Otherwise why not:
// "1 task executions after 3 s (expected at least 2)" once `timeout` has passed, the stop reason when the run must
// stop, or the ledger's read error.
std::string wait_executions(Ledger& ledger, int count, std::chrono::milliseconds timeout,
                            const stack::RunControl& control);

}  // namespace harness::run
