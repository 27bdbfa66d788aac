#include "harness/report/junit_merge.h"

#include <pugixml.hpp>

#include <sstream>
#include <string_view>

#include "harness/report/xml_text.h"

namespace harness::report {

namespace {
namespace fs = std::filesystem;

struct Totals {
  long long tests = 0, failures = 0, errors = 0, skipped = 0;
  double time = 0;
};

// The suite's count `name`, or the number of testcases holding a `child` (all of them when `child` is empty).
long long count_of(pugi::xml_node suite, const char* name, const char* child) {
  if (const auto attribute = suite.attribute(name)) return attribute.as_llong();
  long long n = 0;
  for (const auto testcase : suite.children("testcase")) n += *child == '\0' || testcase.child(child) ? 1 : 0;
  return n;
}

void add_suite(pugi::xml_node root, pugi::xml_node suite, int id, Totals& totals) {
  totals.tests += count_of(suite, "tests", "");
  totals.failures += count_of(suite, "failures", "failure");
  totals.errors += count_of(suite, "errors", "error");
  totals.skipped += count_of(suite, "skipped", "skipped");
  totals.time += suite.attribute("time").as_double();
  auto copy = root.append_copy(suite);
  auto id_attribute = copy.attribute("id");
  if (!id_attribute) id_attribute = copy.append_attribute("id");
  id_attribute.set_value(id);
}

util::Status read_input(const fs::path& path, pugi::xml_document& doc) {
  const auto parsed = doc.load_file(path.c_str());
  if (parsed.status == pugi::status_file_not_found || parsed.status == pugi::status_io_error) {
    return util::Status::invalid(path.string() + ": cannot read it");
  }
  if (!parsed) {
    return util::Status::invalid(path.string() + ": not XML: " + parsed.description() + " at offset " +
                                 std::to_string(parsed.offset));
  }
  const std::string_view root = doc.document_element().name();
  if (root != "testsuites" && root != "testsuite") {
    return util::Status::invalid(path.string() + ": not JUnit XML (its root is <" + std::string(root) +
                                 ">, not <testsuites> or <testsuite>)");
  }
  return util::Status::ok();
}

std::string three_decimals(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", seconds < 0 ? 0.0 : seconds);
  return buffer;
}
}  // namespace

util::Expected<std::string> merge_junit(const std::vector<fs::path>& inputs) {
  pugi::xml_document merged;
  auto declaration = merged.append_child(pugi::node_declaration);
  declaration.append_attribute("version").set_value("1.0");
  declaration.append_attribute("encoding").set_value("UTF-8");
  auto root = merged.append_child("testsuites");
  root.append_attribute("name").set_value("celery-chaos");
  Totals totals;
  int id = 0;
  for (const auto& path : inputs) {
    pugi::xml_document doc;
    if (auto st = read_input(path, doc); !st) return st;
    const auto element = doc.document_element();
    if (std::string_view(element.name()) == "testsuite") {
      add_suite(root, element, id++, totals);
      continue;
    }
    for (const auto suite : element.children("testsuite")) add_suite(root, suite, id++, totals);
  }
  root.append_attribute("tests").set_value(totals.tests);
  root.append_attribute("failures").set_value(totals.failures);
  root.append_attribute("errors").set_value(totals.errors);
  root.append_attribute("skipped").set_value(totals.skipped);
  root.append_attribute("time").set_value(three_decimals(totals.time).c_str());
  std::ostringstream xml;
  merged.save(xml, "  ", pugi::format_default, pugi::encoding_utf8);
  return ascii_xml(xml.str());
}

}  // namespace harness::report
