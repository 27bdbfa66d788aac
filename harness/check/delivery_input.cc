#include "harness/check/delivery_input.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include <simdjson.h>

#include "harness/history/event_type.h"

namespace harness::check {

namespace {
namespace ondemand = simdjson::ondemand;

// Lines are parsed in place in a chunk buffer (followed by simdjson's padding), never the whole file at once.
constexpr std::size_t k_chunk_bytes = std::size_t{1} << 20;
constexpr const char* k_not_json = "not valid JSON";

struct Line {
  const char* data;
  std::size_t size;
  std::size_t capacity;  // readable bytes from data: at least size + SIMDJSON_PADDING
};

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r") == std::string_view::npos; }

// A JSON object line ends with '}': a cheap guard against a cut line that still parses ("started":17 from
// "started":1763832063.5).
bool ends_an_object(std::string_view text) {
  const auto last = text.find_last_not_of(" \t\r");
  return last != std::string_view::npos && text[last] == '}';
}

// Calls `parse(Line)` for every non-blank line; it returns an empty string when the line is fine, or what is wrong
// with it. A problem on an unterminated last line is a writer killed mid-line: the line is ignored and
// `truncated` set. Any other problem is "PATH:N: problem".
template <typename Parse>
util::Status for_each_line(const std::filesystem::path& path, bool& truncated, std::size_t& lines, Parse&& parse) {
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    const int error = errno;
    return util::Status::invalid("cannot read " + path.string() +
                                 (error != 0 ? std::string(": ") + std::strerror(error) : std::string{}));
  }
  constexpr std::size_t k_padding = simdjson::SIMDJSON_PADDING;
  std::vector<char> buffer(k_chunk_bytes + k_padding);
  std::size_t have = 0;    // bytes in the buffer: the unfinished line carried over, then what was read
  std::size_t number = 0;  // line number, 1-based
  const auto handle = [&](std::size_t start, std::size_t size, bool terminated) -> util::Status {
    ++number;
    const std::string_view text(buffer.data() + start, size);
    if (is_blank(text)) return util::Status::ok();
    ++lines;
    std::string problem = ends_an_object(text) ? parse(Line{text.data(), size, buffer.size() - start}) : k_not_json;
    if (problem.empty()) return util::Status::ok();
    if (!terminated) {
      truncated = true;
      --lines;
      return util::Status::ok();
    }
    return util::Status::invalid(path.string() + ":" + std::to_string(number) + ": " + problem);
  };
  for (;;) {
    if (have == buffer.size() - k_padding) buffer.resize((buffer.size() - k_padding) * 2 + k_padding);  // long line
    const std::size_t got = std::fread(buffer.data() + have, 1, buffer.size() - k_padding - have, file.get());
    if (got == 0 && std::ferror(file.get())) return util::Status::invalid("cannot read " + path.string());
    have += got;
    std::size_t start = 0;
    while (const void* found = std::memchr(buffer.data() + start, '\n', have - start)) {
      const auto end = static_cast<std::size_t>(static_cast<const char*>(found) - buffer.data());
      if (auto status = handle(start, end - start, true); !status) return status;
      start = end + 1;
    }
    if (got == 0) {
      if (start < have)
        if (auto status = handle(start, have - start, false); !status) return status;
      return util::Status::ok();
    }
    std::memmove(buffer.data(), buffer.data() + start, have - start);
    have -= start;
  }
}

// The value as a string view (valid until the next line); false when it is not a string.
bool get(ondemand::value value, std::string_view& out) { return !value.get_string().get(out); }
bool get(ondemand::value value, double& out) { return !value.get_double().get(out); }

class HistoryParser {
public:
  explicit HistoryParser(DeliveryInput& input) : m_input(input) {}

  std::string operator()(const Line& line) {
    ondemand::document doc;
    if (m_parser.iterate(line.data, line.size, line.capacity).get(doc)) return k_not_json;
    std::string_view type;
    {
      ondemand::object root;
      if (doc.get_object().get(root)) return k_not_json;
      auto field = root.find_field_unordered("type");
      if (field.error() == simdjson::NO_SUCH_FIELD) return "no \"type\" string";
      if (field.error()) return k_not_json;
      if (field.get_string().get(type)) return "no \"type\" string";
    }
    // Decided before the rewind, which reuses the buffer that `type` views.
    const bool publish = type == history::name(history::EventType::k_load_publish);
    const bool fault_start = type == history::name(history::EventType::k_fault_start);
    const bool load_begin = type == history::name(history::EventType::k_load_begin);
    if (!publish && !fault_start && !load_begin && type != history::name(history::EventType::k_fault_end)) return {};
    doc.rewind();
    if (publish) return read_publish(doc);
    if (load_begin) return read_load_begin(doc);
    return read_fault(doc, fault_start ? "fault.start" : "fault.end", fault_start);
  }

  // Pairs the faults: each end with the earliest open start of the same service and kind; the rest never ended.
  void finish() {
    for (auto& fault : m_input.faults)
      if (!fault.ended) fault.end = fault.start;
    std::stable_sort(m_input.faults.begin(), m_input.faults.end(),
                     [](const FaultWindow& a, const FaultWindow& b) { return a.start < b.start; });
  }

private:
  // The task a load publishes (an older history without one: every execution may be a phantom).
  std::string read_load_begin(ondemand::document& doc) {
    std::string_view task;
    if (doc["data"]["task"].get_string().get(task)) return {};
    auto& tasks = m_input.load_tasks;
    if (std::find(tasks.begin(), tasks.end(), task) == tasks.end()) tasks.emplace_back(task);
    return {};
  }

  std::string read_publish(ondemand::document& doc) {
    ondemand::object data;
    if (doc["data"].get_object().get(data)) return "load.publish has no \"data\" object";
    std::string_view load, id, outcome_text, error;
    double at = 0;
    double took_ms = -1;
    bool has_id = false, has_outcome = false, has_at = false;
    for (auto result : data) {
      ondemand::field field;
      std::string_view key;
      if (std::move(result).get(field) || field.unescaped_key().get(key)) return k_not_json;
      if (key == "id")
        has_id = get(field.value(), id);
      else if (key == "outcome")
        has_outcome = get(field.value(), outcome_text);
      else if (key == "at")
        has_at = get(field.value(), at);
      else if (key == "load")
        get(field.value(), load);
      else if (key == "error")
        get(field.value(), error);
      else if (key == "took_ms")
        get(field.value(), took_ms);
    }
    if (!has_id) return "load.publish has no \"id\" string in \"data\"";
    if (!has_outcome) return "load.publish has no \"outcome\" string in \"data\"";
    if (!has_at) return "load.publish has no \"at\" number in \"data\"";
    const auto outcome = parse_publish_outcome(outcome_text);
    if (!outcome)
      return "load.publish has an unknown outcome '" + std::string(outcome_text) +
             "' (expected confirmed, sent, failed or timeout)";
    Publish publish;
    publish.id = m_input.ids.key(id);
    publish.at = at;
    publish.outcome = *outcome;
    if (!m_has_last_load || load != m_last_load_name) {
      m_last_load = static_cast<std::uint16_t>(m_input.loads.index(load));
      m_last_load_name = m_input.loads.name(m_last_load);
      m_has_last_load = true;
    }
    publish.load = m_last_load;
    publish.error = error.empty() ? 0 : m_input.errors.index(error);
    if (took_ms >= 0) m_input.note_publish_took(publish.load, publish.id, took_ms / 1000.0);
    m_input.publishes.push_back(publish);
    return {};
  }

  std::string read_fault(ondemand::document& doc, const char* type, bool start) {
    std::string_view time, service, kind;
    bool has_time = false;
    ondemand::object root;
    if (doc.get_object().get(root)) return k_not_json;
    for (auto result : root) {
      ondemand::field field;
      std::string_view key;
      if (std::move(result).get(field) || field.unescaped_key().get(key)) return k_not_json;
      if (key == "time") {
        has_time = get(field.value(), time);
      } else if (key == "service") {
        get(field.value(), service);
      } else if (key == "data") {
        ondemand::object data;
        if (field.value().get_object().get(data)) continue;
        for (auto inner : data) {
          ondemand::field f;
          std::string_view k;
          if (std::move(inner).get(f) || f.unescaped_key().get(k)) return k_not_json;
          if (k == "kind") get(f.value(), kind);
        }
      }
    }
    const std::string name(type);
    if (!has_time) return name + " has no \"time\" string";
    const auto when = parse_utc_time(time);
    if (!when) return name + " has a bad \"time\" '" + std::string(time) + "' (expected e.g. 2026-11-22T17:41:03.125Z)";
    if (start) {
      m_input.faults.push_back(FaultWindow{std::string(kind), std::string(service), *when, *when, false});
      return {};
    }
    for (auto& fault : m_input.faults) {
      if (!fault.ended && fault.kind == kind && fault.service == service) {
        fault.end = std::max(*when, fault.start);
        fault.ended = true;
        break;
      }
    }
    return {};  // an end without a start (a history cut at its beginning) tells nothing
  }

  DeliveryInput& m_input;
  ondemand::parser m_parser;
  std::string m_last_load_name;  // the load of the previous publish: names repeat, skip the lookup
  std::uint16_t m_last_load = 0;
  bool m_has_last_load = false;
};

class LedgerParser {
public:
  explicit LedgerParser(DeliveryInput& input) : m_input(input) {}

  std::string operator()(const Line& line) {
    ondemand::document doc;
    ondemand::object root;
    if (m_parser.iterate(line.data, line.size, line.capacity).get(doc) || doc.get_object().get(root))
      return k_not_json;
    std::string_view id, worker, task;
    double started = 0;
    std::int64_t attempt = 0;
    bool redelivered = false, has_id = false, has_started = false;
    for (auto result : root) {
      ondemand::field field;
      std::string_view key;
      if (std::move(result).get(field) || field.unescaped_key().get(key)) return k_not_json;
      if (key == "task_id") {
        has_id = get(field.value(), id);
      } else if (key == "started") {
        has_started = get(field.value(), started);
      } else if (key == "worker") {
        get(field.value(), worker);
      } else if (key == "task") {
        get(field.value(), task);
      } else if (key == "redelivered") {
        if (field.value().get_bool().get(redelivered)) redelivered = false;
      } else if (key == "attempt") {
        if (field.value().get_int64().get(attempt)) attempt = 0;
      }
    }
    if (!has_id) return "no \"task_id\" string";
    if (!has_started) return "no \"started\" number";
    Execution execution;
    execution.id = m_input.ids.key(id);
    execution.started = started;
    execution.worker = m_input.workers.index(worker);
    execution.attempt = static_cast<std::uint16_t>(std::clamp<std::int64_t>(attempt, 0, 0xFFFF));
    execution.redelivered = redelivered;
    execution.task = m_input.tasks.index(task);
    m_input.executions.push_back(execution);
    return {};
  }

private:
  DeliveryInput& m_input;
  ondemand::parser m_parser;
};

std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}
}  // namespace

const char* to_string(PublishOutcome outcome) {
  switch (outcome) {
    case PublishOutcome::k_confirmed: return "confirmed";
    case PublishOutcome::k_sent: return "sent";
    case PublishOutcome::k_failed: return "failed";
    case PublishOutcome::k_timeout: return "timeout";
  }
  return "?";
}

std::optional<PublishOutcome> parse_publish_outcome(std::string_view text) {
  if (text == "confirmed") return PublishOutcome::k_confirmed;
  if (text == "sent") return PublishOutcome::k_sent;
  if (text == "failed") return PublishOutcome::k_failed;
  if (text == "timeout") return PublishOutcome::k_timeout;
  return std::nullopt;
}

DeliveryInput::DeliveryInput() {
  errors.index("");
  tasks.index("");
}

bool DeliveryInput::counts_as_phantom(const Execution& execution) const {
  if (load_tasks.empty() || execution.task == 0) return true;
  const std::string& name = tasks.name(execution.task);
  return std::find(load_tasks.begin(), load_tasks.end(), name) != load_tasks.end();
}

void DeliveryInput::add_publish(std::string_view id, std::string_view load, PublishOutcome outcome, double at,
                                std::string_view error, double took_s) {
  Publish publish;
  publish.id = ids.key(id);
  publish.at = at;
  publish.outcome = outcome;
  publish.load = static_cast<std::uint16_t>(loads.index(load));
  publish.error = errors.index(error);
  if (took_s >= 0) note_publish_took(publish.load, publish.id, took_s);
  publishes.push_back(publish);
}

void DeliveryInput::note_publish_took(std::size_t load_index, const TaskKey& id, double took_s) {
  if (longest_publish.size() <= load_index) longest_publish.resize(load_index + 1);
  auto& longest = longest_publish[load_index];
  if (took_s > longest.took_s) longest = {took_s, id};
}

LongestPublish DeliveryInput::longest_publish_of(std::string_view load) const {
  LongestPublish out;
  for (std::size_t i = 0; i < longest_publish.size(); ++i) {
    if (!load.empty() && loads.name(static_cast<std::uint32_t>(i)) != load) continue;
    if (longest_publish[i].took_s > out.took_s) out = longest_publish[i];
  }
  return out;
}

void DeliveryInput::add_execution(std::string_view id, std::string_view worker, double started, bool redelivered,
                                  int attempt, std::string_view task) {
  executions.push_back(Execution{ids.key(id), started, workers.index(worker), static_cast<std::uint16_t>(attempt),
                                 redelivered, tasks.index(task)});
}

void DeliveryInput::add_fault(std::string kind, std::string service, double start, std::optional<double> end) {
  faults.push_back(FaultWindow{std::move(kind), std::move(service), start, end.value_or(start), end.has_value()});
}

void DeliveryInput::merge_executions(DeliveryInput&& other) {
  std::vector<std::uint32_t> worker_index(other.workers.size());
  for (std::uint32_t i = 0; i < other.workers.size(); ++i) worker_index[i] = workers.index(other.workers.name(i));
  std::vector<std::uint32_t> task_index(other.tasks.size());
  for (std::uint32_t i = 0; i < other.tasks.size(); ++i) task_index[i] = tasks.index(other.tasks.name(i));
  for (Execution& execution : other.executions) {
    if (TaskIds::is_interned(execution.id)) execution.id = ids.key(other.ids.text(execution.id));
    execution.worker = worker_index[execution.worker];
    execution.task = task_index[execution.task];
  }
  if (executions.empty())
    executions = std::move(other.executions);  // keeps its order (a sorted ledger stays sorted, uuids at least)
  else
    executions.insert(executions.end(), other.executions.begin(), other.executions.end());
  ledger_lines += other.ledger_lines;
  ledger_truncated = ledger_truncated || other.ledger_truncated;
  other.executions = {};
}

std::optional<double> parse_utc_time(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fff...]Z
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
      text[13] != ':' || text[16] != ':' || (text.back() != 'Z' && text.back() != 'z'))
    return std::nullopt;
  const auto y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  const auto h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*mo)},
                                         std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  double fraction = 0;
  const std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2) return std::nullopt;
    double scale = 0.1;
    for (char c : rest.substr(1)) {
      if (c < '0' || c > '9') return std::nullopt;
      fraction += (c - '0') * scale;
      scale /= 10;
    }
  }
  const auto days = std::chrono::sys_days{date}.time_since_epoch().count();
  return static_cast<double>(days) * 86400.0 + *h * 3600.0 + *mi * 60.0 + *s + fraction;
}

util::Status read_history_into(const std::filesystem::path& path, DeliveryInput& input) {
  HistoryParser parser(input);
  auto status = for_each_line(path, input.history_truncated, input.history_lines, parser);
  parser.finish();
  return status;
}

util::Status read_ledger_into(const std::filesystem::path& path, DeliveryInput& input) {
  LedgerParser parser(input);
  return for_each_line(path, input.ledger_truncated, input.ledger_lines, parser);
}

}  // namespace harness::check
