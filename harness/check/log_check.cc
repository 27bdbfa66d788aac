#include "harness/check/log_check.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <string_view>

#include "harness/check/check_kind.h"
#include "harness/scenario/check_syntax.h"

namespace harness::check {

namespace {
bool is_replica_log(const std::string& file, const std::string& service) {
  const std::string prefix = service + ".";
  if (file.rfind(prefix, 0) != 0 || file.size() <= prefix.size() + 4) return false;
  if (file.substr(file.size() - 4) != ".log") return false;
  const std::string middle = file.substr(prefix.size(), file.size() - prefix.size() - 4);
  return !middle.empty() && std::all_of(middle.begin(), middle.end(), ::isdigit);
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The line holding position `pos`, trimmed to 200 characters: evidence for the verdict.
std::string line_at(const std::string& text, size_t pos) {
  const size_t begin = text.rfind('\n', pos);
  const size_t start = begin == std::string::npos ? 0 : begin + 1;
  const size_t end = text.find('\n', pos);
  return text.substr(start, std::min<size_t>(200, (end == std::string::npos ? text.size() : end) - start));
}
}  // namespace

std::vector<std::filesystem::path> service_logs(const std::filesystem::path& logs_dir, const std::string& service) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(logs_dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (file == service + ".log" || is_replica_log(file, service)) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Verdict judge_log(const LogParams& check, const std::string& name, const std::string& classname,
                  const std::filesystem::path& logs_dir) {
  Verdict verdict;
  verdict.name = name;
  verdict.classname = classname;
  const bool want_present = check.contains.has_value();
  const std::string& pattern = want_present ? *check.contains : *check.not_contains;
  const auto files = service_logs(logs_dir, check.service);
  if (files.empty()) {
    verdict.outcome = Outcome::k_error;
    verdict.message = "no log of service '" + check.service + "' in " + logs_dir.string();
    return verdict;
  }
  std::uintmax_t bytes = 0;
  for (const auto& file : files) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec) bytes += size;
  }
  if (bytes == 0) {
    // A log without a line proves nothing: "does not contain" holds of any empty file, and "contains" failing
    // on one says more by naming why.
    verdict.outcome = Outcome::k_error;
    verdict.message = "the log of '" + check.service + "' is empty (" + std::to_string(files.size()) +
                      " file(s) in " + logs_dir.string() + "): nothing to judge";
    return verdict;
  }
  std::optional<std::regex> re;
  if (check.regex) re.emplace(pattern, std::regex::ECMAScript);
  std::string found_in;
  std::string found_line;
  for (const auto& file : files) {
    const std::string text = read_all(file);
    size_t pos = std::string::npos;
    if (re) {
      std::smatch match;
      if (std::regex_search(text, match, *re)) pos = static_cast<size_t>(match.position(0));
    } else {
      pos = text.find(pattern);
    }
    if (pos != std::string::npos) {
      found_in = file.filename().string();
      found_line = line_at(text, pos);
      break;
    }
  }
  const bool found = !found_in.empty();
  const std::string what = (check.regex ? "a match for /" + pattern + "/" : "'" + pattern + "'");
  if (found == want_present) {
    verdict.outcome = Outcome::k_passed;
    verdict.message = want_present ? "found " + what + " in " + found_in + ": " + found_line
                                   : "no " + what + " in the log of '" + check.service + "'";
    return verdict;
  }
  verdict.outcome = Outcome::k_failed;
  if (want_present) {
    verdict.message = "expected the log of '" + check.service + "' to contain " + what + "; it does not";
  } else {
    verdict.message = "expected the log of '" + check.service + "' not to contain " + what + "; " + found_in +
                      " has it: " + found_line;
  }
  for (const auto& f : files) verdict.details += "searched " + f.string() + "\n";
  return verdict;
}

// The kind, registered.
namespace {
using namespace harness::scenario;

const std::vector<std::string_view> k_log_keys{"service", "contains", "not_contains", "regex"};

std::optional<LogParams> read_log(YamlReader& reader, const MapEntry& entry, const std::vector<Service>* services) {
  const std::string context = "log check";
  auto map = read_map(reader, entry, "'log' must be a map with 'service' and 'contains' or 'not_contains'", k_log_keys,
                      context);
  if (!map) return std::nullopt;
  LogParams log;
  bool ok = true;
  read_check_service(reader, *map, services, context, log.service, ok);
  const MapEntry* contains = map->find("contains");
  const MapEntry* not_contains = map->find("not_contains");
  if (contains && not_contains) {
    const MapEntry* later = is_before(contains->key_location, not_contains->key_location) ? not_contains : contains;
    reader.error(later->key_location, "log check has both 'contains' and 'not_contains' (expected exactly one)");
    ok = false;
  } else if (!contains && !not_contains) {
    reader.error(map->location(), "log check needs 'contains' or 'not_contains'");
    ok = false;
  }
  if (const MapEntry* e = map->find("regex")) assign_or_fail(read_bool(reader, *e), log.regex, ok);
  for (const MapEntry* e : {contains, not_contains}) {
    if (!e) continue;
    auto pattern = read_nonempty_string(reader, *e);
    if (!pattern) {
      ok = false;
      continue;
    }
    (e == contains ? log.contains : log.not_contains) = *pattern;
    if (!log.regex) continue;
    try {
      std::regex compiled(*pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      reader.error(e->location,
                   "invalid regex " + quote(truncate(*pattern)) + " for " + quote(e->key) + ": " + error.what());
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return log;
}

std::string log_name(const KindParams& params) {
  const auto& log = params_as<LogParams>(params);
  if (log.contains) return "log " + log.service + " contains " + quote(truncate(*log.contains));
  return "log " + log.service + " not_contains " + quote(truncate(log.not_contains.value_or("")));
}

const bool k_log_registered = add_kind({
    .name = "log",
    .listed_at = 0,
    .keys = k_log_keys,
    .summary = "a service's log contains (or does not contain) a text or regex",
    .read = params_reader<read_log>,
    .generated_name = log_name,
}, {
    .judge = [](const Check& check, const std::string& classname, JudgeContext& context) {
      return judge_log(params_of<LogParams>(check), check.name, classname, context.logs_dir);
    },
});
}  // namespace

}  // namespace harness::check
