#include "harness/check/delivery_report.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

namespace harness::check {

namespace {
// A streaming JSON writer: the lists may hold a million ids, so nothing is built in memory first. Containers
// nested up to `k_broken_depth` put each item on its own line; deeper ones stay on their parent's line.
class JsonWriter {
public:
  explicit JsonWriter(std::ostream& out) : m_out(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view name) {
    item();
    string(name);
    m_out << ':';
    m_after_key = true;
    return *this;
  }
  JsonWriter& value(std::string_view text) {
    item();
    string(text);
    return *this;
  }
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(bool b) {
    item();
    m_out << (b ? "true" : "false");
    return *this;
  }
  JsonWriter& value(std::uint64_t n) {
    item();
    m_out << n;
    return *this;
  }
  // Shortest round-trip form; NaN and infinities (no JSON for them) as null.
  JsonWriter& value(double x) {
    item();
    if (!std::isfinite(x)) {
      m_out << "null";
      return *this;
    }
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
    m_out.write(buffer, end - buffer);
    return *this;
  }
  JsonWriter& null() {
    item();
    m_out << "null";
    return *this;
  }

private:
  static constexpr std::size_t k_broken_depth = 2;

  JsonWriter& open(char c) {
    item();
    m_out << c;
    m_first.push_back(true);
    return *this;
  }
  JsonWriter& close(char c) {
    const bool empty = m_first.back();
    m_first.pop_back();
    if (!empty && m_first.size() < k_broken_depth) newline();
    m_out << c;
    if (m_first.empty()) m_out << '\n';
    return *this;
  }
  // Before a key or a value: the comma and line break it needs (none right after a key).
  void item() {
    if (m_after_key) {
      m_after_key = false;
      return;
    }
    if (m_first.empty()) return;
    if (!m_first.back()) m_out << ',';
    m_first.back() = false;
    if (m_first.size() <= k_broken_depth) newline();
  }
  void newline() {
    m_out << '\n';
    for (std::size_t i = 0; i < m_first.size(); ++i) m_out << "  ";
  }
  void string(std::string_view text) {
    m_out << '"';
    std::size_t plain = 0;  // write runs of plain characters at once
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      m_out.write(text.data() + plain, static_cast<std::streamsize>(i - plain));
      plain = i + 1;
      switch (c) {
        case '"': m_out << "\\\""; break;
        case '\\': m_out << "\\\\"; break;
        case '\n': m_out << "\\n"; break;
        case '\r': m_out << "\\r"; break;
        case '\t': m_out << "\\t"; break;
        default: {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          m_out << buffer;
        }
      }
    }
    m_out.write(text.data() + plain, static_cast<std::streamsize>(text.size() - plain));
    m_out << '"';
  }

  std::ostream& m_out;
  std::vector<bool> m_first;  // per open container: no item written yet
  bool m_after_key = false;
};

// Milliseconds to the microsecond: 12.345, not 12.345000000000001.
double rounded_ms(double x) { return std::round(x * 1000.0) / 1000.0; }

const char* to_string(Recovery::State state) {
  switch (state) {
    case Recovery::State::k_recovered: return "recovered";
    case Recovery::State::k_not_recovered: return "not recovered";
    case Recovery::State::k_no_baseline: return "n/a (no throughput before the fault)";
  }
  return "?";
}

void write_publish(JsonWriter& w, const Publish& p, const DeliveryInput& input) {
  w.key("load").value(input.loads.name(p.load)).key("outcome").value(to_string(p.outcome)).key("at").value(p.at);
  if (p.error != 0) w.key("error").value(input.errors.name(p.error));
}

void write_offenders(JsonWriter& w, const char* name, const std::vector<Offender>& list, bool published,
                     const DeliveryAnalysis& a, const DeliveryInput& input) {
  w.key(name).begin_array();
  for (const auto& o : list) {
    w.begin_object().key("id").value(input.ids.text(o.publish.id));
    if (published) write_publish(w, o.publish, input);
    w.key("executions").begin_array();
    for (std::uint32_t i = o.first; i < o.first + o.count; ++i) {
      const Execution& run = a.executions_of_offenders[i];
      w.begin_object()
          .key("worker").value(input.workers.name(run.worker))
          .key("started").value(run.started)
          .key("attempt").value(std::uint64_t{run.attempt})
          .key("redelivered").value(run.redelivered)
          .end_object();
    }
    w.end_array().end_object();
  }
  w.end_array();
}
}  // namespace

util::Status write_delivery_report(const std::filesystem::path& file, const DeliveryAnalysis& a,
                                   const DeliveryInput& input, const Verdict& verdict) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) return util::Status::infrastructure("cannot create " + file.parent_path().string() + ": " + ec.message());
  errno = 0;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) {
    const int error = errno;
    return util::Status::infrastructure("cannot write " + file.string() +
                                        (error != 0 ? std::string(": ") + std::strerror(error) : std::string{}));
  }
  JsonWriter w(out);
  w.begin_object();
  w.key("outcome").value(to_string(verdict.outcome)).key("message").value(verdict.message);
  w.key("load").value(a.load);
  w.key("counts").begin_object()
      .key("published").value(std::uint64_t{a.published})
      .key("accepted").value(std::uint64_t{a.accepted})
      .key("executed").value(std::uint64_t{a.executed})
      .key("executions").value(std::uint64_t{a.executions})
      .key("ledger_executions").value(std::uint64_t{a.ledger_executions})
      .key("lost").value(std::uint64_t{a.lost.size()})
      .key("duplicated").value(std::uint64_t{a.duplicated.size()})
      .key("phantom").value(std::uint64_t{a.phantom.size()})
      .key("executed_although_failed").value(std::uint64_t{a.executed_although_failed.size()})
      .end_object();
  w.key("latency_ms").begin_object().key("count").value(std::uint64_t{a.latency.count});
  for (auto [name, value] : {std::pair{"p50", a.latency.p50_ms}, std::pair{"p95", a.latency.p95_ms},
                             std::pair{"p99", a.latency.p99_ms}, std::pair{"max", a.latency.max_ms}}) {
    w.key(name);
    if (a.latency.count > 0)
      w.value(rounded_ms(value));
    else
      w.null();
  }
  w.end_object();
  // The longest publish call (how long send_task held its caller), of the load under check.
  const auto& longest = a.longest_publish;
  w.key("longest_publish");
  if (longest.took_s >= 0)
    w.begin_object().key("took_ms").value(rounded_ms(longest.took_s * 1000.0)).key("id").value(input.ids.text(longest.id))
        .end_object();
  else
    w.null();
  w.key("throughput").begin_object().key("start").value(a.first_publish).key("bucket_s").value(std::uint64_t{1});
  w.key("executions").begin_array();
  for (auto n : a.throughput) w.value(std::uint64_t{n});
  w.end_array().end_object();
  w.key("faults").begin_array();
  for (const auto& r : a.recoveries) {
    w.begin_object()
        .key("kind").value(r.fault.kind)
        .key("service").value(r.fault.service)
        .key("start").value(r.fault.start)
        .key("end").value(r.fault.end)
        .key("ended").value(r.fault.ended)
        .key("state").value(to_string(r.state))
        .key("baseline_per_s").value(r.baseline_per_s);
    if (r.state == Recovery::State::k_recovered) {
      w.key("recovered_at").value(r.recovered_at).key("recovery_ms").value(rounded_ms(r.recovery_ms));
      w.key("by_backlog").value(r.by_backlog);
    }
    w.end_object();
  }
  w.end_array();
  w.key("lost").begin_array();
  for (const auto& p : a.lost) {
    w.begin_object().key("id").value(input.ids.text(p.id));
    write_publish(w, p, input);
    w.end_object();
  }
  w.end_array();
  write_offenders(w, "duplicated", a.duplicated, true, a, input);
  write_offenders(w, "phantom", a.phantom, false, a, input);
  write_offenders(w, "executed_although_failed", a.executed_although_failed, true, a, input);
  w.end_object();
  out.flush();
  if (!out) return util::Status::infrastructure("cannot write " + file.string());
  return util::Status::ok();
}

}  // namespace harness::check
