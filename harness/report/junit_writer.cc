#include "harness/report/junit_writer.h"

#include <pugixml.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "harness/util/time_format.h"

namespace harness::report {

namespace {
using check::Outcome;

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
};

Counts count(const ScenarioReport& s) {
  Counts c;
  for (const auto& v : s.verdicts) {
    ++c.tests;
    c.failures += v.outcome == Outcome::k_failed;
    c.errors += v.outcome == Outcome::k_error;
    c.skipped += v.outcome == Outcome::k_skipped;
  }
  if (!s.error.empty()) {  // the "scenario setup" testcase
    ++c.tests;
    ++c.errors;
  }
  return c;
}

void set_counts(pugi::xml_node node, const Counts& c) {
  node.append_attribute("tests") = c.tests;
  node.append_attribute("failures") = c.failures;
  node.append_attribute("errors") = c.errors;
  node.append_attribute("skipped") = c.skipped;
}

void attr(pugi::xml_node node, const char* name, const std::string& value) {
  node.append_attribute(name) = sanitize_xml_text(value).c_str();
}

void text(pugi::xml_node node, const std::string& value) {
  node.append_child(pugi::node_pcdata).set_value(sanitize_xml_text(value).c_str());
}

void add_case(pugi::xml_node suite, const ScenarioReport& s, const check::Verdict& v) {
  auto tc = suite.append_child("testcase");
  attr(tc, "name", v.name);
  attr(tc, "classname", v.classname.empty() ? s.name + ".check" : v.classname);
  attr(tc, "time", util::decimal_seconds(v.duration));
  if (!s.file.empty()) attr(tc, "file", s.file);
  const char* element = nullptr;
  const char* type = nullptr;
  switch (v.outcome) {
    case Outcome::k_passed: break;
    case Outcome::k_failed: element = "failure"; type = "check"; break;
    case Outcome::k_error: element = "error"; type = "infrastructure"; break;
    case Outcome::k_skipped: element = "skipped"; break;
  }
  if (element == nullptr) return;
  auto child = tc.append_child(element);
  attr(child, "message", v.message);
  if (type) {
    attr(child, "type", type);
    text(child, v.details.empty() ? v.message : v.message + "\n\n" + v.details);
  }
}
}  // namespace

std::string sanitize_xml_text(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  const char k_replacement[] = "\xEF\xBF\xBD";
  for (size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", c);
        out += buf;
      } else if (c == 0x7F) {
        out += "\\x7F";
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned cp = 0;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    bool valid = len > 0 && i + len <= n;
    for (size_t k = 1; valid && k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) valid = false;
      else cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (valid) {
      const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
      valid = cp >= min[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    }
    if (valid) {
      out.append(in, i, len);
      i += len;
    } else {
      out += k_replacement;
      ++i;
    }
  }
  return out;
}

std::string render_junit(const std::vector<ScenarioReport>& scenarios) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child("testsuites");
  root.append_attribute("name") = "celery-chaos";
  Counts total;
  std::chrono::milliseconds total_time{0};
  for (const auto& s : scenarios) {
    const Counts c = count(s);
    total.tests += c.tests;
    total.failures += c.failures;
    total.errors += c.errors;
    total.skipped += c.skipped;
    total_time += s.duration;
  }
  set_counts(root, total);
  attr(root, "time", util::decimal_seconds(total_time));

  int id = 0;
  for (const auto& s : scenarios) {
    auto suite = root.append_child("testsuite");
    attr(suite, "name", s.name);
    set_counts(suite, count(s));
    attr(suite, "time", util::decimal_seconds(s.duration));
    attr(suite, "timestamp", util::iso8601_utc(s.started));
    attr(suite, "hostname", s.hostname);
    suite.append_attribute("id") = id++;
    if (!s.file.empty()) attr(suite, "file", s.file);

    std::vector<std::pair<std::string, std::string>> props = {{"seed", std::to_string(s.seed)}};
    props.insert(props.end(), s.properties.begin(), s.properties.end());
    props.emplace_back("run_id", s.run_id);
    props.emplace_back("expect", s.expectation);
    auto properties = suite.append_child("properties");
    for (const auto& [key, value] : props) {
      auto p = properties.append_child("property");
      attr(p, "name", key);
      attr(p, "value", value);
    }
    // An infrastructure fault is an <error> of its own, before the checks it left unjudged (<skipped>).
    if (!s.error.empty()) {
      add_case(suite, s, check::Verdict{"scenario setup", s.name + ".setup", Outcome::k_error, s.error, {}, {}});
    }
    for (const auto& v : s.verdicts) add_case(suite, s, v);
    std::ostringstream out;
    for (const auto& [key, value] : props) out << key << ": " << value << "\n";
    if (!s.description.empty()) out << "description: " << s.description << "\n";
    for (const auto& log : s.logs) {
      out << "----- logs/" << log.service << ".log (last lines) -----\n" << log.tail;
      if (!log.tail.empty() && log.tail.back() != '\n') out << "\n";
    }
    text(suite.append_child("system-out"), out.str());
    if (!s.error.empty()) text(suite.append_child("system-err"), s.error + "\n");
  }
  std::ostringstream xml;
  doc.save(xml, "  ", pugi::format_default, pugi::encoding_utf8);
  return xml.str();
}

util::Status write_junit(const std::vector<ScenarioReport>& scenarios, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << render_junit(scenarios);
  out.close();
  if (!out) return util::Status::infrastructure("cannot write " + path.string());
  return util::Status::ok();
}

}  // namespace harness::report
