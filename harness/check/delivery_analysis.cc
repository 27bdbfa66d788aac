#include "harness/check/delivery_analysis.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

namespace harness::check {

namespace {
constexpr double k_baseline_window_s = 5.0;
constexpr double k_recovery_step_s = 0.1;
constexpr double k_recovery_window_s = 1.0;
constexpr double k_recovered_fraction = 0.9;
constexpr double k_never = std::numeric_limits<double>::infinity();
constexpr std::uint16_t k_no_load = 0xFFFF;

struct ByIdThenTime {
  bool operator()(const Publish& a, const Publish& b) const { return a.id != b.id ? a.id < b.id : a.at < b.at; }
  bool operator()(const Execution& a, const Execution& b) const {
    return a.id != b.id ? a.id < b.id : a.started < b.started;
  }
};

// In-place MSD radix sort ("American flag sort") on the top two bytes of the id, then std::sort within each of the
// 65,536 buckets: uuid4 ids are uniform there, so the buckets are tiny and the whole is several times faster than
// std::sort over a million records. Skewed ids (all interned, say) still end in std::sort: correct, only slower.
template <typename T>
void flag_sort(T* first, T* last, int shift) {
  constexpr int k_last_shift = 48;
  constexpr std::size_t k_small = 64;
  const auto n = static_cast<std::size_t>(last - first);
  if (n < k_small || shift < k_last_shift) {
    std::sort(first, last, ByIdThenTime{});
    return;
  }
  const auto digit = [shift](const T& item) { return static_cast<std::size_t>((item.id.hi >> shift) & 0xFF); };
  std::size_t begin[257] = {};
  for (T* p = first; p != last; ++p) ++begin[digit(*p) + 1];
  for (std::size_t b = 0; b < 256; ++b) begin[b + 1] += begin[b];
  std::size_t next[256];
  std::copy(begin, begin + 256, next);
  for (std::size_t b = 0; b < 256; ++b) {
    while (next[b] < begin[b + 1]) {  // cycle each misplaced item to its bucket
      T item = first[next[b]];
      for (std::size_t to = digit(item); to != b; to = digit(item)) std::swap(item, first[next[to]++]);
      first[next[b]++] = item;
    }
  }
  for (std::size_t b = 0; b < 256; ++b) flag_sort(first + begin[b], first + begin[b + 1], shift - 8);
}

template <typename T>
void sort_if_needed(std::vector<T>& items) {
  if (!std::is_sorted(items.begin(), items.end(), ByIdThenTime{})) sort_by_id(items);
}

// Doubles ascending by LSD radix sort of their bits (flipped so that unsigned order is numeric order): 1M starts
// in a few milliseconds, where std::sort takes tens.
void radix_sort(std::vector<double>& values) {
  std::vector<std::uint64_t> keys(values.size()), scratch(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint64_t bits;
    std::memcpy(&bits, &values[i], sizeof bits);
    keys[i] = (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
  }
  constexpr int k_digit_bits = 16;
  for (int shift = 0; shift < 64; shift += k_digit_bits) {
    std::vector<std::size_t> count((std::size_t{1} << k_digit_bits) + 1, 0);
    for (auto k : keys) ++count[((k >> shift) & 0xFFFF) + 1];
    for (std::size_t b = 1; b < count.size(); ++b) count[b] += count[b - 1];
    for (auto k : keys) scratch[count[(k >> shift) & 0xFFFF]++] = k;
    keys.swap(scratch);
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::uint64_t k = keys[i];
    const std::uint64_t bits = (k >> 63) ? k & ~(std::uint64_t{1} << 63) : ~k;
    std::memcpy(&values[i], &bits, sizeof bits);
  }
}

// One record per id: the first accepted publish, else the first publish. In place; keeps the vector sorted by id.
void merge_repeated_publishes(std::vector<Publish>& publishes) {
  sort_if_needed(publishes);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < publishes.size();) {
    Publish chosen = publishes[i];
    std::size_t j = i + 1;
    for (; j < publishes.size() && publishes[j].id == chosen.id; ++j)
      if (!is_accepted(chosen.outcome) && is_accepted(publishes[j].outcome)) chosen = publishes[j];
    publishes[kept++] = chosen;
    i = j;
  }
  publishes.resize(kept);
}

// Executions whose start is in [from, to), over starts sorted ascending.
std::size_t count_between(const std::vector<double>& starts, double from, double to) {
  return static_cast<std::size_t>(std::lower_bound(starts.begin(), starts.end(), to) -
                                  std::lower_bound(starts.begin(), starts.end(), from));
}

// For each fault end E: the last first start among the ids accepted before E (k_never when one of them never
// executed; -k_never when there were none). An id accepted at `at` counts for every end after it: it is put in
// the bucket of the first such end, and a running maximum over the ends (ascending) gives the answer. No sort of
// the million ids, only of the few ends.
class Backlog {
public:
  explicit Backlog(const std::vector<FaultWindow>& faults) {
    for (const auto& fault : faults) m_ends.push_back(fault.end);
    std::sort(m_ends.begin(), m_ends.end());
    m_done.assign(m_ends.size() + 1, -k_never);
  }
  bool empty() const { return m_ends.empty(); }
  void add(double at, double first_start) {
    const auto k = static_cast<std::size_t>(std::upper_bound(m_ends.begin(), m_ends.end(), at) - m_ends.begin());
    m_done[k] = std::max(m_done[k], first_start);
  }
  void finish() {
    for (std::size_t k = 1; k < m_done.size(); ++k) m_done[k] = std::max(m_done[k], m_done[k - 1]);
  }
  double done_before(double end) const {
    const auto k = static_cast<std::size_t>(std::lower_bound(m_ends.begin(), m_ends.end(), end) - m_ends.begin());
    return m_done[k];
  }

private:
  std::vector<double> m_ends;  // ascending
  std::vector<double> m_done;  // [k]: ids accepted in [end k-1, end k); after finish(): accepted before end k
};

Recovery recover(const FaultWindow& fault, const std::vector<double>& starts, double first_publish,
                 double last_accepted, const Backlog& backlog) {
  Recovery r;
  r.fault = fault;
  const double from = std::max(fault.start - k_baseline_window_s, first_publish);
  if (fault.start <= from || starts.empty()) return r;  // no time with load before the fault
  r.baseline_per_s = static_cast<double>(count_between(starts, from, fault.start)) / (fault.start - from);
  if (r.baseline_per_s <= 0) return r;

  std::optional<double> by_throughput;
  const double threshold = k_recovered_fraction * r.baseline_per_s;
  for (long step = 0;; ++step) {
    const double t = fault.end + k_recovery_step_s * static_cast<double>(step);
    if (t > starts.back()) break;  // no execution from here on
    if (static_cast<double>(count_between(starts, t, t + k_recovery_window_s)) >= threshold) {
      by_throughput = t;
      break;
    }
  }
  // A backlog done before the end proves nothing while the load goes on (a killed worker may have finished every
  // task it had, then run nothing more): it counts only once the load has stopped publishing.
  const double backlog_done = backlog.done_before(fault.end);
  const bool load_went_on = last_accepted >= fault.end;
  const bool backlog_counts = backlog_done != k_never && (backlog_done >= fault.end || !load_went_on);
  const bool backlog_first = backlog_counts && (!by_throughput || backlog_done < *by_throughput);
  if (!by_throughput && !backlog_first) {
    r.state = Recovery::State::k_not_recovered;
    return r;
  }
  r.state = Recovery::State::k_recovered;
  r.by_backlog = backlog_first;
  r.recovered_at = std::max(fault.end, backlog_first ? backlog_done : *by_throughput);
  r.recovery_ms = (r.recovered_at - fault.end) * 1000.0;
  return r;
}

// 1-based rank of the nearest-rank percentile p of n values (n > 0).
std::size_t nearest_rank(std::size_t n, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  return std::clamp<std::size_t>(rank, 1, n);
}

LatencySummary summarise(std::vector<double>& latencies) {
  LatencySummary s;
  s.count = latencies.size();
  if (latencies.empty()) return s;
  // Three selections instead of a sort: each is linear, and each works on the part below the previous rank.
  const auto at_rank = [&](double p, std::size_t end) {
    const std::size_t rank = nearest_rank(latencies.size(), p) - 1;
    std::nth_element(latencies.begin(), latencies.begin() + static_cast<long>(rank),
                     latencies.begin() + static_cast<long>(end));
    return std::pair{latencies[rank], rank + 1};
  };
  s.max_ms = *std::max_element(latencies.begin(), latencies.end());
  const auto [p99, end99] = at_rank(99, latencies.size());
  const auto [p95, end95] = at_rank(95, end99);
  s.p50_ms = at_rank(50, end95).first;
  s.p95_ms = p95;
  s.p99_ms = p99;
  return s;
}
}  // namespace

double percentile(const std::vector<double>& sorted, double p) { return sorted[nearest_rank(sorted.size(), p) - 1]; }

void sort_by_id(std::vector<Publish>& publishes) {
  flag_sort(publishes.data(), publishes.data() + publishes.size(), 56);
}
void sort_by_id(std::vector<Execution>& executions) {
  flag_sort(executions.data(), executions.data() + executions.size(), 56);
}

DeliveryAnalysis analyse_delivery(DeliveryInput& input, std::string_view load) {
  DeliveryAnalysis out;
  out.load = std::string(load);
  out.ledger_executions = input.executions.size();
  out.longest_publish = input.longest_publish_of(load);
  const std::uint32_t selected = load.empty() ? 0 : input.loads.find(load);  // size() when unknown: covers nothing
  const auto covered = [&](const Publish& p) { return load.empty() || p.load == selected; };

  auto& publishes = input.publishes;
  auto& executions = input.executions;
  merge_repeated_publishes(publishes);
  sort_if_needed(executions);

  std::vector<double> latencies;
  std::vector<double> starts;  // of covered executions
  Backlog backlog(input.faults);
  const bool need_backlog = !backlog.empty();
  out.first_publish = k_never;
  double last_accepted = -k_never;  // publish time of the last covered accepted id
  const auto offender = [&](const Publish& publish, std::size_t from, std::size_t to) {
    Offender o{publish, static_cast<std::uint32_t>(out.executions_of_offenders.size()),
               static_cast<std::uint32_t>(to - from)};
    out.executions_of_offenders.insert(out.executions_of_offenders.end(), executions.begin() + static_cast<long>(from),
                                       executions.begin() + static_cast<long>(to));
    return o;
  };

  // Merge the two id-sorted sides.
  std::size_t p = 0, e = 0;
  while (p < publishes.size() || e < executions.size()) {
    if (e == executions.size() || (p < publishes.size() && publishes[p].id < executions[e].id)) {
      const Publish& publish = publishes[p++];
      if (!covered(publish)) continue;
      ++out.published;
      out.first_publish = std::min(out.first_publish, publish.at);
      if (!is_accepted(publish.outcome)) continue;
      ++out.accepted;
      last_accepted = std::max(last_accepted, publish.at);
      out.lost.push_back(publish);
      if (need_backlog) backlog.add(publish.at, k_never);
      continue;
    }
    std::size_t group_end = e + 1;
    while (group_end < executions.size() && executions[group_end].id == executions[e].id) ++group_end;
    const std::size_t runs = group_end - e;
    if (p < publishes.size() && publishes[p].id == executions[e].id) {
      const Publish& publish = publishes[p++];
      if (covered(publish)) {
        ++out.published;
        ++out.executed;
        out.executions += runs;
        out.first_publish = std::min(out.first_publish, publish.at);
        for (std::size_t i = e; i < group_end; ++i) starts.push_back(executions[i].started);
        const double first_start = executions[e].started;
        if (is_accepted(publish.outcome)) {
          ++out.accepted;
          last_accepted = std::max(last_accepted, publish.at);
          latencies.push_back((first_start - publish.at) * 1000.0);
          if (need_backlog) backlog.add(publish.at, first_start);
        } else {
          out.executed_although_failed.push_back(offender(publish, e, group_end));
        }
        if (runs > 1) out.duplicated.push_back(offender(publish, e, group_end));
      }
    } else if (input.counts_as_phantom(executions[e])) {
      Publish unknown;
      unknown.id = executions[e].id;
      unknown.load = k_no_load;
      out.phantom.push_back(offender(unknown, e, group_end));
    }
    e = group_end;
  }
  if (out.published == 0) out.first_publish = 0;

  const auto first_start_of = [&](const Offender& o) { return out.executions_of_offenders[o.first].started; };
  std::stable_sort(out.lost.begin(), out.lost.end(), [](const Publish& a, const Publish& b) { return a.at < b.at; });
  std::stable_sort(out.executed_although_failed.begin(), out.executed_although_failed.end(),
                   [](const Offender& a, const Offender& b) { return a.publish.at < b.publish.at; });
  for (auto* list : {&out.duplicated, &out.phantom})
    std::stable_sort(list->begin(), list->end(),
                     [&](const Offender& a, const Offender& b) { return first_start_of(a) < first_start_of(b); });

  out.latency = summarise(latencies);
  latencies = {};

  if (!starts.empty()) {
    const double last = std::max(*std::max_element(starts.begin(), starts.end()), out.first_publish);
    out.throughput.assign(static_cast<std::size_t>(last - out.first_publish) + 1, 0);
    for (double s : starts)
      ++out.throughput[static_cast<std::size_t>(std::max(0.0, s - out.first_publish))];
  }
  if (input.faults.empty()) return out;
  radix_sort(starts);  // recovery counts executions in windows
  backlog.finish();
  for (const auto& fault : input.faults) out.recoveries.push_back(recover(fault, starts, out.first_publish, last_accepted, backlog));
  return out;
}

}  // namespace harness::check
